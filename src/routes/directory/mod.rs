//! The directory: organizations, their records, programmes and the reference lists.

pub mod claims;
pub mod duplicates;
pub mod items;
pub mod merges;
pub mod organizations;
pub mod programmes;
pub mod proposals;
mod proposing;
mod records;
pub mod reference;
pub mod reviews;
pub mod search;
pub mod verifications;

pub use records::*;
