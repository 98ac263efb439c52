//! Slugs for the organizations a file creates.

use std::collections::HashSet;

use crate::db::{self, DbConnection};
use crate::error::ApiError;

/// Slugs handed out to new organizations, free in the directory and within the file.
#[derive(Default)]
pub struct Slugs {
    /// Handed out to this file's rows.
    taken: HashSet<String>,
    /// Looked up in the directory beforehand.
    checked: HashSet<String>,
    /// Of those, the ones the directory has.
    in_directory: HashSet<String>,
}

impl Slugs {
    /// Notes which of these slugs the directory already has, in batched reads, so that only
    /// the names that collide cost a query of their own.
    pub fn prefetch(&mut self, conn: &mut DbConnection, bases: Vec<String>) -> Result<(), ApiError> {
        let owners = db::imports::slug_owners(conn, &bases)?;
        self.in_directory.extend(owners.into_keys());
        self.checked.extend(bases);
        Ok(())
    }

    /// `base`, or `base-2`, `base-3`…: the first free in the directory and in this file.
    pub fn free(&mut self, conn: &mut DbConnection, base: &str) -> Result<String, ApiError> {
        let mut n = 1;
        loop {
            let slug = if n == 1 {
                base.to_owned()
            } else {
                format!("{base}-{n}")
            };
            let in_directory = if self.checked.contains(&slug) {
                self.in_directory.contains(&slug)
            } else {
                db::imports::slug_taken(conn, &slug)?
            };
            if !in_directory && self.taken.insert(slug.clone()) {
                return Ok(slug);
            }
            n += 1;
        }
    }
}
