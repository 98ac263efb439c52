//! Buyer requests and the firms proposed for them: what may be written, and which moves of
//! their status are allowed.

use chrono::{DateTime, NaiveDate, Utc};
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
    "notes": "Met at the Paris trade fair; wants an answer within the week.",
    "deadline": "2027-01-15"
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
    /// When the buyer wants the agency's answer (a shortlist), if they said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<NaiveDate>,
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
        if let Some(deadline) = self.deadline {
            v.check("deadline", super::checks::plausible_date(deadline));
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
    /// When it reached `closed_won`, `closed_lost` or `cancelled`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<DateTime<Utc>>,
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
#[schema(example = json!({"status": "shortlisted", "note": "Strong on French-language insurance work.", "position": 1}))]
pub struct MatchUpdate {
    /// The new status; a saved match starts `proposed`. Moves: `proposed` to `shortlisted`
    /// or `declined`; `shortlisted` to `introduced` or `declined`; `introduced` to `won`,
    /// `lost` or `declined`.
    #[serde(default)]
    pub status: Option<MatchStatus>,
    /// A note for the agency, up to 2,000 characters; `null` clears it.
    #[serde(default, deserialize_with = "present")]
    pub note: Option<Option<String>>,
    /// The firm's place in the shortlist handed to the buyer, 1 to 100 (firms without one
    /// follow, best score first); `null` clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 100)]
    pub position: Option<Option<i32>>,
    /// What the contract is worth, on a `won` match only; `null` clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Contract>)]
    pub contract: Option<Option<Contract>>,
}

impl MatchUpdate {
    /// Checks the note, the position and the contract.
    pub fn validate(&self) -> Result<(), ApiError> {
        let mut v = Violations::default();
        if let Some(Some(note)) = &self.note {
            v.check("note", text_block(note, 2000));
        }
        if let Some(Some(position)) = self.position
            && !(1..=100).contains(&position)
        {
            v.add("position", "must be between 1 and 100");
        }
        if let Some(Some(contract)) = &self.contract {
            contract.check(&mut v);
        }
        v.finish()
    }

    /// `before` with this update applied by `actor` at `now`; a 409 for a move that is not
    /// allowed, a 422 for a contract on a match that is not won.
    pub fn apply(self, before: &SavedMatch, actor: &str, now: DateTime<Utc>) -> Result<SavedMatch, ApiError> {
        let status = self.status.unwrap_or(before.status);
        check_match_move(before.status, status)?;
        let contract = self.contract.unwrap_or(before.contract.clone());
        if contract.is_some() && status != MatchStatus::Won {
            return Err(ApiError::invalid(
                "contract",
                "only a won match records a contract",
            ));
        }
        let moved = status != before.status;
        let first_introduction = moved && status == MatchStatus::Introduced && before.introduced_at.is_none();
        Ok(SavedMatch {
            status,
            note: self.note.unwrap_or(before.note.clone()),
            position: self.position.unwrap_or(before.position),
            contract,
            status_changed_by: if moved {
                actor.to_owned()
            } else {
                before.status_changed_by.clone()
            },
            status_changed_at: if moved { now } else { before.status_changed_at },
            introduced_at: if first_introduction {
                Some(now)
            } else {
                before.introduced_at
            },
            version: before.version + 1,
            ..before.clone()
        })
    }

    /// Whether it changes only what a won match may still learn once its request is closed:
    /// the contract and the note.
    pub fn is_late_outcome(&self) -> bool {
        self.status.is_none() && self.position.is_none() && self.contract.is_some()
    }
}

/// The contract a won introduction led to, as the agency estimates it. Statistics add values
/// up per currency, never across currencies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"estimated_value": 180000, "currency": "EUR", "months": 24}))]
pub struct Contract {
    /// Estimated value in whole units of the currency, 1 to 1,000,000,000,000.
    #[schema(minimum = 1, maximum = 1_000_000_000_000_i64)]
    pub estimated_value: i64,
    /// ISO 4217 currency code, such as `XOF` or `EUR`.
    pub currency: String,
    /// The months it covers, 1 to 240.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 240)]
    pub months: Option<i32>,
}

/// Largest estimated contract value.
const MAX_CONTRACT_VALUE: i64 = 1_000_000_000_000;

impl Contract {
    fn check(&self, v: &mut Violations) {
        if !(1..=MAX_CONTRACT_VALUE).contains(&self.estimated_value) {
            v.add("contract.estimated_value", "must be between 1 and 1000000000000");
        }
        if iso_currency::Currency::from_code(&self.currency).is_none() {
            v.add(
                "contract.currency",
                "must be an ISO 4217 currency code, such as XOF or EUR",
            );
        }
        if let Some(months) = self.months
            && !(1..=240).contains(&months)
        {
            v.add("contract.months", "must be between 1 and 240");
        }
    }
}

/// Tells a `null` (`Some(None)`) from a missing field (`None`).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
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
    /// Its place in the shortlist, if the agency gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<i32>,
    /// What the contract is worth, once won.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contract: Option<Contract>,
    /// When it was first introduced to the buyer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub introduced_at: Option<DateTime<Utc>>,
    /// Who last moved its status.
    pub status_changed_by: String,
    /// When.
    pub status_changed_at: DateTime<Utc>,
    /// Raised by every change; the ETag is built from it.
    pub version: i32,
    /// When it was saved.
    pub created_at: DateTime<Utc>,
}
