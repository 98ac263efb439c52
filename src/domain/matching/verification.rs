//! What a verification is worth: full while in force, nothing once lapsed; as a fit and as
//! bands of a profile's last day in force that facets and SQL can select by.

use chrono::NaiveDate;

/// The fit of a verification in force through `verified_until`, seen on `today`.
pub fn verification_fit(verified_until: Option<NaiveDate>, today: NaiveDate) -> f64 {
    match verified_until {
        Some(until) if crate::domain::verification::in_force(until, today) => 1.0,
        _ => 0.0,
    }
}

/// Records whose last day in force is from `since` (inclusive) to `before` (exclusive) share
/// one fit; `None` leaves a side open, and the last band also holds records never verified.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VerificationBand {
    /// First last-day of the band.
    pub since: Option<NaiveDate>,
    /// Day after its last last-day.
    pub before: Option<NaiveDate>,
    /// The fit of every record in it.
    pub fit: f64,
}

/// The bands on `today`, best first: verifications in force, then the rest.
pub fn verification_bands(today: NaiveDate) -> Vec<VerificationBand> {
    vec![
        VerificationBand {
            since: Some(today),
            before: None,
            fit: 1.0,
        },
        VerificationBand {
            since: None,
            before: Some(today),
            fit: 0.0,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_force_through_the_last_day_then_worth_nothing() {
        let day = |text: &str| text.parse::<NaiveDate>().unwrap();
        let today = day("2026-12-04");
        assert_eq!(verification_fit(Some(today), today), 1.0);
        assert_eq!(verification_fit(Some(day("2026-12-03")), today), 0.0);
        assert_eq!(verification_fit(None, today), 0.0);
        let bands = verification_bands(today);
        assert_eq!((bands[0].since, bands[1].before), (Some(today), Some(today)));
    }
}
