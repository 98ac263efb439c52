//! When a dated record counts: the one rule every path that counts certificates shares.

use chrono::NaiveDate;

/// Whether a certificate is in force on `day`, for the directory filter, facets, export and
/// matching: `valid_from` ≤ day ≤ `valid_until`, an absent bound being open. The SQL filter in
/// `db::search` states the same.
pub fn in_force(valid_from: Option<NaiveDate>, valid_until: Option<NaiveDate>, day: NaiveDate) -> bool {
    valid_from.is_none_or(|from| from <= day) && valid_until.is_none_or(|until| until >= day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_bounds_count_and_absent_ones_are_open() {
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        let today = day("2026-12-02");
        assert!(
            in_force(Some(today), Some(today), today),
            "the first and last days count"
        );
        assert!(in_force(None, None, today));
        assert!(!in_force(Some(day("2026-12-03")), None, today), "not yet valid");
        assert!(!in_force(None, Some(day("2026-12-01")), today), "lapsed");
    }
}
