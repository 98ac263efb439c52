//! Change proposals: what a firm's representative asks to change in its own organization,
//! waiting for a curator. A proposal names the version it was made against; approving it
//! applies it only while that version holds (`If-Match` semantics), else it is in conflict.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::review::{FieldChange, ReviewAuthor};
use super::validation::{Violations, text};
use crate::error::ApiError;

/// Longest explanation a representative gives with a proposal, in characters.
const MAX_COMMENT: usize = 2000;

/// What a proposal changes: the organization's own fields, or one kind of its records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProposalTarget {
    /// The organization's fields (a merge patch).
    Organization,
    /// An export capability.
    Capabilities,
    /// A market presence.
    Markets,
    /// A certification.
    Certifications,
    /// A contact person.
    Contacts,
    /// A relationship to another organization.
    Relationships,
    /// A programme participation.
    Programmes,
}

/// What a proposal does to its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProposalOperation {
    /// A merge patch of the organization or of one record.
    Update,
    /// A new record.
    Create,
    /// A record's removal.
    Remove,
}

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    /// Waiting for a curator.
    Pending,
    /// A curator approved it; it was applied.
    Approved,
    /// A curator turned it down, saying why.
    Rejected,
    /// Its author took it back.
    Withdrawn,
}

macro_rules! names {
    ($type:ty { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $type {
            /// The stored and serialised name.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $name),+ }
            }

            /// The value of a stored name.
            pub fn parse(name: &str) -> Result<Self, ApiError> {
                match name {
                    $($name => Ok(Self::$variant),)+
                    other => Err(ApiError::internal(format!("unknown stored name `{other}`"))),
                }
            }
        }
    };
}

names!(ProposalTarget {
    Organization => "organization", Capabilities => "capabilities", Markets => "markets",
    Certifications => "certifications", Contacts => "contacts", Relationships => "relationships",
    Programmes => "programmes",
});
names!(ProposalOperation { Update => "update", Create => "create", Remove => "remove" });
names!(ProposalStatus { Pending => "pending", Approved => "approved", Rejected => "rejected", Withdrawn => "withdrawn" });

/// The body of a proposal.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"target": "organization", "operation": "update", "base_version": 4,
    "changes": {"employees": 240, "city": "Thiès"}, "comment": "Nous avons ouvert un second site."}))]
pub struct ProposalRequest {
    /// The organization's fields, or a kind of its records.
    pub target: ProposalTarget,
    /// `update` (the default), `create` (records only) or `remove` (records only).
    #[serde(default)]
    pub operation: Option<ProposalOperation>,
    /// The record updated or removed.
    #[serde(default)]
    pub record_id: Option<String>,
    /// The version read (the organization's, or the record's for a record's update or
    /// removal): the ETag's number. Required except to create a record.
    #[serde(default)]
    pub base_version: Option<i32>,
    /// A merge patch of the fields (update), or the new record's fields (create).
    #[serde(default)]
    pub changes: Option<Value>,
    /// Why, for the curator: 1 to 2,000 characters.
    #[serde(default)]
    pub comment: Option<String>,
}

/// A proposal, checked for shape: what is left to check needs the directory's state.
#[derive(Debug, Clone)]
pub struct CheckedProposal {
    /// The target.
    pub target: ProposalTarget,
    /// The operation.
    pub operation: ProposalOperation,
    /// The record, for a record's update or removal.
    pub record_id: Option<String>,
    /// The version read, but for a new record.
    pub base_version: Option<i32>,
    /// The patch or the new record's fields; none for a removal.
    pub changes: Option<Value>,
    /// Why.
    pub comment: Option<String>,
}

impl ProposalRequest {
    /// Checks that the parts fit the operation, every violation at once. Staff-only fields
    /// (`internal_notes`) are not the firm's to propose.
    pub fn checked(self) -> Result<CheckedProposal, ApiError> {
        let operation = self.operation.unwrap_or(ProposalOperation::Update);
        let mut v = Violations::default();
        let on_record = self.target != ProposalTarget::Organization;
        if !on_record && operation != ProposalOperation::Update {
            v.add("operation", "an organization's own fields can only be updated");
        }
        match (
            &self.record_id,
            on_record && operation != ProposalOperation::Create,
        ) {
            (None, true) => v.add("record_id", "is required to update or remove a record"),
            (Some(_), false) => v.add("record_id", "names a record to update or remove only"),
            (Some(id), true) => v.check("record_id", text(id, 1, 64)),
            (None, false) => {}
        }
        match (self.base_version, operation == ProposalOperation::Create) {
            (None, false) => v.add("base_version", "is required: the version you read (its ETag)"),
            (Some(n), false) if n < 1 => v.add("base_version", "must be at least 1"),
            _ => {}
        }
        match (&self.changes, operation) {
            (Some(_), ProposalOperation::Remove) => v.add("changes", "a removal changes no fields"),
            (None, ProposalOperation::Update | ProposalOperation::Create) => {
                v.add("changes", "is required: the fields to change")
            }
            (Some(changes), _) if !changes.is_object() => v.add("changes", "must be a JSON object"),
            (Some(changes), _) if changes.get("internal_notes").is_some() => {
                v.add("changes.internal_notes", "is kept by curators")
            }
            _ => {}
        }
        if let Some(comment) = &self.comment {
            let flat: String = comment
                .chars()
                .map(|c| if c.is_whitespace() { ' ' } else { c })
                .collect();
            v.check("comment", text(&flat, 1, MAX_COMMENT));
        }
        v.finish()?;
        Ok(CheckedProposal {
            target: self.target,
            operation,
            record_id: self
                .record_id
                .filter(|_| on_record && operation != ProposalOperation::Create),
            base_version: self
                .base_version
                .filter(|_| operation != ProposalOperation::Create),
            changes: self.changes,
            comment: self.comment,
        })
    }
}

/// A proposal, as its author and curators see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Proposal {
    /// Stable id.
    pub id: String,
    /// The organization it is about.
    pub organization_id: String,
    /// The organization's fields, or a kind of its records.
    pub target: ProposalTarget,
    /// Update, create or remove.
    pub operation: ProposalOperation,
    /// The record updated or removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    /// The version it was made against.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_version: Option<i32>,
    /// The merge patch, or the new record's fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<Value>,
    /// Why, from its author.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Pending, approved, rejected or withdrawn.
    pub status: ProposalStatus,
    /// A pending proposal whose version moved (or whose record is gone): approval would
    /// refuse it; its author should propose again against what is there now.
    pub in_conflict: bool,
    /// What it changes, field by field, against what is there now (pending proposals).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub field_changes: Vec<FieldChange>,
    /// Who proposed it.
    pub proposed_by: ReviewAuthor,
    /// When.
    pub proposed_at: DateTime<Utc>,
    /// Who decided or withdrew it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<ReviewAuthor>,
    /// When.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<DateTime<Utc>>,
    /// The curator's reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision_comment: Option<String>,
    /// The record a `create` made, once approved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied_record_id: Option<String>,
}

/// The refusal of an approval whose version moved.
pub fn conflict(current: Option<i32>, base: Option<i32>) -> ApiError {
    match (current, base) {
        (None, _) => ApiError::Conflict("The proposal is in conflict: its record no longer exists.".into()),
        (Some(now), Some(base)) => ApiError::Conflict(format!(
            "The proposal is in conflict: it was made against version {base}, and the version now is {now}."
        )),
        (Some(_), None) => ApiError::Conflict("The proposal is in conflict.".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(body: Value) -> Result<CheckedProposal, ApiError> {
        serde_json::from_value::<ProposalRequest>(body).unwrap().checked()
    }

    #[test]
    fn the_parts_must_fit_the_operation() {
        assert!(
            request(json!({"target": "organization", "base_version": 2, "changes": {"city": "Thiès"}}))
                .is_ok()
        );
        assert!(
            request(json!({"target": "markets", "operation": "create", "changes": {"country": "FR"}}))
                .is_ok()
        );
        let remove =
            json!({"target": "markets", "operation": "remove", "record_id": "m1", "base_version": 1});
        assert!(request(remove).is_ok());
        for bad in [
            json!({"target": "organization", "changes": {"city": "Thiès"}}),
            json!({"target": "organization", "operation": "create", "base_version": 1, "changes": {}}),
            json!({"target": "organization", "base_version": 1, "changes": {"internal_notes": "x"}}),
            json!({"target": "organization", "base_version": 1, "changes": [1]}),
            json!({"target": "markets", "base_version": 1, "changes": {}}),
            json!({"target": "markets", "operation": "remove", "record_id": "m1", "base_version": 1, "changes": {}}),
            json!({"target": "markets", "operation": "create", "record_id": "m1", "changes": {}}),
            json!({"target": "organization", "base_version": 0, "changes": {}, "comment": " "}),
        ] {
            let Err(ApiError::Validation(errors)) = request(bad.clone()) else {
                panic!("{bad}")
            };
            assert!(!errors.is_empty(), "{bad}");
        }
    }

    #[test]
    fn names_round_trip() {
        for target in [ProposalTarget::Organization, ProposalTarget::Programmes] {
            assert_eq!(ProposalTarget::parse(target.as_str()).unwrap(), target);
            assert_eq!(serde_json::to_value(target).unwrap(), target.as_str());
        }
        assert!(ProposalStatus::parse("lost").is_err());
    }
}
