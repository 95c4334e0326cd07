//! iccc-desk: the camera-integration desk of a Safe City Integrated Command and Control Centre.
//!
//! Layers, dependencies pointing one way: [`model`] ← [`store`] ← [`services`] ← [`ui`]. Nothing below `ui`
//! imports egui. [`i18n`] is the one string catalogue every layer speaks through.

pub mod cli;
pub mod i18n;
pub mod model;
pub mod services;
pub mod store;
pub mod ui;
