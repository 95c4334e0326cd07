//! Background work and computations over the registry: the desk's worker thread, the in-memory index the
//! screens read, the demo registry and the figures. No egui here.

mod audit;
pub mod background;
pub mod blocked;
pub mod boundaries;
pub mod coverage;
pub mod demo;
pub mod desk;
pub mod error_words;
pub mod export;
pub mod import;
pub mod map_index;
pub mod mbtiles;
pub mod monitor;
pub mod probe;
pub mod prober;
pub mod registry_index;
pub mod result_batch;
pub mod simulator;
pub mod stats;
pub mod thumbs;
pub mod tiles;
pub mod weekly;
pub mod weekly_report;

pub use audit::{
    AUDIT_ACTIONS, audit_action_words, audit_change_words, audit_record_words, audit_summary,
    audit_table,
};
