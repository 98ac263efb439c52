//! Records that belong to one organization: export capabilities, market presence,
//! certifications, contacts and relationships. They share one shape and one set of rules.

use chrono::{DateTime, NaiveDate, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::checks;
use super::identity::check_email;
use super::organization::Bilingual;
use super::reference::Reference;
use super::validation::{Violations, text};
use super::vocab::{DeliveryMode, MarketKind};
use crate::error::ApiError;

mod links;
pub use links::{ParticipationFields, RelationshipFields};

/// Most records of one kind an organization may hold.
pub const MAX_PER_ORGANIZATION: i64 = 200;

/// The editable fields of a kind of record.
pub trait ItemFields: Serialize + DeserializeOwned + Clone + PartialEq + Send + Sync + 'static {
    /// The record kind, in the audit trail and the change feed.
    const KIND: &'static str;
    /// The last segment of the records' collection path.
    const PATH: &'static str;
    /// Whether the record's text is part of what its organization is found by.
    const SEARCHED: bool = false;
    /// Whether buyer matching reads the record (it is part of its organization's match profile).
    const MATCHED: bool = false;
    /// Whether the record is personal data, which leaves with it: deleting it erases its
    /// states from the audit history too.
    const PERSONAL: bool = false;

    /// Every rule, all violations at once.
    fn validate(&self, reference: &Reference) -> Result<(), ApiError>;

    /// Another organization this record points to, which must exist (and be visible).
    fn linked_organization(&self) -> Option<&str> {
        None
    }

    /// A programme this record points to, which must exist.
    fn linked_programme(&self) -> Option<&str> {
        None
    }

    /// Whether the record has lapsed on `today` (certificates).
    fn expired(&self, _today: NaiveDate) -> Option<bool> {
        None
    }

    /// Whether replacing `before` by `after` (`None`: absent) changes what a verification of
    /// the organization vouched for (capabilities' capacity figures).
    fn lapses_verification(_before: Option<&Self>, _after: Option<&Self>) -> bool {
        false
    }

    /// Whether the record's figures are too old to rely on, on `today`, for a record last
    /// changed on `changed` (capabilities' capacity).
    fn stale(&self, _today: NaiveDate, _changed: NaiveDate) -> Option<bool> {
        None
    }
}

/// Months after which capacity figures are stale: a contact centre's seats change that fast.
pub const STALE_AFTER_MONTHS: u32 = 18;

/// Whether figures holding for `as_of` are stale on `today`.
pub fn is_stale(as_of: NaiveDate, today: NaiveDate) -> bool {
    today
        .checked_sub_months(chrono::Months::new(STALE_AFTER_MONTHS))
        .is_some_and(|limit| as_of < limit)
}

/// A record of an organization, as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Item<F> {
    /// Stable opaque id.
    pub id: String,
    /// The organization it belongs to.
    pub organization_id: String,
    /// The editable fields.
    #[serde(flatten)]
    pub fields: F,
    /// For certifications: whether it has lapsed (it stays listed, but no longer counts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expired: Option<bool>,
    /// For capabilities with capacity figures: whether they hold for a day more than 18 months
    /// ago (`capacity_as_of`, else the record's last change); matching then counts them at half.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stale: Option<bool>,
    /// Raised by every change; the ETag is built from it.
    pub version: i32,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl<F: ItemFields> Item<F> {
    /// A new record of `organization_id`, at version 1.
    pub fn new(organization_id: &str, fields: F, now: DateTime<Utc>) -> Self {
        Item {
            id: uuid::Uuid::now_v7().to_string(),
            organization_id: organization_id.to_owned(),
            fields,
            expired: None,
            stale: None,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    /// Fills in the derived fields for display.
    pub fn derive(mut self) -> Self {
        let today = Utc::now().date_naive();
        self.expired = self.fields.expired(today);
        self.stale = self.fields.stale(today, self.updated_at.date_naive());
        self
    }
}

/// A working language of a capability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkingLanguage {
    /// ISO 639-1 code.
    #[schema(example = "fr")]
    pub code: String,
    /// Seats working in this language, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats: Option<i32>,
}

/// An export capability: a service the organization delivers abroad.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "service_code": "bpo.contact_center_inbound",
    "description": {"fr": "Service client en français pour l'assurance.", "en": "French-language customer service for insurers."},
    "delivery_modes": ["offshore"],
    "languages": [{"code": "fr", "seats": 120}, {"code": "wo", "seats": 20}],
    "capacity_seats": 140,
    "capacity_as_of": "2026-09-30",
    "min_engagement_months": 6
}))]
pub struct CapabilityFields {
    /// A code of the service taxonomy.
    pub service_code: String,
    /// What exactly is offered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Bilingual>,
    /// How it is delivered; at least one.
    pub delivery_modes: Vec<DeliveryMode>,
    /// Working languages (ISO 639-1), with seats per language where known.
    #[serde(default)]
    pub languages: Vec<WorkingLanguage>,
    /// Capacity in seats (contact centres).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_seats: Option<i32>,
    /// Capacity in full-time equivalents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_fte: Option<i32>,
    /// The date the capacity figures hold for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_as_of: Option<NaiveDate>,
    /// Shortest engagement accepted, in months.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_engagement_months: Option<i32>,
}

impl CapabilityFields {
    /// The day the capacity figures hold for, for a record last changed on `changed`; `None`
    /// without figures.
    pub fn capacity_date(&self, changed: NaiveDate) -> Option<NaiveDate> {
        (self.capacity_seats.is_some() || self.capacity_fte.is_some())
            .then(|| self.capacity_as_of.unwrap_or(changed))
    }
}

impl ItemFields for CapabilityFields {
    const KIND: &'static str = "capability";
    const MATCHED: bool = true;
    const PATH: &'static str = "capabilities";
    const SEARCHED: bool = true;

    fn stale(&self, today: NaiveDate, changed: NaiveDate) -> Option<bool> {
        self.capacity_date(changed).map(|as_of| is_stale(as_of, today))
    }

    fn lapses_verification(before: Option<&Self>, after: Option<&Self>) -> bool {
        let figures = |c: Option<&Self>| c.map(|c| (c.capacity_seats, c.capacity_fte, c.capacity_as_of));
        let stated =
            |c: Option<&Self>| c.is_some_and(|c| c.capacity_seats.is_some() || c.capacity_fte.is_some());
        (stated(before) || stated(after)) && figures(before) != figures(after)
    }

    fn validate(&self, reference: &Reference) -> Result<(), ApiError> {
        let mut v = Violations::default();
        v.check("service_code", reference.service(&self.service_code));
        if let Some(description) = &self.description {
            description.check("description", 2000, &mut v);
        }
        if self.delivery_modes.is_empty() {
            v.add("delivery_modes", "give at least one delivery mode");
        }
        for (i, mode) in self.delivery_modes.iter().enumerate() {
            if self.delivery_modes[..i].contains(mode) {
                v.add(&format!("delivery_modes[{i}]"), "appears twice");
            }
        }
        if self.languages.len() > 20 {
            v.add("languages", "at most 20 languages");
        }
        for (i, language) in self.languages.iter().enumerate() {
            v.check(
                &format!("languages[{i}].code"),
                reference.language(&language.code),
            );
            if self.languages[..i].iter().any(|l| l.code == language.code) {
                v.add(&format!("languages[{i}].code"), "appears twice");
            }
            if let Some(seats) = language.seats {
                v.check(&format!("languages[{i}].seats"), checks::count(seats, 100_000));
            }
        }
        for (field, value) in [
            ("capacity_seats", self.capacity_seats),
            ("capacity_fte", self.capacity_fte),
        ] {
            if let Some(value) = value {
                v.check(field, checks::count(value, 100_000));
            }
        }
        if let Some(months) = self.min_engagement_months {
            v.check("min_engagement_months", checks::count(months, 120));
        }
        v.finish()
    }
}

/// Presence in a foreign market.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"country": "FR", "kind": "served", "since_year": 2015, "reference_clients": 4}))]
pub struct MarketFields {
    /// ISO 3166-1 alpha-2 country.
    pub country: String,
    /// Served, target or office.
    pub kind: MarketKind,
    /// Since when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since_year: Option<i32>,
    /// Clients there that can be named as references.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_clients: Option<i32>,
}

impl ItemFields for MarketFields {
    const KIND: &'static str = "market";
    const MATCHED: bool = true;
    const PATH: &'static str = "markets";

    fn validate(&self, reference: &Reference) -> Result<(), ApiError> {
        let mut v = Violations::default();
        v.check("country", reference.country(&self.country));
        if let Some(year) = self.since_year {
            v.check("since_year", checks::year(year));
        }
        if let Some(count) = self.reference_clients {
            v.check("reference_clients", checks::count(count, 100_000));
        }
        v.finish()
    }
}

/// A certification held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"scheme": "iso_iec_27001", "certificate_number": "IS 712345", "issuer": "Bureau Veritas", "valid_from": "2024-03-02", "valid_until": "2027-03-01"}))]
pub struct CertificationFields {
    /// A code from /v1/certification-schemes.
    pub scheme: String,
    /// The certificate's number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_number: Option<String>,
    /// Who issued it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// First day of validity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<NaiveDate>,
    /// Last day of validity; after it the certificate is shown as expired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<NaiveDate>,
}

impl ItemFields for CertificationFields {
    const KIND: &'static str = "certification";
    const MATCHED: bool = true;
    const PATH: &'static str = "certifications";

    fn validate(&self, reference: &Reference) -> Result<(), ApiError> {
        let mut v = Violations::default();
        v.check("scheme", reference.scheme(&self.scheme));
        for (field, value) in [
            ("certificate_number", &self.certificate_number),
            ("issuer", &self.issuer),
        ] {
            if let Some(value) = value {
                v.check(field, text(value, 1, 200));
            }
        }
        v.check(
            "valid_until",
            checks::date_order(self.valid_from, self.valid_until),
        );
        v.finish()
    }

    fn expired(&self, today: NaiveDate) -> Option<bool> {
        Some(self.valid_until.is_some_and(|until| until < today))
    }
}

/// A person to talk to. Personal data: never shown to partners.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Awa Ndiaye", "role_title": "Directrice commerciale", "email": "awa.ndiaye@example.sn", "phone": "+221771234567"}))]
pub struct ContactFields {
    /// Full name.
    pub name: String,
    /// Position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_title: Option<String>,
    /// Email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone, E.164.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The firm agreed that the agency may hand this person's details to a buyer with a
    /// shortlist (`contacts=true`). False until the firm says so.
    #[serde(default)]
    pub shareable: bool,
}

impl ItemFields for ContactFields {
    const KIND: &'static str = "contact";
    const PATH: &'static str = "contacts";
    const PERSONAL: bool = true;

    fn validate(&self, _reference: &Reference) -> Result<(), ApiError> {
        let mut v = Violations::default();
        v.check("name", text(&self.name, 1, 200));
        if let Some(title) = &self.role_title {
            v.check("role_title", text(title, 1, 200));
        }
        if let Some(email) = &self.email {
            v.check("email", check_email(email));
        }
        if let Some(phone) = &self.phone {
            v.check("phone", checks::phone(phone));
        }
        v.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificates_expire_after_their_last_day() {
        let day = |d| NaiveDate::from_ymd_opt(2027, 3, d).unwrap();
        let cert = CertificationFields {
            scheme: "iso_iec_27001".into(),
            certificate_number: None,
            issuer: None,
            valid_from: None,
            valid_until: Some(day(1)),
        };
        assert_eq!(cert.expired(day(1)), Some(false));
        assert_eq!(cert.expired(day(2)), Some(true));
    }
}
