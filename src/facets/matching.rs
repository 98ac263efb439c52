//! Ranking a buyer's need over the match profiles held in memory. The firms that may meet the
//! hard constraints come from the index's bitsets; within each verification band, best first,
//! a few are assessed all at once, and many are walked in name order until no later firm can
//! enter the top (the order `Ranking::complete` reasons in).

use chrono::NaiveDate;

use super::bitset::Bitset;
use super::index::Index;
use crate::domain::matching::candidate::Candidate;
use crate::domain::matching::ranking::Ranking;
use crate::domain::matching::scoring::{VerificationBand, verification_bands};

/// A band with no more candidates than this is assessed whole, without walking names.
const FEW: usize = 2_000;
/// Firms assessed between two checks of whether the top is settled.
const BATCH: usize = 64;

/// Feeds `ranking` with the firms of `index` until its top is settled or none are left.
pub fn rank(index: &Index, ranking: &mut Ranking<'_>) {
    let matcher = ranking.matcher();
    let wanted: Vec<String> = matcher
        .criteria()
        .services
        .iter()
        .flat_map(|code| matcher.reference().with_descendants(code))
        .collect();
    let candidates = index.match_candidates(&wanted, matcher.criteria(), !ranking.include_excluded());
    for band in verification_bands(matcher.today()) {
        if ranking.complete(band.fit, ("", "")) {
            return;
        }
        let in_band = |ordinal: u32| holds(&band, index.profiles().verified_on(ordinal));
        match few(index, &candidates, in_band) {
            Some(members) => ranking.consider(as_candidates(index, &members)),
            None => walk_by_name(index, &candidates, &band, in_band, ranking),
        }
    }
}

/// The candidates with a profile in the band, if there are at most [`FEW`].
fn few(index: &Index, candidates: &Bitset, in_band: impl Fn(u32) -> bool) -> Option<Vec<u32>> {
    let mut members = Vec::new();
    candidates.visit(|ordinal| {
        if index.profiles().contains(ordinal) && in_band(ordinal) {
            members.push(ordinal);
        }
        members.len() <= FEW
    });
    (members.len() <= FEW).then_some(members)
}

/// Assesses the band's candidates in name order, a batch at a time, until the top is settled.
fn walk_by_name(
    index: &Index,
    candidates: &Bitset,
    band: &VerificationBand,
    in_band: impl Fn(u32) -> bool,
    ranking: &mut Ranking<'_>,
) {
    let mut members = index
        .profiles()
        .by_name()
        .iter()
        .copied()
        .filter(|&ordinal| candidates.contains(ordinal) && in_band(ordinal));
    loop {
        let batch: Vec<u32> = members.by_ref().take(BATCH).collect();
        let Some(&last) = batch.last() else {
            return;
        };
        ranking.consider(as_candidates(index, &batch));
        let last_id = index.id_of(last).unwrap_or_default();
        if ranking.complete(band.fit, (index.profiles().name(last), &last_id)) {
            return;
        }
    }
}

fn as_candidates(index: &Index, ordinals: &[u32]) -> Vec<Candidate> {
    ordinals
        .iter()
        .filter_map(|&ordinal| {
            let id = index.id_of(ordinal)?;
            index.profiles().candidate(ordinal, id)
        })
        .collect()
}

/// Whether a firm verified on `day` (if ever) falls in `band`.
fn holds(band: &VerificationBand, day: Option<NaiveDate>) -> bool {
    let before_end = |d: NaiveDate| band.before.is_none_or(|before| d < before);
    match (band.since, day) {
        (Some(since), Some(day)) => day >= since && before_end(day),
        (Some(_), None) => false,
        (None, day) => day.is_none_or(before_end),
    }
}
