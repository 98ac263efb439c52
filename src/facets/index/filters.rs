//! The filters of a list and the facet counts under them.

use super::Index;
use super::numbers::{at_least, at_most};
use crate::domain::facets::Facet;
use crate::domain::search::{Filters, SampleFilter};
use crate::facets::Facets;
use crate::facets::bitset::Bitset;
use crate::facets::postings::ranked;

impl Index {
    /// The organizations passing every filter that no facet counts by.
    fn base(&self, f: &Filters) -> Bitset {
        let mut base = self
            .status
            .any_of(f.statuses.iter().map(|s| s.as_str()))
            .unwrap_or_default();
        if let Some(regions) = self.region.any_of(f.regions.iter().map(String::as_str)) {
            base.intersect_with(&regions);
        }
        if f.verified_only {
            base.intersect_with(&self.verified.valid);
        }
        match f.sample {
            Some(SampleFilter::Only) => base.intersect_with(&self.sample),
            Some(SampleFilter::Exclude) => base.subtract(&self.sample),
            _ => {}
        }
        let bounded = [
            f.employees_min,
            f.employees_max,
            f.founded_from,
            f.founded_to,
            f.min_seats,
            f.min_fte,
        ]
        .iter()
        .any(Option::is_some)
            || f.updated_since.is_some();
        if bounded {
            base.retain(|ordinal| {
                let n = &self.numbers[ordinal as usize];
                at_least(n.employees, f.employees_min)
                    && at_most(n.employees, f.employees_max)
                    && at_least(n.founded_year, f.founded_from)
                    && at_most(n.founded_year, f.founded_to)
                    && at_least(n.max_seats, f.min_seats)
                    && at_least(n.max_fte, f.min_fte)
                    && f.updated_since.is_none_or(|since| n.updated_at >= since)
            });
        }
        base
    }

    /// The holders of a scheme's certificates that count under `f`: valid ones on the index's
    /// day, unless the filters take expired ones too.
    fn certified(&self, scheme: &str, f: &Filters) -> Option<&Bitset> {
        let holders = self.certification.get(scheme)?;
        Some(if f.include_expired_certifications {
            &holders.all
        } else {
            &holders.valid
        })
    }

    /// Per faceted filter, in the order of [`Facet::ALL`], the organizations holding a chosen
    /// value; `None` where nothing is chosen.
    fn chosen(&self, f: &Filters) -> [(Facet, Option<Bitset>); 6] {
        Facet::ALL.map(|facet| (facet, self.chosen_for(facet, f)))
    }

    fn chosen_for(&self, facet: Facet, f: &Filters) -> Option<Bitset> {
        match facet {
            Facet::Kind => self.kind.any_of(f.kinds.iter().map(|k| k.as_str())),
            Facet::Country => self.country.any_of(f.countries.iter().map(String::as_str)),
            Facet::Service => self.offering(&f.services),
            Facet::Language => self.language.any_of(f.languages.iter().map(String::as_str)),
            Facet::Market => self.market.any_of(f.markets.iter().map(String::as_str)),
            Facet::Certification => (!f.certifications.is_empty()).then(|| {
                let mut holders = Bitset::default();
                for scheme in &f.certifications {
                    if let Some(certified) = self.certified(scheme, f) {
                        holders.union_with(certified);
                    }
                }
                holders
            }),
        }
    }

    /// The organizations offering any of `codes`, or `None` when the filter is not set. A
    /// category filter lists each service under it too, which the category's holders already
    /// count: one pass over them instead of one per service (ten for `bpo`).
    fn offering(&self, codes: &[String]) -> Option<Bitset> {
        let is_category = |code: &str| {
            self.taxonomy
                .get(code)
                .is_some_and(|(category, _)| category == code)
        };
        let covered = |code: &str| {
            self.taxonomy
                .get(code)
                .is_some_and(|(category, _)| category != code && codes.contains(category))
        };
        let categories = codes.iter().map(String::as_str).filter(|c| is_category(c));
        let services = codes
            .iter()
            .map(String::as_str)
            .filter(|c| !is_category(c) && !covered(c));
        match (self.category.any_of(categories), self.service.any_of(services)) {
            (Some(mut holders), Some(more)) => {
                holders.union_with(&more);
                Some(holders)
            }
            (holders, more) => holders.or(more),
        }
    }

    /// The organizations passing every filter of `f` but its text.
    pub fn passing(&self, f: &Filters) -> Bitset {
        let mut passing = self.base(f);
        for (_, holders) in self.chosen(f) {
            if let Some(holders) = holders {
                passing.intersect_with(&holders);
            }
        }
        passing
    }

    /// Counts per value of each facet under `filters` (but their text: `matching_text` holds
    /// the organizations matching it, if any), each facet leaving out its own filter;
    /// certificates count when valid on the index's day unless the filters take expired ones.
    pub fn facets(&self, f: &Filters, matching_text: Option<&Bitset>) -> Facets {
        let chosen = self.chosen(f);
        let mut base = self.base(f);
        if let Some(matching) = matching_text {
            base.intersect_with(matching);
        }
        let without = |own: Facet| {
            let mut within = base.clone();
            for (facet, holders) in &chosen {
                if let Some(holders) = holders.as_ref().filter(|_| *facet != own) {
                    within.intersect_with(holders);
                }
            }
            within
        };
        let service_mask = without(Facet::Service);
        let certification_mask = without(Facet::Certification);
        let is_service = |code: &str| self.taxonomy.get(code).is_some_and(|&(_, leaf)| leaf);
        Facets {
            kind: self.kind.counts(&without(Facet::Kind), |_| true),
            country: self.country.counts(&without(Facet::Country), |_| true),
            service_category: self.category.counts(&service_mask, |_| true),
            service: self.service.counts(&service_mask, is_service),
            language: self.language.counts(&without(Facet::Language), |_| true),
            market: self.market.counts(&without(Facet::Market), |_| true),
            certification: ranked(self.certification.keys().map(|scheme| {
                (
                    scheme.clone(),
                    self.certified(scheme, f)
                        .map_or(0, |holders| certification_mask.intersection_len(holders)),
                )
            })),
        }
    }
}
