//! Walks over organizations in id order, the order a list's cursor pages through.

use super::{Index, hyphenated, parsed};
use crate::db::search::Named;
use crate::facets::bitset::Bitset;
use crate::facets::names::NameText;

/// Organizations read at a time when their names are tested for a text.
const NAMES_CHUNK: usize = 256;
impl Index {
    /// Up to `limit` ids of organizations in `among`, beyond `after` in id order (downwards when
    /// `descending`); `None` when `after` is no id.
    pub fn ids_in_order(
        &self,
        among: &Bitset,
        after: Option<&str>,
        descending: bool,
        limit: usize,
    ) -> Option<Vec<String>> {
        let after = parsed(after)?;
        let found = self
            .ordinals
            .in_order(after, descending, limit, |ordinal| among.contains(ordinal));
        Some(found.into_iter().map(|(_, id)| hyphenated(id)).collect())
    }

    /// Up to `wanted` organizations in `among` whose names hold every term, the last as a
    /// prefix, beyond `after` in id order (downwards when `descending`), reading at most
    /// `budget` of `among`; `None` when `after` is no id or the names of one read are unknown.
    pub fn names_in_order(
        &self,
        among: &Bitset,
        after: Option<&str>,
        descending: bool,
        wanted: usize,
        budget: usize,
        terms: &[String],
    ) -> Option<Named> {
        let mut after = parsed(after)?;
        let text = NameText::new(terms);
        let mut named = Named::default();
        let mut read = 0;
        while read < budget {
            // Read in chunks: a text the names hold densely fills the page within the first.
            let chunk = (budget - read).min(NAMES_CHUNK);
            let found = self
                .ordinals
                .in_order(after, descending, chunk, |ordinal| among.contains(ordinal));
            for &(ordinal, id) in &found {
                read += 1;
                after = Some(id);
                if self.names.hold(ordinal, &text)? {
                    named.holding.push(hyphenated(id));
                    if named.holding.len() == wanted {
                        named.read_on = Some(hyphenated(id));
                        return Some(named);
                    }
                }
            }
            if found.len() < chunk {
                return Some(named);
            }
        }
        named.read_on = after.map(hyphenated);
        Some(named)
    }
}
