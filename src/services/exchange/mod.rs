//! Lists in and out of the registry: bulk import of camera and site lists ([`import`]) and exports of sites,
//! cameras, gaps and the audit log ([`export`]).

pub mod export;
pub mod import;
