//! Records that link an organization to another organization or to a programme.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ItemFields;
use crate::domain::checks;
use crate::domain::reference::Reference;
use crate::domain::validation::{Violations, text};
use crate::domain::vocab::{ParticipantRole, RelationshipKind};
use crate::error::ApiError;

/// A relationship from this organization to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "member_of", "target_id": "0193a0a4-7b1e-7c35-9c8e-3f1a2b4c5d6e", "since": "2016-01-01", "source": "OPTIC member list"}))]
pub struct RelationshipFields {
    /// How this organization relates to the target.
    pub kind: RelationshipKind,
    /// The other organization's id.
    pub target_id: String,
    /// Since when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<NaiveDate>,
    /// Until when, if it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
    /// Where the fact comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl ItemFields for RelationshipFields {
    const KIND: &'static str = "relationship";
    const PATH: &'static str = "relationships";

    fn validate(&self, _reference: &Reference) -> Result<(), ApiError> {
        let mut v = Violations::default();
        v.check("target_id", text(&self.target_id, 1, 64));
        v.check("until", checks::date_order(self.since, self.until));
        if let Some(source) = &self.source {
            v.check("source", text(source, 1, 500));
        }
        v.finish()
    }

    fn linked_organization(&self) -> Option<&str> {
        Some(&self.target_id)
    }
}

/// An organization's part in a programme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"programme_id": "0193a0a4-7b1e-7c35-9c8e-3f1a2b4c5d6e", "role": "partner"}))]
pub struct ParticipationFields {
    /// The programme's id.
    pub programme_id: String,
    /// The organization's part in it.
    pub role: ParticipantRole,
}

impl ItemFields for ParticipationFields {
    const KIND: &'static str = "participation";
    const PATH: &'static str = "programmes";

    fn validate(&self, _reference: &Reference) -> Result<(), ApiError> {
        let mut v = Violations::default();
        v.check("programme_id", text(&self.programme_id, 1, 64));
        v.finish()
    }

    fn linked_programme(&self) -> Option<&str> {
        Some(&self.programme_id)
    }
}
