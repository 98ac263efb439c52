//! How a criterion's evidence becomes a fit and its fit points.

use chrono::NaiveDate;

use super::FULL_MARKS;
use crate::domain::matching::candidate::OfferedService;
use crate::domain::matching::criteria::CapacityNeed;
use crate::domain::vocab::CapacityUnit;

/// Capacity beyond the need, as a share of the need: full at twice the need.
pub(super) fn spare_fit(offered: i32, needed: CapacityNeed) -> f64 {
    let spare = f64::from(offered - needed.amount) / f64::from(needed.amount);
    spare.clamp(0.0, 1.0)
}

/// What a stale capacity figure is worth, as a share of a fresh one's fit.
pub(super) const STALE_FIT: f64 = 0.5;

/// The day the freshest figure of `amount` in `unit` holds for, among `services`.
pub(super) fn capacity_date(
    services: &[&OfferedService],
    unit: CapacityUnit,
    amount: i32,
) -> Option<NaiveDate> {
    services
        .iter()
        .filter(|s| match unit {
            CapacityUnit::Seats => s.seats,
            CapacityUnit::Fte => s.fte,
        } == Some(amount))
        .filter_map(|s| s.as_of)
        .max()
}

pub(super) fn largest_capacity(services: &[&OfferedService], unit: CapacityUnit) -> Option<i32> {
    services
        .iter()
        .filter_map(|s| match unit {
            CapacityUnit::Seats => s.seats,
            CapacityUnit::Fte => s.fte,
        })
        .max()
}

pub(super) fn share(found: usize, wanted: usize) -> f64 {
    if wanted == 0 {
        0.0
    } else {
        found as f64 / wanted as f64
    }
}

pub(super) fn points(weight: u32, fit: f64, weight_sum: u32) -> i64 {
    if weight_sum == 0 {
        return 0;
    }
    (FULL_MARKS as f64 * f64::from(weight) * fit / f64::from(weight_sum)).round() as i64
}
