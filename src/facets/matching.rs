//! Ranking a buyer's need over the match profiles held in memory. The firms that may meet the
//! hard constraints come from the index's bitsets; within each verification band, best first,
//! a few are assessed all at once, and many are walked in name order until no later firm can
//! enter the top (the order `Ranking::complete` reasons in).

use chrono::NaiveDate;

use super::bitset::Bitset;
use super::index::Index;
use crate::domain::matching::candidate::Candidate;
use crate::domain::matching::ranking::Ranking;
use crate::domain::matching::verification::{VerificationBand, verification_bands};

/// Firms passed over in a walk by name per candidate assessed, at about equal cost: a walk
/// tests each firm's bit (a nanosecond), an assessment reads and scores a firm (a microsecond).
/// A band with fewer candidates than the firms over this is assessed whole, without a walk,
/// which would cost as much if it had to go to the end.
const PASSED_PER_ASSESSED: usize = 1_000;
/// ... and with at most this many, whatever the size of the directory.
const FEW: usize = 64;
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
    let mut candidates = index.match_candidates(&wanted, matcher.criteria(), !ranking.include_excluded());
    if !ranking.include_samples() {
        candidates.subtract(index.samples());
    }
    let mut verified_candidates = candidates.clone();
    verified_candidates.intersect_with(index.profiles().ever_verified());
    for band in verification_bands(matcher.today()) {
        if ranking.complete(band.fit, ("", "")) {
            return;
        }
        // Only verified firms can be in a band that starts somewhere.
        let candidates = match band.since {
            Some(_) => &verified_candidates,
            None => &candidates,
        };
        let in_band = |ordinal: u32| holds(&band, index.profiles().verified_until(ordinal));
        let few_enough = (index.profiles().by_name().len() / PASSED_PER_ASSESSED).max(FEW);
        match few(index, candidates, few_enough, in_band) {
            Some(members) => ranking.consider(as_candidates(index, &members)),
            None => walk_by_name(index, candidates, &band, in_band, ranking),
        }
    }
}

/// The candidates with a profile in the band, if there are at most `most`.
fn few(index: &Index, candidates: &Bitset, most: usize, in_band: impl Fn(u32) -> bool) -> Option<Vec<u32>> {
    let mut members = Vec::new();
    candidates.visit(|ordinal| {
        if index.profiles().contains(ordinal) && in_band(ordinal) {
            members.push(ordinal);
        }
        members.len() <= most
    });
    (members.len() <= most).then_some(members)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_firm_falls_in_the_band_of_its_verification_day() {
        let day = |d: &str| d.parse::<NaiveDate>().ok();
        let bands = verification_bands(day("2026-11-29").unwrap());
        let band_of = |verified: Option<NaiveDate>| bands.iter().position(|b| holds(b, verified));
        assert_eq!(band_of(day("2026-11-29")), Some(0));
        assert_eq!(band_of(day("2025-06-01")), Some(1));
        assert_eq!(band_of(day("2010-01-01")), Some(bands.len() - 1));
        assert_eq!(band_of(None), Some(bands.len() - 1));
        for verified in [day("2026-01-01"), day("2024-12-31"), None] {
            let holding = bands.iter().filter(|b| holds(b, verified)).count();
            assert_eq!(holding, 1, "{verified:?} is in exactly one band");
        }
    }
}
