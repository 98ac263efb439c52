//! The best firms for a request, kept while candidates stream in, best verification band first
//! and in name order within a band; and when reading more can no longer change the top.

use std::cmp::Ordering;
use std::collections::HashSet;

use super::candidate::Candidate;
use super::explain::{MatchResult, explain};
use super::scoring::{Assessment, Matcher, ranking_order};

/// The top of a ranking so far.
pub struct Ranking<'a> {
    matcher: &'a Matcher<'a>,
    limit: usize,
    include_excluded: bool,
    /// Whether demonstration firms (`is_sample`) may be ranked at all.
    include_samples: bool,
    eligible: Vec<(Assessment, Candidate)>,
    excluded: Vec<(Assessment, Candidate)>,
    /// Firms already assessed: the same firm may be read twice along different paths.
    seen: HashSet<String>,
}

impl<'a> Ranking<'a> {
    /// Keeps the best `limit` firms (and, when asked, the `limit` nearest misses).
    pub fn new(matcher: &'a Matcher<'a>, limit: usize, include_excluded: bool) -> Self {
        Ranking {
            matcher,
            limit,
            include_excluded,
            include_samples: false,
            eligible: Vec::new(),
            excluded: Vec::new(),
            seen: HashSet::new(),
        }
    }

    /// The request being ranked for.
    pub fn matcher(&self) -> &Matcher<'a> {
        self.matcher
    }

    /// How many firms the ranking keeps.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Ranks demonstration firms too, when `include` says so; by default a buyer never meets one.
    pub fn with_samples(mut self, include: bool) -> Self {
        self.include_samples = include;
        self
    }

    /// Whether demonstration firms may be ranked; the candidate sources leave them out unless.
    pub fn include_samples(&self) -> bool {
        self.include_samples
    }

    /// Whether firms that fail a hard constraint are wanted too.
    pub fn include_excluded(&self) -> bool {
        self.include_excluded
    }

    /// Assesses a batch of candidates and keeps the best; a firm seen before is skipped.
    pub fn consider(&mut self, batch: Vec<Candidate>) {
        for candidate in batch {
            if !self.seen.insert(candidate.organization_id.clone()) {
                continue;
            }
            let assessment = self.matcher.assess(&candidate);
            if assessment.eligible() {
                self.eligible.push((assessment, candidate));
            } else if self.include_excluded {
                self.excluded.push((assessment, candidate));
            }
        }
        self.eligible
            .sort_by(|a, b| ranking_order((&a.0, &a.1), (&b.0, &b.1)));
        self.eligible.truncate(self.limit);
        self.excluded.sort_by(near_miss_order);
        self.excluded.truncate(self.limit);
    }

    /// Whether no candidate after `last` (by name and id) in a band of this verification fit
    /// can enter the top. Never, when near misses are wanted: they are ordered by what they
    /// miss, which no bound covers.
    pub fn complete(&self, band_fit: f64, last: (&str, &str)) -> bool {
        if self.include_excluded || self.eligible.len() < self.limit {
            return false;
        }
        let Some((worst, firm)) = self.eligible.last() else {
            return false;
        };
        let bound = self.matcher.upper_bound(band_fit);
        worst.total > bound
            || (worst.total == bound && (firm.name.as_str(), firm.organization_id.as_str()) <= last)
    }

    /// The firms kept so far, ranked and near misses.
    pub fn kept(&self) -> impl Iterator<Item = &Candidate> {
        self.eligible.iter().chain(&self.excluded).map(|(_, c)| c)
    }

    /// The same, to complete what was read of them.
    pub fn kept_mut(&mut self) -> impl Iterator<Item = &mut Candidate> {
        self.eligible.iter_mut().chain(&mut self.excluded).map(|(_, c)| c)
    }

    /// The ranked results, and the near misses with what rules each out.
    pub fn finish(self) -> (Vec<MatchResult>, Vec<MatchResult>) {
        let words = |list: Vec<(Assessment, Candidate)>| {
            list.iter()
                .map(|(assessment, candidate)| explain(self.matcher, candidate, assessment))
                .collect()
        };
        (words(self.eligible), words(self.excluded))
    }
}

/// Firms that miss fewer constraints first, then as in a ranking.
fn near_miss_order(a: &(Assessment, Candidate), b: &(Assessment, Candidate)) -> Ordering {
    a.0.exclusions
        .len()
        .cmp(&b.0.exclusions.len())
        .then_with(|| ranking_order((&a.0, &a.1), (&b.0, &b.1)))
}
