//! The columns filtered by bounds, one fixed-size row per organization.

use chrono::NaiveDateTime;

/// The columns filtered by bounds, per organization; [`ABSENT`] where a value is missing, which
/// keeps the row at 28 bytes where options would take 44.
#[derive(Debug, Clone, Copy)]
pub(super) struct Numbers {
    pub(super) employees: i32,
    pub(super) founded_year: i32,
    pub(super) max_seats: i32,
    pub(super) max_fte: i32,
    pub(super) updated_at: NaiveDateTime,
}

pub(super) const ABSENT: i32 = i32::MIN;

impl Numbers {
    pub(super) const UNKNOWN: Numbers = Numbers {
        employees: ABSENT,
        founded_year: ABSENT,
        max_seats: ABSENT,
        max_fte: ABSENT,
        updated_at: NaiveDateTime::MIN,
    };
}

/// Whether a stored value meets a lower bound; a missing value meets none.
pub(super) fn at_least(value: i32, bound: Option<i32>) -> bool {
    bound.is_none_or(|b| value != ABSENT && value >= b)
}

/// Whether a stored value meets an upper bound; a missing value meets none.
pub(super) fn at_most(value: i32, bound: Option<i32>) -> bool {
    bound.is_none_or(|b| value != ABSENT && value <= b)
}
