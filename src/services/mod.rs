//! Background work and computations over the registry, grouped by capability. No egui here.
//!
//! - [`registry_worker`]: the desk's one writer thread, and [`registry_index`], the in-memory index the screens read;
//! - [`health`]: probing cameras, the prober thread, thumbnails;
//! - [`map`]: base-map tiles, the spatial index, ward and police-station boundaries;
//! - [`review`]: coverage gaps, the weekly figures and report, blocked integrations;
//! - [`exchange`]: import and export of lists;
//! - [`lookup`]: the incident lookup (which cameras could have seen a point, their health then, their footage);
//! - [`demo`]: the demo registry and the camera simulator that answers for it;
//! - [`json_count`]: what a JSON file holds, counted before it is parsed (imports, boundaries);
//! - the audit log's words, error words shown to people, background-thread priority.

mod audit;
pub mod background;
pub mod demo;
pub mod error_words;
pub mod exchange;
pub mod health;
pub mod json_count;
pub mod lookup;
pub mod map;
pub mod registry_index;
pub mod registry_worker;
pub mod review;

pub use audit::{
    AUDIT_ACTIONS, audit_action_words, audit_change_words, audit_record_words, audit_summary,
    audit_table,
};
