//! The supervisor's review: coverage gaps at the places that need a camera ([`coverage`]), the weekly figures
//! and headline counts ([`weekly`]), the printable weekly report ([`weekly_report`]) and blocked integrations
//! chased per owner ([`blocked`]).

pub mod blocked;
pub mod coverage;
pub mod weekly;
pub mod weekly_report;
