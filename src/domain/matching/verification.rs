//! What a verification is worth as it ages, as a fit and as bands of days that facets and SQL
//! can select by.

use chrono::{Days, NaiveDate};

/// How much a verification is worth with its age in days: full within a year, then less.
const VERIFICATION_BANDS: [(u64, f64); 3] = [(365, 1.0), (730, 0.5), (1095, 0.25)];

/// The fit of a verification made on `verified_on`, seen on `today`.
pub fn verification_fit(verified_on: Option<NaiveDate>, today: NaiveDate) -> f64 {
    let Some(day) = verified_on else { return 0.0 };
    let age = u64::try_from((today - day).num_days()).unwrap_or(0);
    VERIFICATION_BANDS
        .iter()
        .find(|(days, _)| age <= *days)
        .map_or(0.0, |(_, fit)| *fit)
}

/// Records verified from `since` (inclusive) to `before` (exclusive) share one fit; `None`
/// leaves a side open, and the last band also holds records never verified.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VerificationBand {
    /// First day of the band.
    pub since: Option<NaiveDate>,
    /// Day after its last day.
    pub before: Option<NaiveDate>,
    /// The fit of every record in it.
    pub fit: f64,
}

/// The bands of verification age on `today`, best first.
pub fn verification_bands(today: NaiveDate) -> Vec<VerificationBand> {
    let mut bands = Vec::new();
    let mut before = None;
    for (days, fit) in VERIFICATION_BANDS {
        let since = today.checked_sub_days(Days::new(days));
        bands.push(VerificationBand { since, before, fit });
        before = since;
    }
    bands.push(VerificationBand {
        since: None,
        before,
        fit: 0.0,
    });
    bands
}
