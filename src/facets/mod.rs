//! The directory in memory, for facet counts and buyer matching. Counting in SQL groups every
//! match of every facet, and ranking firms for a need reads window after window of profiles:
//! at a million firms, seconds and tenths of seconds per request. The [`FacetIndex`] keeps one
//! bitset of organizations per facet value and the match profile of every published firm
//! instead, loaded once from the tables and kept current from the audit trail, which every
//! write to an organization or its records appends to in the same transaction. Before each
//! count or ranking it applies the events it has not seen, so a client reads its own writes,
//! whichever instance served them. A text (`q`) is matched in the database; its matches are
//! then counted here like any other filter, and a page by relevance tests each match here
//! against the other filters rather than probing its records in SQL.

mod bitset;
mod documents;
mod index;
mod matching;
mod names;
mod ordinals;
mod postings;
mod profile_bytes;
mod profiles;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, RwLock};

use crate::db::search::{Named, Passing, Screen};
use crate::db::{self, DbConnection, facet_facts, match_profiles};
use crate::domain::matching::ranking::Ranking;
use crate::domain::reference::Reference;
use crate::domain::search::{self, Filters};
use crate::error::ApiError;

pub use crate::domain::facets::{Count, Facets, Facts};
use bitset::Bitset;
use index::Index;

/// Changes applied at once beyond which the firms are put in name order again as a whole.
const REORDER_AFTER: usize = 1_000;
/// Organizations read per query while loading.
const LOAD_PAGE: i64 = 5_000;
/// Text matches read by the first query, and by each next one: every query matches the text
/// again (PostgreSQL reads every match's document to sort them by key), so a text with many
/// matches is read in few, large pages.
const TEXT_FIRST_PAGE: i64 = 10_000;
const TEXT_PAGE: i64 = 100_000;
/// Organizations passing a search's filters at most, for a page to ask which of them the text
/// matches: fewer would be found only after reading many times as many of its matches.
pub const FEW_PASSING: u64 = 1_000;
/// Audit events read per query while catching up.
const EVENT_PAGE: i64 = 5_000;
/// How far the index has read the audit trail.
///
/// Positions are drawn in commit order (see `db::audit`): once a position is visible, no
/// smaller one can appear later, so the highest position applied is all there is to keep.
#[derive(Debug, Clone, Default)]
struct Progress {
    /// The highest position applied.
    applied: i64,
}

impl Progress {
    /// Takes in a page of events read after `applied` and returns the organizations that
    /// changed, each once.
    fn take<'a>(&mut self, events: &'a [(i64, Option<String>)]) -> Vec<&'a str> {
        let mut changed = Vec::new();
        for (position, organization) in events {
            if *position > self.applied {
                self.applied = *position;
                changed.extend(organization.as_deref());
            }
        }
        changed.sort_unstable();
        changed.dedup();
        changed
    }
}

/// The facet index of one server, shared by its workers.
pub struct FacetIndex {
    index: RwLock<Index>,
    progress: Mutex<Progress>,
    loaded: AtomicBool,
}

impl FacetIndex {
    /// An index to [`load`](FacetIndex::load) before it counts.
    pub fn new(reference: &Reference) -> Self {
        FacetIndex {
            index: RwLock::new(Index::new(reference)),
            progress: Mutex::new(Progress::default()),
            loaded: AtomicBool::new(false),
        }
    }

    /// Whether the index has been loaded and can count.
    pub fn is_loaded(&self) -> bool {
        self.loaded.load(Ordering::Acquire)
    }

    /// Counts per facet value under `filters`, as of the latest committed change. A text is
    /// matched in the database, and its matches counted here: a page of ids at a time.
    pub fn facets(&self, conn: &mut DbConnection, filters: &Filters) -> Result<Facets, ApiError> {
        if !self.is_loaded() {
            return Err(ApiError::unavailable("the facet index is still loading"));
        }
        self.bring_up_to_date(conn)?;
        let matching_text = match filters.terms.is_empty() {
            true => None,
            false => Some(self.matching_text(conn, &filters.terms)?),
        };
        Ok(self.read_index().facets(filters, matching_text.as_ref()))
    }

    /// Ranks the published firms for a need, as of the latest committed change; `false` (and
    /// nothing ranked) while the index is loading.
    pub fn rank(&self, conn: &mut DbConnection, ranking: &mut Ranking<'_>) -> Result<bool, ApiError> {
        if !self.is_loaded() {
            return Ok(false);
        }
        self.bring_up_to_date(conn)?;
        matching::rank(&self.read_index(), ranking);
        // Slugs are read for the few firms shown rather than kept for every firm.
        let slugs = {
            let ids: Vec<&str> = ranking.kept().map(|c| c.organization_id.as_str()).collect();
            match_profiles::slugs(conn, &ids)?
        };
        ranking.kept_mut().for_each(|candidate| {
            if let Some(slug) = slugs.get(&candidate.organization_id) {
                candidate.slug.clone_from(slug);
            }
        });
        Ok(true)
    }

    /// Runs `read` with a screen for `filters` (their text aside), as of the latest committed
    /// change: the list of the organizations passing when they are few, else a test of ids in
    /// memory; while the index loads, the database screens.
    pub fn screening<R>(
        &self,
        conn: &mut DbConnection,
        filters: &Filters,
        read: impl FnOnce(&mut DbConnection, &Screen<'_>) -> Result<R, ApiError>,
    ) -> Result<R, ApiError> {
        if !self.is_loaded() {
            return read(conn, &Screen::Database);
        }
        self.bring_up_to_date(conn)?;
        // Held while `read` queries: a change waits that long to be applied, rather than each
        // match taking the lock again.
        let index = self.read_index();
        let passing = index.passing(filters);
        let passing_count = passing.len();
        if passing_count <= FEW_PASSING {
            let mut ids = Vec::new();
            passing.visit(|ordinal| {
                ids.extend(index.id_of(ordinal));
                true
            });
            return read(conn, &Screen::Among(&ids));
        }
        let share = passing_count as f64 / index.len().max(1) as f64;
        let passing = PassingIndex {
            index: &index,
            passing: &passing,
        };
        read(
            conn,
            &Screen::Memory {
                passing: &passing,
                share,
            },
        )
    }

    /// Applies the changes committed since the last count, and moves certificate validity to
    /// today.
    fn bring_up_to_date(&self, conn: &mut DbConnection) -> Result<(), ApiError> {
        if self.behind(conn)? {
            self.catch_up(&mut self.lock_progress(), conn)?;
        }
        let today = search::today();
        if self.read_index().day() != today {
            self.write_index().move_to(today);
        }
        Ok(())
    }

    /// The organizations whose search text holds every word of `terms`.
    fn matching_text(&self, conn: &mut DbConnection, terms: &[String]) -> Result<Bitset, ApiError> {
        let mut matching = Bitset::default();
        let mut visit = |id: &str| {
            if let Some(ordinal) = self.read_index().ordinal_of(id) {
                matching.insert(ordinal);
            }
        };
        let mut after = db::search::text_matches(conn, terms, None, TEXT_FIRST_PAGE, &mut visit)?;
        while let Some(key) = after {
            after = db::search::text_matches(conn, terms, Some(&key), TEXT_PAGE, &mut visit)?;
        }
        Ok(matching)
    }

    /// Whether there may be changes to apply. Counts run side by side; only one at a time may
    /// catch up, so the usual case (nothing new) is told apart without waiting for that turn.
    fn behind(&self, conn: &mut DbConnection) -> Result<bool, ApiError> {
        let applied = { self.lock_progress().applied };
        // The latest position rather than the first change after `applied`: PostgreSQL keeps
        // one plan for it, where it planned the other afresh on every screened list and every
        // count (a tenth of a millisecond, longer than running it).
        Ok(facet_facts::latest_position(conn)? > applied)
    }

    /// Reads every organization, then the changes committed meanwhile; the index counts from
    /// then on. Takes seconds per hundred thousand organizations.
    pub fn load(&self, conn: &mut DbConnection) -> Result<(), ApiError> {
        let mut progress = self.lock_progress();
        let start = facet_facts::latest_position(conn)?;
        let mut fresh = self.read_index().emptied();
        in_pages(conn, facet_facts::page, |f| &f.id, |f| fresh.put(f))?;
        in_pages(
            conn,
            match_profiles::page,
            |c| &c.organization_id,
            |c| fresh.put_profile(c),
        )?;
        fresh.order_profiles();
        *self.write_index() = fresh;
        *progress = Progress { applied: start };
        self.catch_up(&mut progress, conn)?;
        self.loaded.store(true, Ordering::Release);
        Ok(())
    }

    /// Applies the changes committed since `progress`.
    fn catch_up(&self, progress: &mut Progress, conn: &mut DbConnection) -> Result<(), ApiError> {
        let mut next = progress.clone();
        let mut after = next.applied;
        loop {
            let events = facet_facts::changes_after(conn, after, EVENT_PAGE)?;
            let changed = next.take(&events);
            if !changed.is_empty() {
                let facts = facet_facts::of(conn, &changed)?;
                let found: HashMap<&str, &Facts> = facts.iter().map(|f| (f.id.as_str(), f)).collect();
                let profiles = match_profiles::of(conn, &changed)?;
                let profiled: HashMap<&str, _> =
                    profiles.iter().map(|p| (p.organization_id.as_str(), p)).collect();
                let mut index = self.write_index();
                let many = changed.len() > REORDER_AFTER;
                if many {
                    index.unorder_profiles();
                }
                for id in changed {
                    match found.get(id) {
                        Some(facts) => index.put(facts)?,
                        None => index.remove(id),
                    }
                    match profiled.get(id) {
                        Some(profile) => index.put_profile(profile)?,
                        None => index.remove_profile(id),
                    }
                }
                if many {
                    index.order_profiles();
                }
            }
            match events.last() {
                Some(&(last, _)) if events.len() as i64 == EVENT_PAGE => after = last,
                _ => break,
            }
        }
        *progress = next;
        Ok(())
    }

    // Nothing here panics on data; were it to, the progress and index left behind are still
    // usable (applying a change again is harmless), so a poisoned lock is taken as it is.
    fn lock_progress(&self) -> MutexGuard<'_, Progress> {
        self.progress
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn read_index(&self) -> std::sync::RwLockReadGuard<'_, Index> {
        self.index.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write_index(&self) -> std::sync::RwLockWriteGuard<'_, Index> {
        self.index
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Hands every row of a table to `take`, reading it a page at a time in id order.
fn in_pages<T>(
    conn: &mut DbConnection,
    page: impl Fn(&mut DbConnection, Option<&str>, i64) -> Result<Vec<T>, ApiError>,
    id: impl Fn(&T) -> &String,
    mut take: impl FnMut(&T) -> Result<(), ApiError>,
) -> Result<(), ApiError> {
    let mut after: Option<String> = None;
    loop {
        let rows = page(conn, after.as_deref(), LOAD_PAGE)?;
        rows.iter().try_for_each(&mut take)?;
        match rows.last() {
            Some(last) if rows.len() as i64 == LOAD_PAGE => after = Some(id(last).clone()),
            _ => return Ok(()),
        }
    }
}

/// The organizations passing a search's filters, as the index knows them.
struct PassingIndex<'a> {
    index: &'a Index,
    passing: &'a Bitset,
}

impl Passing for PassingIndex<'_> {
    fn passes(&self, id: &str) -> bool {
        self.index
            .ordinal_of(id)
            .is_some_and(|o| self.passing.contains(o))
    }

    fn document_passes(&self, rowid: i64) -> Option<String> {
        let ordinal = self.index.ordinal_of_document(rowid)?;
        self.passing
            .contains(ordinal)
            .then(|| self.index.id_of(ordinal))?
    }

    fn ids_in_order(&self, after: Option<&str>, descending: bool, limit: usize) -> Option<Vec<String>> {
        self.index.ids_in_order(self.passing, after, descending, limit)
    }

    fn names_in_order(
        &self,
        after: Option<&str>,
        descending: bool,
        wanted: usize,
        budget: usize,
        terms: &[String],
    ) -> Option<Named> {
        self.index
            .names_in_order(self.passing, after, descending, wanted, budget, terms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(positions: &[(i64, &str)]) -> Vec<(i64, Option<String>)> {
        positions.iter().map(|&(p, o)| (p, Some(o.to_owned()))).collect()
    }

    #[test]
    fn each_changed_organization_is_applied_once_and_never_again() {
        let mut progress = Progress { applied: 10 };
        assert_eq!(
            progress.take(&events(&[(9, "old"), (11, "a"), (13, "b"), (14, "a")])),
            ["a", "b"]
        );
        assert_eq!(progress.applied, 14);
        assert!(progress.take(&events(&[(12, "late"), (14, "a")])).is_empty());
        assert_eq!(progress.take(&events(&[(15, "c")])), ["c"]);
    }
}
