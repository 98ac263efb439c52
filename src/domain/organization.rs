//! Organizations: the firms and the bodies around them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::checks;
use super::identity::check_email;
use super::reference::Reference;
use super::validation::{Violations, text};
use super::visibility::Viewer;
use super::vocab::{LapseCause, OrganizationKind, RegistryScheme, Status, VerificationMethod};
use crate::error::ApiError;

/// Most registry identifiers one organization may carry.
const MAX_REGISTRY_IDS: usize = 10;

/// Text for people, in French and English; at least one of the two.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Bilingual {
    /// French.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fr: Option<String>,
    /// English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Bilingual {
    /// Checks both languages, each `1..=max` characters, and that one is present.
    pub fn check(&self, field: &str, max: usize, violations: &mut Violations) {
        if self.fr.is_none() && self.en.is_none() {
            violations.add(field, "give at least one of fr and en");
        }
        for (language, value) in [("fr", &self.fr), ("en", &self.en)] {
            if let Some(value) = value {
                violations.check(&format!("{field}.{language}"), text(value, 1, max));
            }
        }
    }
}

/// An identifier in a public register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistryId {
    /// Which register.
    pub scheme: RegistryScheme,
    /// The identifier, in the register's format.
    #[schema(example = "004567890 2G3")]
    pub value: String,
}

/// The fields of an organization a curator writes: the body of a create, and what a PATCH
/// (JSON Merge Patch) changes. Status, verification, version and times are not among them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "firm",
    "name": "Exemple Télé-Services (données de démonstration)",
    "acronym": "ETS",
    "description": {"fr": "Centre de contacts francophone à Dakar.", "en": "French-speaking contact centre in Dakar."},
    "country": "SN",
    "city": "Dakar",
    "website": "https://example.sn",
    "phone": "+221338890000",
    "founded_year": 2012,
    "employees": 180,
    "registry_ids": [{"scheme": "ninea", "value": "004567890 2G3"}]
}))]
pub struct OrganizationFields {
    /// What the organization is.
    pub kind: OrganizationKind,
    /// Usual name, 1 to 200 characters.
    pub name: String,
    /// Short name, such as ASEPEX.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acronym: Option<String>,
    /// Registered legal name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_name: Option<String>,
    /// What it does, in French and/or English (up to 5,000 characters each).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Bilingual>,
    /// ISO 3166-1 alpha-2 country of its head office.
    #[schema(example = "SN")]
    pub country: String,
    /// Region, such as Dakar or Thiès.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Public website, http(s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Public email (not a person's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Public phone, E.164.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Year founded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub founded_year: Option<i32>,
    /// Head count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employees: Option<i32>,
    /// Identifiers in public registers; each is unique per scheme across the directory.
    #[serde(default)]
    pub registry_ids: Vec<RegistryId>,
    /// Sample data (demonstrations, benchmarks), never a real company.
    #[serde(default)]
    pub is_sample: bool,
    /// Notes for staff; never shown to partners.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_notes: Option<String>,
}

impl OrganizationFields {
    /// Every rule, all violations at once.
    pub fn validate(&self, reference: &Reference) -> Result<(), ApiError> {
        let mut v = Violations::default();
        v.check("name", text(&self.name, 1, 200));
        let optional_texts = [
            ("acronym", &self.acronym, 30),
            ("legal_name", &self.legal_name, 300),
            ("region", &self.region, 100),
            ("city", &self.city, 100),
            ("internal_notes", &self.internal_notes, 5000),
        ];
        for (field, value, max) in optional_texts {
            if let Some(value) = value {
                v.check(field, text(value, 1, max));
            }
        }
        if let Some(description) = &self.description {
            description.check("description", 5000, &mut v);
        }
        v.check("country", reference.country(&self.country));
        if let Some(website) = &self.website {
            v.check("website", checks::url(website));
        }
        if let Some(email) = &self.email {
            v.check("email", check_email(email));
        }
        if let Some(phone) = &self.phone {
            v.check("phone", checks::phone(phone));
        }
        if let Some(year) = self.founded_year {
            v.check("founded_year", checks::year(year));
        }
        if let Some(employees) = self.employees {
            v.check("employees", checks::count(employees, 1_000_000));
        }
        if self.registry_ids.len() > MAX_REGISTRY_IDS {
            v.add("registry_ids", format!("at most {MAX_REGISTRY_IDS} identifiers"));
        }
        for (i, id) in self.registry_ids.iter().enumerate() {
            v.check(&format!("registry_ids[{i}].value"), id.check_value());
            if self.registry_ids[..i].contains(id) {
                v.add(&format!("registry_ids[{i}]"), "appears twice");
            }
        }
        v.finish()
    }
}

impl RegistryId {
    /// Whether the value has its scheme's format (stored as given: formats are exact).
    pub fn check_value(&self) -> Result<(), String> {
        match self.scheme {
            RegistryScheme::Ninea => checks::ninea(&self.value),
            RegistryScheme::Rccm => checks::rccm(&self.value),
            RegistryScheme::Lei => checks::lei(&self.value),
        }
    }
}

/// Who verified a record, when, how, and until when it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Verification {
    /// When the record was last checked against its sources.
    pub verified_at: DateTime<Utc>,
    /// The user who checked it; hidden from partners.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_by: Option<String>,
    /// How it was checked (absent on verifications recorded before methods were).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<VerificationMethod>,
    /// The evidence; hidden from partners.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The last day it is in force: `ANNUAIRE_VERIFICATION_VALID_DAYS` after it was made, or
    /// the day before a change to what it vouched for. `verified=true`, facets and matching
    /// count it only through this day.
    pub valid_until: NaiveDate,
    /// What change ended it before its term, if one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lapsed_by: Option<LapseCause>,
}

/// An organization as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Organization {
    /// Stable opaque id.
    #[schema(example = "0193a0a4-7b1e-7c35-9c8e-3f1a2b4c5d6e")]
    pub id: String,
    /// Stable readable id, derived from the name at creation.
    #[schema(example = "asepex")]
    pub slug: String,
    /// The editable fields.
    #[serde(flatten)]
    pub fields: OrganizationFields,
    /// Lifecycle: draft, in_review, published, archived.
    pub status: Status,
    /// The last verification, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<Verification>,
    /// Raised by every change to the organization or its records; the ETag is built from it.
    pub version: i32,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it, or one of its records, last changed.
    pub updated_at: DateTime<Utc>,
    /// The records `include` asked for, on bulk reads; never stored with it.
    #[serde(flatten, skip_deserializing)]
    pub records: super::include::Records,
}

impl Organization {
    /// The representation `viewer` may see.
    pub fn for_viewer(mut self, viewer: Viewer) -> Self {
        if !viewer.sees_internal() {
            self.fields.internal_notes = None;
            if let Some(verification) = &mut self.verification {
                verification.verified_by = None;
                verification.note = None;
            }
        }
        self
    }
}

/// A lifecycle action on an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Draft to in review.
    Submit,
    /// Draft or in review to published.
    Publish,
    /// Published to draft.
    Unpublish,
    /// Anything but archived to archived.
    Archive,
    /// Record a verification (not on archived records).
    Verify,
    /// A reviewer's approval: in review to published.
    Approve,
    /// A reviewer's request for changes: in review back to draft.
    RequestChanges,
}

impl Action {
    /// The audit name of the action.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Submit => "submitted",
            Action::Publish => "published",
            Action::Unpublish => "unpublished",
            Action::Archive => "archived",
            Action::Verify => "verified",
            Action::Approve => "approved",
            Action::RequestChanges => "changes_requested",
        }
    }

    /// The action's name in the audit trail and the change feed: an approval is recorded as
    /// the publication it is, so that mirrors and the series see one kind of event; the review
    /// thread records it as an approval.
    pub fn audit_name(self) -> &'static str {
        match self {
            Action::Approve => "published",
            other => other.as_str(),
        }
    }

    /// Whether the action publishes an entry in review, which its submitter may not do under
    /// the four-eyes rule (sending it back to draft stays open to them: it publishes nothing).
    pub fn approves_review(self, from: Status) -> bool {
        from == Status::InReview && matches!(self, Action::Approve | Action::Publish)
    }

    /// The status after the action, or why it is not allowed from `from` (a 409).
    pub fn next_status(self, from: Status) -> Result<Status, ApiError> {
        use Status::*;
        let to = match (self, from) {
            (Action::Submit, Draft) => InReview,
            (Action::Publish, Draft | InReview) => Published,
            (Action::Unpublish, Published) => Draft,
            (Action::Archive, Draft | InReview | Published) => Archived,
            (Action::Verify, status) if status != Archived => status,
            (Action::Approve, InReview) => Published,
            (Action::RequestChanges, InReview) => Draft,
            (action, status) => {
                return Err(ApiError::Conflict(format!(
                    "An organization in status {} cannot be {}.",
                    status.as_str(),
                    action.as_str()
                )));
            }
        };
        Ok(to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_moves_only_along_allowed_edges() {
        assert_eq!(
            Action::Publish.next_status(Status::Draft).unwrap(),
            Status::Published
        );
        assert_eq!(
            Action::Unpublish.next_status(Status::Published).unwrap(),
            Status::Draft
        );
        assert_eq!(
            Action::Verify.next_status(Status::Published).unwrap(),
            Status::Published
        );
        assert!(Action::Publish.next_status(Status::Archived).is_err());
        assert!(Action::Unpublish.next_status(Status::Draft).is_err());
        assert!(Action::Verify.next_status(Status::Archived).is_err());
        assert!(Action::Submit.next_status(Status::Published).is_err());
        assert_eq!(
            Action::RequestChanges.next_status(Status::InReview).unwrap(),
            Status::Draft
        );
        assert!(Action::Approve.next_status(Status::Draft).is_err());
    }
}
