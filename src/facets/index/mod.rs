//! Every organization's facet values and filtered columns, held as one bitset of organizations
//! per value: counting the firms per value under any filters is then a few passes over bitsets,
//! where SQL would group every match of every facet.
//!
//! The parts: this file keeps organizations' ordinals and postings up to date; `numbers` holds
//! the bounded columns, `filters` the filters and facet counts, `order` the id-ordered walks a
//! list pages through, `candidates` the match profiles and the firms that may meet a need.

mod candidates;
mod filters;
mod numbers;
mod order;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use chrono::NaiveDate;

use super::bitset::Bitset;
use super::documents::Documents;
use super::names::Names;
use super::ordinals::Ordinals;
use super::postings::{Holders, Period, Postings};
use super::profiles::Profiles;
use crate::domain::facets::Facts;
use crate::domain::reference::Reference;
use crate::error::ApiError;
use numbers::{ABSENT, Numbers};

/// An id as the API writes it.
fn hyphenated(id: u128) -> String {
    uuid::Uuid::from_u128(id).hyphenated().to_string()
}

/// `after` as the index keys ids: `None` when it is no id, `Some(None)` when there is none.
fn parsed(after: Option<&str>) -> Option<Option<u128>> {
    match after {
        Some(id) => Some(Some(uuid::Uuid::parse_str(id).ok()?.as_u128())),
        None => Some(None),
    }
}

/// The facet values and filtered columns of every organization.
#[derive(Debug, Default)]
pub struct Index {
    /// The top-level category of each taxonomy code, and whether the code is a service (level 2).
    taxonomy: HashMap<String, (String, bool)>,
    ordinals: Ordinals,
    documents: Documents,
    names: Names,
    numbers: Vec<Numbers>,
    status: Postings,
    kind: Postings,
    country: Postings,
    region: Postings,
    /// Verifications, as one-period holders: in force on the index's day or not.
    verified: Holders,
    sample: Bitset,
    service: Postings,
    category: Postings,
    language: Postings,
    market: Postings,
    certification: HashMap<String, Holders>,
    /// The day certificates are valid on.
    day: NaiveDate,
    /// The match profiles of published firms.
    profiles: Profiles,
}

impl Index {
    /// An empty index over the taxonomy of `reference`.
    pub fn new(reference: &Reference) -> Self {
        let taxonomy = reference
            .taxonomy
            .iter()
            .map(|t| {
                let category = t.parent_code.clone().unwrap_or_else(|| t.code.clone());
                (t.code.clone(), (category, t.level == 2))
            })
            .collect();
        Index {
            taxonomy,
            ..Index::default()
        }
    }

    /// An empty index over the same taxonomy.
    pub fn emptied(&self) -> Self {
        Index {
            taxonomy: self.taxonomy.clone(),
            day: self.day,
            ..Index::default()
        }
    }

    /// The ordinal of an organization, given to it the first time it is seen; and whether
    /// anything is known of it yet.
    fn ordinal(&mut self, id: &str) -> Result<(u32, bool), ApiError> {
        let key = uuid::Uuid::parse_str(id).map_err(ApiError::internal)?.as_u128();
        if let Some(ordinal) = self.ordinals.get(key) {
            return Ok((ordinal, true));
        }
        self.numbers.push(Numbers::UNKNOWN);
        Ok((self.ordinals.push(key), false))
    }

    /// Records an organization as it now is, replacing what was known of it.
    pub fn put(&mut self, facts: &Facts) -> Result<(), ApiError> {
        let (ordinal, known) = self.ordinal(&facts.id)?;
        if known {
            self.forget(ordinal);
        }
        if let Some(rowid) = facts.document {
            self.documents.set(rowid, ordinal);
        }
        match &facts.name_words {
            Some(words) => self.names.set(ordinal, words),
            None => self.names.clear(ordinal),
        }
        self.status.add(&facts.status, ordinal);
        self.kind.add(&facts.kind, ordinal);
        self.country.add(&facts.country, ordinal);
        if let Some(region) = &facts.region {
            self.region.add(region, ordinal);
        }
        if let Some(until) = facts.verified_until {
            self.verified.set(ordinal, vec![(None, Some(until))], self.day);
        }
        if facts.sample {
            self.sample.insert(ordinal);
        }
        for code in &facts.services {
            self.service.add(code, ordinal);
            if let Some((category, _)) = self.taxonomy.get(code) {
                self.category.add(category, ordinal);
            }
        }
        facts.languages.iter().for_each(|l| self.language.add(l, ordinal));
        facts.markets.iter().for_each(|m| self.market.add(m, ordinal));
        let mut periods: HashMap<&str, Vec<Period>> = HashMap::new();
        for (scheme, from, until) in &facts.certificates {
            periods.entry(scheme).or_default().push((*from, *until));
        }
        for (scheme, held) in periods {
            self.certification
                .entry(scheme.to_owned())
                .or_default()
                .set(ordinal, held, self.day);
        }
        let stored = |value: Option<i32>| value.unwrap_or(ABSENT);
        self.numbers[ordinal as usize] = Numbers {
            employees: stored(facts.employees),
            founded_year: stored(facts.founded_year),
            max_seats: stored(facts.max_seats),
            max_fte: stored(facts.max_fte),
            updated_at: facts.updated_at,
        };
        Ok(())
    }

    /// Forgets a deleted organization.
    pub fn remove(&mut self, id: &str) {
        if let Some(ordinal) = self.ordinal_of(id) {
            self.forget(ordinal);
            self.forget_profile(ordinal);
        }
    }

    fn forget(&mut self, ordinal: u32) {
        for postings in [
            &mut self.status,
            &mut self.kind,
            &mut self.country,
            &mut self.region,
            &mut self.service,
            &mut self.category,
            &mut self.language,
            &mut self.market,
        ] {
            postings.forget(ordinal);
        }
        self.names.clear(ordinal);
        self.verified.forget(ordinal);
        self.sample.remove(ordinal);
        self.certification.values_mut().for_each(|h| h.forget(ordinal));
    }

    /// The day certificates are counted valid on.
    pub fn day(&self) -> NaiveDate {
        self.day
    }

    /// Counts certificates valid on `day` from now on.
    pub fn move_to(&mut self, day: NaiveDate) {
        self.day = day;
        self.certification.values_mut().for_each(|h| h.move_to(day));
        self.verified.move_to(day);
    }

    /// How many organizations the index has known, deleted ones included.
    pub fn len(&self) -> usize {
        self.ordinals.len()
    }

    /// The ordinal of an organization the index knows.
    pub fn ordinal_of(&self, id: &str) -> Option<u32> {
        let key = uuid::Uuid::parse_str(id).ok()?.as_u128();
        self.ordinals.get(key)
    }

    /// The ordinal of the organization whose SQLite search document has `rowid`.
    pub fn ordinal_of_document(&self, rowid: i64) -> Option<u32> {
        self.documents.ordinal(rowid)
    }
}
