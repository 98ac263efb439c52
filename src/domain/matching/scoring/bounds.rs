//! The bounds a ranking stops on: the best total a firm could still reach, and what earning
//! full marks takes, which preselecting terms need.

use super::{Criterion, Matcher, points, share, spare_fit};
use crate::domain::matching::criteria::CapacityNeed;

/// What earning full marks takes, criterion by criterion (verification aside).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FullMarks {
    /// Every wanted service offered.
    pub services: bool,
    /// Every preferred language spoken on a wanted service.
    pub preferred_languages: bool,
    /// Every preferred certificate valid.
    pub preferred_certifications: bool,
    /// At least this capacity on a wanted service.
    pub capacity: Option<CapacityNeed>,
}

impl Matcher<'_> {
    /// The highest total a firm could reach with this verification fit: a bound that lets a
    /// ranking stop reading candidates once no later one can enter the top.
    pub fn upper_bound(&self, verification_fit: f64) -> i64 {
        self.applicable
            .iter()
            .map(|&(criterion, weight)| {
                let fit = if criterion == Criterion::Verification {
                    verification_fit
                } else {
                    1.0
                };
                points(weight, fit, self.weight_sum)
            })
            .sum()
    }

    /// What a firm must have to earn every point but verification's, as far as terms can tell:
    /// `None` when some criterion could round a partial fit up to full marks, which would let
    /// a firm outside the terms tie with one inside.
    pub fn full_marks(&self) -> Option<FullMarks> {
        let c = self.criteria;
        let mut needs = FullMarks {
            services: false,
            preferred_languages: false,
            preferred_certifications: false,
            capacity: None,
        };
        for &(criterion, weight) in &self.applicable {
            if weight == 0 {
                continue;
            }
            // A share below one is at most (n - 1) / n.
            let loses_below_full = |n: usize| {
                n == 0
                    || points(weight, share(n - 1, n), self.weight_sum) < points(weight, 1.0, self.weight_sum)
            };
            match criterion {
                Criterion::ServiceFit => needs.services = true,
                Criterion::PreferredLanguages => needs.preferred_languages = true,
                Criterion::PreferredCertifications => needs.preferred_certifications = true,
                Criterion::SpareCapacity => {
                    needs.capacity = c.min_capacity.map(|need| self.full_capacity(need, weight))
                }
                Criterion::MarketExperience | Criterion::DeliveryMode | Criterion::Verification => {}
            }
            let listed = match criterion {
                Criterion::ServiceFit => c.services.len(),
                Criterion::PreferredLanguages => c.preferred_languages.len(),
                Criterion::PreferredCertifications => c.preferred_certifications.len(),
                Criterion::MarketExperience => c.markets.len(),
                Criterion::DeliveryMode => c.delivery_modes.len(),
                Criterion::SpareCapacity | Criterion::Verification => 0,
            };
            if !loses_below_full(listed) {
                return None;
            }
        }
        Some(needs)
    }

    /// The least capacity that earns full spare-capacity points.
    fn full_capacity(&self, need: CapacityNeed, weight: u32) -> CapacityNeed {
        let full = points(weight, 1.0, self.weight_sum);
        let earns_full = |offered: i32| points(weight, spare_fit(offered, need), self.weight_sum) == full;
        let (mut low, mut high) = (need.amount, need.amount.saturating_mul(2));
        while low < high {
            let middle = low + (high - low) / 2;
            if earns_full(middle) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        CapacityNeed {
            amount: low,
            unit: need.unit,
        }
    }
}
