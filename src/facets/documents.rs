//! SQLite search documents to ordinals. A page by relevance reads a text's matches from FTS5 as
//! document rowids and tests them here, instead of joining each to its organization id: the
//! join and the id's decoding cost more than the match itself.

use std::collections::HashMap;

/// The ordinal of the organization each document rowid belongs to. SQLite gives a new row the
/// rowid above the largest, so rowids stay dense and a vector holds them (4 bytes per document
/// ever written); a rowid far past the others goes to a map rather than grow the vector.
#[derive(Debug, Default)]
pub struct Documents {
    dense: Vec<u32>,
    far: HashMap<i64, u32>,
}

const VACANT: u32 = u32::MAX;
/// The vector may always grow to this many rowids, and beyond to twice its length.
const DENSE_START: usize = 1 << 20;

impl Documents {
    /// Records that document `rowid` belongs to the organization holding `ordinal`. A stale
    /// entry left by a deleted organization is harmless: its ordinal is in no bitset, and a new
    /// document given its rowid replaces it.
    pub fn set(&mut self, rowid: i64, ordinal: u32) {
        match usize::try_from(rowid) {
            Ok(at) if at < self.dense.len() => self.dense[at] = ordinal,
            Ok(at) if at < DENSE_START.max(2 * self.dense.len()) => {
                self.dense.resize(at + 1, VACANT);
                self.dense[at] = ordinal;
            }
            _ => {
                self.far.insert(rowid, ordinal);
            }
        }
    }

    /// The ordinal of the organization document `rowid` belongs to, if known.
    pub fn ordinal(&self, rowid: i64) -> Option<u32> {
        let dense = usize::try_from(rowid)
            .ok()
            .and_then(|at| self.dense.get(at).copied())
            .filter(|&ordinal| ordinal != VACANT);
        dense.or_else(|| self.far.get(&rowid).copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_and_far_rowids_find_their_ordinals() {
        let mut documents = Documents::default();
        documents.set(1, 0);
        documents.set(3, 1);
        documents.set(i64::MAX, 2);
        documents.set(-5, 3);
        documents.set(3, 4);
        assert_eq!(
            [1, 2, 3, i64::MAX, -5, 0].map(|rowid| documents.ordinal(rowid)),
            [Some(0), None, Some(4), Some(2), Some(3), None]
        );
        assert!(documents.dense.len() < DENSE_START);
    }
}
