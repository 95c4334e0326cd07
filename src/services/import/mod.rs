//! Bulk import of camera and site lists: read a file ([`read`]), map its columns, check every row, then commit
//! the good rows in one transaction.

pub mod plan;
pub mod read;
