//! Programmes: named initiatives (NTF IV, Plan Sénégal Numérique 2016-2025) and who takes part.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::organization::Bilingual;
use super::validation::{Violations, text};
use crate::error::ApiError;

/// The fields of a programme a curator writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Netherlands Trust Fund IV", "acronym": "NTF IV", "description": {"en": "ITC programme funded by the Netherlands."}}))]
pub struct ProgrammeFields {
    /// Name, 1 to 200 characters.
    pub name: String,
    /// Short name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acronym: Option<String>,
    /// What it is, in French and/or English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Bilingual>,
    /// First year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_year: Option<i32>,
    /// Last year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_year: Option<i32>,
}

impl ProgrammeFields {
    /// Every rule, all violations at once.
    pub fn validate(&self) -> Result<(), ApiError> {
        let mut v = Violations::default();
        v.check("name", text(&self.name, 1, 200));
        if let Some(acronym) = &self.acronym {
            v.check("acronym", text(acronym, 1, 30));
        }
        if let Some(description) = &self.description {
            description.check("description", 5000, &mut v);
        }
        // A programme may be planned years ahead, so its years are not capped at next year.
        for (field, year) in [("start_year", self.start_year), ("end_year", self.end_year)] {
            if year.is_some_and(|year| !(1900..=2100).contains(&year)) {
                v.add(field, "must be a year from 1900 to 2100");
            }
        }
        if let (Some(start), Some(end)) = (self.start_year, self.end_year)
            && start > end
        {
            v.add("end_year", "must not be before start_year");
        }
        v.finish()
    }
}

/// A programme as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Programme {
    /// Stable opaque id.
    pub id: String,
    /// Stable readable id.
    #[schema(example = "netherlands-trust-fund-iv")]
    pub slug: String,
    /// The editable fields.
    #[serde(flatten)]
    pub fields: ProgrammeFields,
    /// Raised by every change; the ETag is built from it.
    pub version: i32,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}
