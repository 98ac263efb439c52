//! Facet values and their holders: per value, the bitset of the organizations holding it; per
//! certification scheme, each holder's expiry besides.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::Count;
use super::bitset::Bitset;
use crate::domain::validity::in_force;

/// Per value, the organizations holding it.
#[derive(Debug, Default)]
pub(super) struct Postings(HashMap<String, Bitset>);

impl Postings {
    pub(super) fn add(&mut self, value: &str, ordinal: u32) {
        match self.0.get_mut(value) {
            Some(holders) => holders.insert(ordinal),
            None => {
                let mut holders = Bitset::default();
                holders.insert(ordinal);
                self.0.insert(value.to_owned(), holders);
            }
        }
    }

    pub(super) fn forget(&mut self, ordinal: u32) {
        self.0.values_mut().for_each(|holders| holders.remove(ordinal));
    }

    /// The organizations holding `value`.
    pub(super) fn holding(&self, value: &str) -> Option<&Bitset> {
        self.0.get(value)
    }

    /// The organizations holding any of `values`, or `None` when the filter is not set.
    pub(super) fn any_of<'a>(&self, values: impl IntoIterator<Item = &'a str>) -> Option<Bitset> {
        let mut values = values.into_iter().peekable();
        values.peek()?;
        let mut holders = Bitset::default();
        values
            .filter_map(|v| self.0.get(v))
            .for_each(|h| holders.union_with(h));
        Some(holders)
    }

    pub(super) fn counts(&self, within: &Bitset, counted: impl Fn(&str) -> bool) -> Vec<Count> {
        ranked(
            self.0
                .iter()
                .filter(|(value, _)| counted(value))
                .map(|(value, holders)| (value.clone(), within.intersection_len(holders))),
        )
    }
}

/// The holders of one certification scheme: each one's latest expiry (`None`: open-ended), by
/// ordinal, and as bitsets, all of them and those valid on the index's day (worked out when
/// the day changes rather than per count: testing every expiry cost more than the counting).
#[derive(Debug, Default)]
pub(super) struct Holders {
    periods: Vec<(u32, Vec<Period>)>,
    pub(super) all: Bitset,
    pub(super) valid: Bitset,
}

/// A certificate's first and last valid day (`None`: open).
pub(crate) type Period = (Option<NaiveDate>, Option<NaiveDate>);

/// Whether any of the certificates is in force on `day`.
fn any_in_force(held: &[Period], day: NaiveDate) -> bool {
    held.iter().any(|&(from, until)| in_force(from, until, day))
}

impl Holders {
    /// Records the certificates of the scheme `ordinal` holds, replacing those it held.
    pub(super) fn set(&mut self, ordinal: u32, held: Vec<Period>, day: NaiveDate) {
        let valid = any_in_force(&held, day);
        match self.periods.binary_search_by_key(&ordinal, |(o, _)| *o) {
            Ok(at) => self.periods[at].1 = held,
            Err(at) => self.periods.insert(at, (ordinal, held)),
        }
        self.all.insert(ordinal);
        if valid {
            self.valid.insert(ordinal);
        } else {
            self.valid.remove(ordinal);
        }
    }

    pub(super) fn forget(&mut self, ordinal: u32) {
        if let Ok(at) = self.periods.binary_search_by_key(&ordinal, |(o, _)| *o) {
            self.periods.remove(at);
            self.all.remove(ordinal);
            self.valid.remove(ordinal);
        }
    }

    pub(super) fn move_to(&mut self, day: NaiveDate) {
        self.valid = Bitset::default();
        for (ordinal, held) in &self.periods {
            if any_in_force(held, day) {
                self.valid.insert(*ordinal);
            }
        }
    }
}

pub(super) fn ranked(counts: impl Iterator<Item = (String, u64)>) -> Vec<Count> {
    let mut counts: Vec<Count> = counts
        .filter(|&(_, count)| count > 0)
        .map(|(value, count)| Count {
            value,
            count: count as i64,
        })
        .collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    counts
}
