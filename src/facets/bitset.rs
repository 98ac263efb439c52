//! A set of organization ordinals, one bit each: a million firms fit in 125 KB, and counting
//! the firms two sets share is a pass over machine words.

/// A growable set of small integers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bitset {
    words: Vec<u64>,
}

const BITS: usize = u64::BITS as usize;

impl Bitset {
    /// Adds `ordinal`.
    pub fn insert(&mut self, ordinal: u32) {
        let (word, bit) = place(ordinal);
        if word >= self.words.len() {
            self.words.resize(word + 1, 0);
        }
        self.words[word] |= bit;
    }

    /// Whether `ordinal` is a member.
    pub fn contains(&self, ordinal: u32) -> bool {
        let (word, bit) = place(ordinal);
        self.words.get(word).is_some_and(|w| w & bit != 0)
    }

    /// Calls `visit` with each member, in order, until it returns `false`.
    pub fn visit(&self, mut visit: impl FnMut(u32) -> bool) {
        for (index, &word) in self.words.iter().enumerate() {
            let mut rest = word;
            while rest != 0 {
                if !visit((index * BITS) as u32 + rest.trailing_zeros()) {
                    return;
                }
                rest &= rest - 1;
            }
        }
    }

    /// Removes `ordinal`, if present.
    pub fn remove(&mut self, ordinal: u32) {
        let (word, bit) = place(ordinal);
        if let Some(w) = self.words.get_mut(word) {
            *w &= !bit;
        }
    }

    /// Adds every member of `other`.
    pub fn union_with(&mut self, other: &Bitset) {
        if other.words.len() > self.words.len() {
            self.words.resize(other.words.len(), 0);
        }
        for (mine, theirs) in self.words.iter_mut().zip(&other.words) {
            *mine |= theirs;
        }
    }

    /// Keeps only the members `other` holds too.
    pub fn intersect_with(&mut self, other: &Bitset) {
        self.words.truncate(other.words.len());
        for (mine, theirs) in self.words.iter_mut().zip(&other.words) {
            *mine &= theirs;
        }
    }

    /// Drops the members `other` holds.
    pub fn subtract(&mut self, other: &Bitset) {
        for (mine, theirs) in self.words.iter_mut().zip(&other.words) {
            *mine &= !theirs;
        }
    }

    /// Keeps only the members for which `keep` holds.
    pub fn retain(&mut self, mut keep: impl FnMut(u32) -> bool) {
        for (index, word) in self.words.iter_mut().enumerate() {
            let mut rest = *word;
            while rest != 0 {
                let bit = rest & rest.wrapping_neg();
                let ordinal = (index * BITS) as u32 + bit.trailing_zeros();
                if !keep(ordinal) {
                    *word &= !bit;
                }
                rest &= rest - 1;
            }
        }
    }

    /// How many members there are.
    pub fn len(&self) -> u64 {
        self.words.iter().map(|w| u64::from(w.count_ones())).sum()
    }

    /// How many members this set and `other` share.
    pub fn intersection_len(&self, other: &Bitset) -> u64 {
        self.words
            .iter()
            .zip(&other.words)
            .map(|(a, b)| u64::from((a & b).count_ones()))
            .sum()
    }
}

fn place(ordinal: u32) -> (usize, u64) {
    let ordinal = ordinal as usize;
    (ordinal / BITS, 1 << (ordinal % BITS))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(members: &[u32]) -> Bitset {
        let mut s = Bitset::default();
        members.iter().for_each(|&m| s.insert(m));
        s
    }

    #[test]
    fn members_come_and_go() {
        let mut s = set(&[0, 63, 64, 1_000]);
        s.remove(63);
        s.remove(9_999);
        assert_eq!(s, set(&[0, 64, 1_000]));
        assert!(s.contains(64) && !s.contains(63) && !s.contains(1 << 20));
        let mut members = Vec::new();
        s.visit(|m| {
            members.push(m);
            members.len() < 2
        });
        assert_eq!(members, [0, 64]);
        assert_eq!(s.intersection_len(&set(&[63, 64, 1_000, 5_000])), 2);
    }

    #[test]
    fn sets_combine_across_lengths() {
        let short = set(&[1, 2, 3]);
        let long = set(&[2, 3, 500]);
        let mut union = short.clone();
        union.union_with(&long);
        assert_eq!(union, set(&[1, 2, 3, 500]));
        let mut both = long.clone();
        both.intersect_with(&short);
        assert_eq!(both, set(&[2, 3]));
        assert_eq!(short.intersection_len(&long), 2);
        let mut rest = long.clone();
        rest.subtract(&short);
        assert_eq!(rest, set(&[500]));
        let mut even = set(&[1, 2, 64, 65, 130]);
        even.retain(|o| o % 2 == 0);
        assert_eq!(even, set(&[2, 64, 130]));
    }
}
