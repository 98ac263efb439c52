//! The match profiles of published firms, and the firms that may meet a buyer's need.

use super::numbers::at_least;
use super::{Index, hyphenated};
use crate::domain::matching::candidate::Candidate;
use crate::domain::matching::criteria::MatchCriteria;
use crate::domain::vocab::CapacityUnit;
use crate::error::ApiError;
use crate::facets::bitset::Bitset;
use crate::facets::profiles::Profiles;

impl Index {
    /// Records the match profile of a published firm, replacing what was known of it.
    pub fn put_profile(&mut self, candidate: &Candidate) -> Result<(), ApiError> {
        let (ordinal, _) = self.ordinal(&candidate.organization_id)?;
        let ordinals = &self.ordinals;
        self.profiles
            .put(ordinal, candidate, |o| ordinals.id_of(o).unwrap_or_default())
    }

    /// Forgets the match profile of an organization that no longer has one.
    pub fn remove_profile(&mut self, id: &str) {
        if let Some(ordinal) = self.ordinal_of(id) {
            self.forget_profile(ordinal);
        }
    }

    pub(super) fn forget_profile(&mut self, ordinal: u32) {
        let ordinals = &self.ordinals;
        self.profiles
            .remove(ordinal, |o| ordinals.id_of(o).unwrap_or_default());
    }

    /// Stops keeping profiles in name order while many change at once.
    pub fn unorder_profiles(&mut self) {
        self.profiles.unorder();
    }

    /// Puts profiles in name order again, and keeps them so.
    pub fn order_profiles(&mut self) {
        let ordinals = &self.ordinals;
        self.profiles.order(|o| ordinals.id_of(o).unwrap_or_default());
    }

    /// The demonstration organizations (`is_sample`).
    pub fn samples(&self) -> &Bitset {
        &self.sample
    }

    /// The match profiles of published firms.
    pub fn profiles(&self) -> &Profiles {
        &self.profiles
    }

    /// The id of the organization holding `ordinal`.
    pub fn id_of(&self, ordinal: u32) -> Option<String> {
        self.ordinals.id_of(ordinal).map(hyphenated)
    }

    /// The organizations that may meet a need: those offering one of `services` and, when
    /// `hard`, holding its required languages and certificates and enough capacity in some
    /// capability. A superset (the languages of any capability, certificates of any date): the
    /// matcher applies the exact constraints.
    pub fn match_candidates(&self, services: &[String], criteria: &MatchCriteria, hard: bool) -> Bitset {
        let mut found = self
            .service
            .any_of(services.iter().map(String::as_str))
            .unwrap_or_default();
        if !hard {
            return found;
        }
        for language in &criteria.required_languages {
            match self.language.holding(language) {
                Some(speakers) => found.intersect_with(speakers),
                None => return Bitset::default(),
            }
        }
        for scheme in &criteria.required_certifications {
            match self.certification.get(scheme) {
                Some(holders) => found.intersect_with(&holders.all),
                None => return Bitset::default(),
            }
        }
        if let Some(need) = criteria.min_capacity {
            found.retain(|ordinal| {
                let n = &self.numbers[ordinal as usize];
                let largest = match need.unit {
                    CapacityUnit::Seats => n.max_seats,
                    CapacityUnit::Fte => n.max_fte,
                };
                at_least(largest, Some(need.amount))
            });
        }
        found
    }
}
