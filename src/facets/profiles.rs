//! The match profiles of published firms, held in memory so that a buyer's need is ranked
//! without a query per window of firms. The profiles (`profile_bytes`) lie one after another in
//! one buffer, each firm holding its offset: a million firms take about 80 MB, where a box per
//! firm took 135. Firms are also kept in name order, the order a ranking walks them in.

use std::cmp::Ordering;

use chrono::NaiveDate;

use super::bitset::Bitset;
use super::profile_bytes::{self, Codes};
use crate::domain::matching::candidate::Candidate;
use crate::error::ApiError;

/// The offset of a firm without a profile, and the day of one never verified.
const NONE: u32 = u32::MAX;
const NEVER: i32 = i32::MIN;
/// A buffer with at least this many bytes, half of them left by replaced profiles, is rewritten.
const COMPACT_FROM: usize = 1 << 20;

/// Every published firm's profile, by ordinal, and the ordinals in name order.
#[derive(Debug, Default)]
pub struct Profiles {
    codes: Codes,
    /// Each profile, preceded by its length.
    buffer: Vec<u8>,
    /// Bytes of the buffer no firm points to any more.
    replaced: usize,
    /// Per ordinal, where its profile starts in `buffer`, or [`NONE`].
    offsets: Vec<u32>,
    /// Per ordinal, the day (from 2000) the firm was last verified on, or [`NEVER`].
    verified: Vec<i32>,
    /// The firms ever verified: few, and the only ones in the recent verification bands.
    ever_verified: Bitset,
    by_name: Vec<u32>,
    /// Whether `by_name` is kept in order as profiles change; off while many change at once.
    ordered: bool,
}

impl Profiles {
    /// Whether the firm holding `ordinal` has a profile.
    pub fn contains(&self, ordinal: u32) -> bool {
        self.offsets.get(ordinal as usize).is_some_and(|&o| o != NONE)
    }

    /// The day the firm was last verified on.
    pub fn verified_until(&self, ordinal: u32) -> Option<NaiveDate> {
        let day = *self.verified.get(ordinal as usize)?;
        (day != NEVER).then(|| profile_bytes::day(day)).flatten()
    }

    /// The firms that were ever verified.
    pub fn ever_verified(&self) -> &Bitset {
        &self.ever_verified
    }

    /// The firm's name; empty when it has no profile.
    pub fn name(&self, ordinal: u32) -> &str {
        self.bytes(ordinal).map(profile_bytes::name).unwrap_or_default()
    }

    /// Ordinals of the firms with a profile, by name (ties by id).
    pub fn by_name(&self) -> &[u32] {
        &self.by_name
    }

    /// The firm as a candidate (its slug left empty: the caller fills in those it shows).
    pub fn candidate(&self, ordinal: u32, organization_id: String) -> Option<Candidate> {
        let bytes = self.bytes(ordinal)?;
        Some(profile_bytes::decode(
            bytes,
            &self.codes,
            organization_id,
            self.verified_until(ordinal),
        ))
    }

    /// Stops keeping the name order, while many profiles change; [`order`](Self::order) sorts
    /// them all again.
    pub fn unorder(&mut self) {
        self.ordered = false;
    }

    /// Sorts the firms by name, ties by `id`, and keeps them so.
    pub fn order(&mut self, id: impl Fn(u32) -> u128) {
        let mut by_name: Vec<u32> = (0..self.offsets.len() as u32)
            .filter(|&o| self.contains(o))
            .collect();
        by_name.sort_unstable_by(|&a, &b| self.compare(a, b, &id));
        self.by_name = by_name;
        self.ordered = true;
    }

    /// Records the profile of a published firm at `ordinal`; `id` gives an ordinal's id, for
    /// ties in name order.
    pub fn put(
        &mut self,
        ordinal: u32,
        candidate: &Candidate,
        id: impl Fn(u32) -> u128,
    ) -> Result<(), ApiError> {
        let mut encoded = Vec::with_capacity(96);
        profile_bytes::encode(candidate, &mut self.codes, &mut encoded);
        // Checked before anything changes: offsets fit in 32 bits up to some fifty million firms.
        let offset = u32::try_from(self.buffer.len()).map_err(ApiError::internal)?;
        let renamed = self.bytes(ordinal).map(profile_bytes::name) != Some(candidate.name.as_str());
        if renamed {
            self.leave_order(ordinal, &id);
        }
        self.release(ordinal);
        profile_bytes::encode_length(encoded.len(), &mut self.buffer);
        self.buffer.extend_from_slice(&encoded);
        let index = ordinal as usize;
        if index >= self.offsets.len() {
            self.offsets.resize(index + 1, NONE);
            self.verified.resize(index + 1, NEVER);
        }
        self.offsets[index] = offset;
        self.verified[index] = candidate.verified_until.map_or(NEVER, profile_bytes::day_number);
        match candidate.verified_until {
            Some(_) => self.ever_verified.insert(ordinal),
            None => self.ever_verified.remove(ordinal),
        }
        if renamed {
            self.enter_order(ordinal, &id);
        }
        self.compact_if_wasteful();
        Ok(())
    }

    /// Forgets the profile at `ordinal`, if any.
    pub fn remove(&mut self, ordinal: u32, id: impl Fn(u32) -> u128) {
        if !self.contains(ordinal) {
            return;
        }
        self.leave_order(ordinal, &id);
        self.release(ordinal);
        self.offsets[ordinal as usize] = NONE;
        self.verified[ordinal as usize] = NEVER;
        self.ever_verified.remove(ordinal);
        self.compact_if_wasteful();
    }

    /// Counts the bytes of the profile at `ordinal` as replaced.
    fn release(&mut self, ordinal: u32) {
        if let Some(start) = self.start(ordinal) {
            self.replaced += entry_end(&self.buffer, start) - start;
        }
    }

    fn leave_order(&mut self, ordinal: u32, id: &impl Fn(u32) -> u128) {
        if self.ordered && self.contains(ordinal) {
            let at = self.position(ordinal, id);
            if self.by_name.get(at) == Some(&ordinal) {
                self.by_name.remove(at);
            }
        }
    }

    fn enter_order(&mut self, ordinal: u32, id: &impl Fn(u32) -> u128) {
        if self.ordered {
            let at = self.position(ordinal, id);
            self.by_name.insert(at, ordinal);
        }
    }

    /// Where `ordinal` is, or would be, in name order.
    fn position(&self, ordinal: u32, id: &impl Fn(u32) -> u128) -> usize {
        self.by_name
            .binary_search_by(|&other| self.compare(other, ordinal, id))
            .unwrap_or_else(|at| at)
    }

    fn compare(&self, a: u32, b: u32, id: &impl Fn(u32) -> u128) -> Ordering {
        self.name(a).cmp(self.name(b)).then_with(|| id(a).cmp(&id(b)))
    }

    /// Rewrites the buffer with only the current profiles, once replaced ones fill half of it.
    fn compact_if_wasteful(&mut self) {
        if self.buffer.len() < COMPACT_FROM || self.replaced * 2 < self.buffer.len() {
            return;
        }
        let mut buffer = Vec::with_capacity(self.buffer.len() - self.replaced);
        for offset in self.offsets.iter_mut().filter(|o| **o != NONE) {
            let start = *offset as usize;
            let end = entry_end(&self.buffer, start);
            // The compacted buffer is smaller than the one whose offsets fitted.
            *offset = buffer.len() as u32;
            buffer.extend_from_slice(&self.buffer[start..end]);
        }
        self.buffer = buffer;
        self.replaced = 0;
    }

    fn start(&self, ordinal: u32) -> Option<usize> {
        let offset = *self.offsets.get(ordinal as usize)?;
        (offset != NONE).then_some(offset as usize)
    }

    fn bytes(&self, ordinal: u32) -> Option<&[u8]> {
        let start = self.start(ordinal)?;
        let (length, body) = profile_bytes::decode_length(&self.buffer[start..]);
        Some(&self.buffer[body + start..body + start + length])
    }
}

/// Where the entry (length and profile) starting at `start` ends.
fn entry_end(buffer: &[u8], start: usize) -> usize {
    let (length, body) = profile_bytes::decode_length(&buffer[start..]);
    start + body + length
}

#[cfg(test)]
mod tests {
    use super::*;

    fn firm(name: &str) -> Candidate {
        Candidate {
            organization_id: String::new(),
            slug: String::new(),
            name: name.into(),
            verified_until: None,
            services: Vec::new(),
            certificates: Vec::new(),
            markets: Vec::new(),
        }
    }

    #[test]
    fn firms_stay_in_name_order_as_they_change() {
        // Ids run against ordinals, so that ties are seen to go by id.
        let id = |ordinal: u32| 10 - u128::from(ordinal);
        let mut profiles = Profiles::default();
        for (ordinal, name) in [(0, "Delta"), (1, "Alpha"), (2, "Charlie")] {
            profiles.put(ordinal, &firm(name), id).unwrap();
        }
        profiles.order(id);
        assert_eq!(profiles.by_name(), [1, 2, 0]);
        profiles.put(3, &firm("Bravo"), id).unwrap();
        profiles.put(1, &firm("Echo"), id).unwrap();
        profiles.remove(2, id);
        profiles.put(4, &firm("Bravo"), id).unwrap();
        profiles.put(0, &firm("Delta"), id).unwrap();
        assert_eq!(profiles.by_name(), [4, 3, 0, 1]);
        assert_eq!(profiles.name(1), "Echo");
        assert!(!profiles.contains(2) && profiles.candidate(2, "id".into()).is_none());
    }

    #[test]
    fn replaced_profiles_are_compacted_away() {
        let id = u128::from;
        let mut profiles = Profiles::default();
        profiles.order(id);
        let long = "x".repeat(1_000);
        for round in 0..3_000 {
            let ordinal = round % 3;
            profiles
                .put(ordinal, &firm(&format!("{ordinal} {long}")), id)
                .unwrap();
        }
        assert!(
            profiles.buffer.len() < COMPACT_FROM + 4_000,
            "{}",
            profiles.buffer.len()
        );
        assert_eq!(profiles.by_name(), [0, 1, 2]);
        assert_eq!(profiles.name(2), format!("2 {long}"));
        let verified = Candidate {
            verified_until: NaiveDate::from_ymd_opt(2026, 3, 1),
            ..firm("Alpha")
        };
        profiles.put(7, &verified, id).unwrap();
        assert_eq!(profiles.verified_until(7), verified.verified_until);
        assert!(profiles.ever_verified().contains(7));
        assert_eq!(profiles.candidate(7, String::new()).unwrap(), verified);
    }
}
