//! Buyer requests and the firms proposed for them: what may be written, and which moves of
//! their status are allowed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::matching::criteria::MatchCriteria;
use super::matching::explain::MatchResult;
use super::reference::Reference;
use super::validation::{Violations, text};
use super::vocab::{MatchStatus, RequestStatus};
use crate::error::ApiError;

/// The fields of a buyer request the agency writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "buyer_name": "Assurances du Midi",
    "buyer_country": "FR",
    "buyer_sector": "Insurance",
    "criteria": {
        "services": ["bpo.contact_center_inbound"],
        "required_languages": ["fr"],
        "required_certifications": ["iso_iec_27001"],
        "min_capacity": {"amount": 40, "unit": "seats"},
        "markets": ["FR"],
        "start_date": "2027-03-01"
    },
    "notes": "Met at the Paris trade fair; wants an answer within the week."
}))]
pub struct BuyerRequestFields {
    /// The buyer, 1 to 200 characters.
    pub buyer_name: String,
    /// The buyer's country (ISO 3166-1 alpha-2).
    pub buyer_country: String,
    /// The buyer's line of business, up to 100 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_sector: Option<String>,
    /// What the buyer needs.
    pub criteria: MatchCriteria,
    /// Free text for the agency, up to 5,000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Where the request stands; a new one is `open`. Moves: between `open` and
    /// `shortlisting`, and from either to `closed_won`, `closed_lost` or `cancelled`, which are
    /// final.
    #[serde(default = "open")]
    pub status: RequestStatus,
}

fn open() -> RequestStatus {
    RequestStatus::Open
}

impl BuyerRequestFields {
    /// Every rule, all violations at once.
    pub fn validate(&self, reference: &Reference) -> Result<(), ApiError> {
        let mut v = Violations::default();
        v.check("buyer_name", text(&self.buyer_name, 1, 200));
        v.check("buyer_country", reference.country(&self.buyer_country));
        if let Some(sector) = &self.buyer_sector {
            v.check("buyer_sector", text(sector, 1, 100));
        }
        if let Some(notes) = &self.notes {
            v.check("notes", text_block(notes, 5000));
        }
        self.criteria.check("criteria.", reference, &mut v);
        v.finish()
    }
}

/// Multi-line text: line breaks and tabs are fine, other control characters are not.
fn text_block(value: &str, max: usize) -> Result<(), String> {
    let flattened: String = value
        .chars()
        .map(|c| if matches!(c, '\n' | '\r' | '\t') { ' ' } else { c })
        .collect();
    text(&flattened, 1, max)
}

/// A buyer request as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct BuyerRequest {
    /// Stable opaque id.
    pub id: String,
    /// The agency user who recorded it.
    pub owner_id: String,
    /// The editable fields.
    #[serde(flatten)]
    pub fields: BuyerRequestFields,
    /// Raised by every change; the ETag is built from it.
    pub version: i32,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl BuyerRequest {
    /// Whether firms may still be proposed and moved along.
    pub fn is_active(&self) -> bool {
        matches!(
            self.fields.status,
            RequestStatus::Open | RequestStatus::Shortlisting
        )
    }
}

/// A 409 unless `from` may become `to` (staying put is always fine).
pub fn check_request_move(from: RequestStatus, to: RequestStatus) -> Result<(), ApiError> {
    use RequestStatus::*;
    let allowed = from == to
        || match from {
            Open => matches!(to, Shortlisting | ClosedWon | ClosedLost | Cancelled),
            Shortlisting => matches!(to, Open | ClosedWon | ClosedLost | Cancelled),
            ClosedWon | ClosedLost | Cancelled => false,
        };
    refuse_unless(allowed, "request", from.as_str(), to.as_str())
}

/// A 409 unless a match may move from `from` to `to`.
pub fn check_match_move(from: MatchStatus, to: MatchStatus) -> Result<(), ApiError> {
    use MatchStatus::*;
    let allowed = from == to
        || match from {
            Proposed => matches!(to, Shortlisted | Declined),
            Shortlisted => matches!(to, Introduced | Declined),
            Introduced => matches!(to, Won | Lost | Declined),
            Declined | Won | Lost => false,
        };
    refuse_unless(allowed, "match", from.as_str(), to.as_str())
}

fn refuse_unless(allowed: bool, what: &str, from: &str, to: &str) -> Result<(), ApiError> {
    if allowed {
        Ok(())
    } else {
        Err(ApiError::Conflict(format!(
            "a {what} cannot move from {from} to {to}"
        )))
    }
}

/// What the agency writes when it saves a firm for a request or moves it along.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "shortlisted", "note": "Strong on French-language insurance work."}))]
pub struct MatchUpdate {
    /// The new status; a saved match starts `proposed`. Moves: `proposed` to `shortlisted`
    /// or `declined`; `shortlisted` to `introduced` or `declined`; `introduced` to `won`,
    /// `lost` or `declined`.
    #[serde(default)]
    pub status: Option<MatchStatus>,
    /// A note for the agency, up to 2,000 characters; `null` clears it.
    #[serde(default, deserialize_with = "present")]
    pub note: Option<Option<String>>,
}

impl MatchUpdate {
    /// Checks the note.
    pub fn validate(&self) -> Result<(), ApiError> {
        let mut v = Violations::default();
        if let Some(Some(note)) = &self.note {
            v.check("note", text_block(note, 2000));
        }
        v.finish()
    }
}

/// Tells a `null` (`Some(None)`) from a missing field (`None`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// A firm saved for a request.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SavedMatch {
    /// The request.
    pub request_id: String,
    /// The firm.
    pub organization_id: String,
    /// Where its introduction stands.
    pub status: MatchStatus,
    /// The agency's note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The firm's assessment when it was saved: score, breakdown with reasons, and what rules it
    /// out if the agency proposed it despite a failed constraint.
    pub evaluation: MatchResult,
    /// Who last moved its status.
    pub status_changed_by: String,
    /// When.
    pub status_changed_at: DateTime<Utc>,
    /// Raised by every change; the ETag is built from it.
    pub version: i32,
    /// When it was saved.
    pub created_at: DateTime<Utc>,
}
