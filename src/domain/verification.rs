//! Verifications that mean something: how and on what evidence an organization was checked,
//! until when that holds, and the changes that end it early.

use chrono::{Days, NaiveDate};
use serde::Deserialize;
use utoipa::ToSchema;

use super::organization::{Organization, Verification};
use super::validation::{Violations, text};
use super::vocab::{LapseCause, VerificationMethod};
use crate::error::ApiError;

/// Days a verification stays in force unless configured otherwise.
pub const DEFAULT_VALID_DAYS: u32 = 365;

/// The body of a verification.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"method": "registry_lookup", "note": "NINEA vérifié au registre de l'ANSD le 2 décembre."}))]
pub struct VerificationRequest {
    /// How the organization was checked.
    pub method: VerificationMethod,
    /// The evidence, 1 to 2,000 characters; staff only.
    #[serde(default)]
    pub note: Option<String>,
}

impl VerificationRequest {
    /// Checks the note.
    pub fn checked(self) -> Result<Self, ApiError> {
        let mut v = Violations::default();
        if let Some(note) = &self.note {
            v.check("note", text(note, 1, 2_000));
        }
        v.finish()?;
        Ok(self)
    }

    /// The verification made now, on `today`, by `who`, in force for `valid_days`.
    pub fn record(self, at: chrono::DateTime<chrono::Utc>, who: &str, valid_days: u32) -> Verification {
        let today = at.date_naive();
        Verification {
            verified_at: at,
            verified_by: Some(who.to_owned()),
            method: Some(self.method),
            note: self.note,
            valid_until: today
                .checked_add_days(Days::new(u64::from(valid_days)))
                .unwrap_or(NaiveDate::MAX),
            lapsed_by: None,
        }
    }
}

/// Whether a verification whose last day in force is `valid_until` holds on `today`.
pub fn in_force(valid_until: NaiveDate, today: NaiveDate) -> bool {
    today <= valid_until
}

/// What, of the fields a verification vouches for, changed from `before` to `after`.
pub fn lapsing_change(before: &Organization, after: &Organization) -> Option<LapseCause> {
    if before.fields.name != after.fields.name {
        Some(LapseCause::Name)
    } else if before.fields.registry_ids != after.fields.registry_ids {
        Some(LapseCause::RegistryIds)
    } else {
        None
    }
}

/// The last day in force of a verification a change ends on `today`: yesterday, so that it
/// no longer counts today.
pub fn last_day_when_lapsed(today: NaiveDate) -> NaiveDate {
    today.pred_opt().unwrap_or(today)
}

/// Ends `verification` because of `cause` on `today`, if it is still in force.
pub fn lapse(verification: &mut Verification, cause: LapseCause, today: NaiveDate) {
    if in_force(verification.valid_until, today) {
        verification.valid_until = last_day_when_lapsed(today);
        verification.lapsed_by = Some(cause);
    }
}

/// `after` with its verification lapsed when the change from `before` touches what it vouched
/// for.
pub fn after_change(before: &Organization, mut after: Organization, today: NaiveDate) -> Organization {
    if let (Some(cause), Some(verification)) = (lapsing_change(before, &after), after.verification.as_mut()) {
        lapse(verification, cause, today);
    }
    after
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn a_verification_holds_through_its_last_day_and_a_change_ends_it() {
        let at = day("2026-12-04").and_hms_opt(10, 0, 0).unwrap().and_utc();
        let request = VerificationRequest {
            method: VerificationMethod::SiteVisit,
            note: Some("Visite des locaux".into()),
        };
        let mut made = request.record(at, "u1", 365);
        assert_eq!(made.valid_until, day("2027-12-04"));
        assert!(in_force(made.valid_until, day("2027-12-04")));
        assert!(!in_force(made.valid_until, day("2027-12-05")));
        lapse(&mut made, LapseCause::Capacity, day("2027-01-10"));
        assert_eq!(
            (made.valid_until, made.lapsed_by),
            (day("2027-01-09"), Some(LapseCause::Capacity))
        );
        lapse(&mut made, LapseCause::Name, day("2027-02-01"));
        assert_eq!(
            made.lapsed_by,
            Some(LapseCause::Capacity),
            "a lapsed one stays as it lapsed"
        );
    }

    #[test]
    fn notes_are_bounded() {
        let long = VerificationRequest {
            method: VerificationMethod::Phone,
            note: Some("x".repeat(2_001)),
        };
        assert!(long.checked().is_err());
    }
}

/// A verification that is due: lapsed, or lapsing within the window asked for.
#[derive(Debug, Clone, serde::Serialize, ToSchema)]
pub struct DueVerification {
    /// The organization.
    pub organization: super::duplicates::OrganizationRef,
    /// When it was verified.
    pub verified_at: chrono::DateTime<chrono::Utc>,
    /// How.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<VerificationMethod>,
    /// Its last day in force.
    pub valid_until: NaiveDate,
    /// Whether it is still in force today.
    pub in_force: bool,
    /// What change ended it early, if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lapsed_by: Option<LapseCause>,
}
