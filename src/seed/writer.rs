//! Writes seed records through the same storage functions as the API, audit trail included.

use chrono::{DateTime, Utc};

use crate::auth::Caller;
use crate::db::items::{self, ItemStore};
use crate::db::{DbConnection, organizations};
use crate::domain::checks::slugify;
use crate::domain::items::Item;
use crate::domain::organization::{Organization, OrganizationFields};
use crate::domain::vocab::Status;
use crate::error::ApiError;

/// Writes seed records as the service itself.
pub struct Writer {
    actor: Caller,
    now: DateTime<Utc>,
}

impl Writer {
    pub fn new() -> Self {
        Writer {
            actor: Caller::system(),
            now: crate::db::now().and_utc(),
        }
    }

    /// Stores a published organization under `slug` (or one derived from its name).
    pub fn organization(
        &self,
        conn: &mut DbConnection,
        slug: Option<&str>,
        fields: OrganizationFields,
    ) -> Result<Organization, ApiError> {
        let slug = organizations::free_slug(conn, &slugify(slug.unwrap_or(&fields.name)))?;
        let org = Organization {
            id: uuid::Uuid::now_v7().to_string(),
            slug,
            fields,
            status: Status::Published,
            verification: None,
            version: 1,
            created_at: self.now,
            updated_at: self.now,
            records: Default::default(),
        };
        organizations::insert(conn, &org, &self.actor)?;
        Ok(org)
    }

    /// Stores a record of `organization_id`.
    pub fn item<F: ItemStore>(
        &self,
        conn: &mut DbConnection,
        organization_id: &str,
        fields: F,
    ) -> Result<(), ApiError> {
        items::create(conn, &Item::new(organization_id, fields, self.now), &self.actor)
    }
}
