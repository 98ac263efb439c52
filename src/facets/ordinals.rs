//! Organization ids to ordinals, an organization's bit in every bitset. Ids are UUIDv7, which
//! grow with time, and the index loads in id order: nearly every id comes larger than the last,
//! and those sit in a sorted vector at the position of their ordinal (16 bytes each, where a
//! hash map takes 32). An id out of order (from a server whose clock is behind) goes to a map.

use std::collections::HashMap;

/// Ordinals are handed out in sequence: 0, 1, 2…
#[derive(Debug, Default)]
pub struct Ordinals {
    /// Ids whose ordinal is their position.
    sorted: Vec<u128>,
    /// The others, and the same in ordinal order (from `sorted.len()` on).
    others: HashMap<u128, u32>,
    later: Vec<u128>,
}

impl Ordinals {
    /// How many ids have an ordinal.
    pub fn len(&self) -> usize {
        self.sorted.len() + self.others.len()
    }

    /// The ordinal of `id`, if it has one.
    pub fn get(&self, id: u128) -> Option<u32> {
        match self.sorted.binary_search(&id) {
            Ok(position) => Some(position as u32),
            Err(_) => self.others.get(&id).copied(),
        }
    }

    /// Gives `id`, which has none, the next ordinal.
    pub fn push(&mut self, id: u128) -> u32 {
        let next = self.len() as u32;
        let in_order = self.others.is_empty() && self.sorted.last().is_none_or(|&last| last < id);
        if in_order {
            self.sorted.push(id);
        } else {
            self.others.insert(id, next);
            self.later.push(id);
        }
        next
    }

    /// Up to `limit` ids whose ordinal `keep` accepts, beyond `after` in id order (downwards
    /// when `descending`), in that order, each with its ordinal.
    pub fn in_order(
        &self,
        after: Option<u128>,
        descending: bool,
        limit: usize,
        keep: impl Fn(u32) -> bool,
    ) -> Vec<(u32, u128)> {
        let start = match after.map(|a| self.sorted.binary_search(&a)) {
            None if descending => self.sorted.len(),
            None => 0,
            Some(Ok(at)) if !descending => at + 1,
            Some(Ok(at) | Err(at)) => at,
        };
        let kept = |&at: &usize| keep(at as u32);
        let held = |at: usize| (at as u32, self.sorted[at]);
        let mut found: Vec<(u32, u128)> = if descending {
            (0..start).rev().filter(kept).take(limit).map(held).collect()
        } else {
            (start..self.sorted.len())
                .filter(kept)
                .take(limit)
                .map(held)
                .collect()
        };
        let beyond = |id: u128| after.is_none_or(|a| if descending { id < a } else { id > a });
        let first_later = self.sorted.len();
        let later = self
            .later
            .iter()
            .enumerate()
            .filter(|&(at, &id)| beyond(id) && keep((first_later + at) as u32));
        let before = found.len();
        found.extend(later.map(|(at, &id)| ((first_later + at) as u32, id)));
        if found.len() > before {
            found.sort_unstable_by_key(|&(_, id)| id);
            if descending {
                found.reverse();
            }
            found.truncate(limit);
        }
        found
    }

    /// The id holding `ordinal`.
    pub fn id_of(&self, ordinal: u32) -> Option<u128> {
        let ordinal = ordinal as usize;
        match self.sorted.get(ordinal) {
            Some(&id) => Some(id),
            None => self.later.get(ordinal - self.sorted.len()).copied(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_out_of_order_keep_their_ordinals() {
        let mut ordinals = Ordinals::default();
        assert_eq!([10, 20, 5, 30].map(|id| ordinals.push(id)), [0, 1, 2, 3]);
        assert_eq!(
            [10, 20, 5, 30, 7].map(|id| ordinals.get(id)),
            [Some(0), Some(1), Some(2), Some(3), None]
        );
        assert_eq!(
            [0, 1, 2, 3, 4].map(|ordinal| ordinals.id_of(ordinal)),
            [Some(10), Some(20), Some(5), Some(30), None]
        );
        let every = |_| true;
        assert_eq!(
            ordinals.in_order(None, false, 10, every),
            [(2, 5), (0, 10), (1, 20), (3, 30)]
        );
        let ids = |found: Vec<(u32, u128)>| found.into_iter().map(|(_, id)| id).collect::<Vec<_>>();
        assert_eq!(ids(ordinals.in_order(Some(10), false, 2, every)), [20, 30]);
        assert_eq!(ids(ordinals.in_order(Some(20), true, 10, every)), [10, 5]);
        assert_eq!(ids(ordinals.in_order(Some(25), true, 1, every)), [20]);
        assert_eq!(ids(ordinals.in_order(None, true, 10, |o| o != 1)), [30, 10, 5]);
        assert!(ordinals.in_order(Some(7), false, 10, |o| o == 2).is_empty());
    }
}
