//! The words of every organization's names as PostgreSQL's search document holds them (its
//! lexemes of weight A): the best relevance tier is then told in memory for each firm passing
//! the filters, where PostgreSQL would descend its primary key once per firm (about 360 of them
//! for a page of `sahel` among a filtered million, most of such a search's cost) or walk the
//! documents of every firm in key order.
//!
//! One text holds them all, each organization's words after one another, each followed by a
//! space: 8 bytes per organization and its words, where a string each would take 24 more.

use memchr::memmem;

/// Where an organization's words lie in the text.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    len: u32,
}

impl Span {
    /// Nothing known: the organization's words were not read (SQLite keeps none).
    const UNKNOWN: Span = Span {
        start: u32::MAX,
        len: 0,
    };
}

/// The name words of organizations, by ordinal.
#[derive(Debug, Default)]
pub struct Names {
    text: String,
    spans: Vec<Span>,
    /// Bytes of `text` no span points to any more: rewritten once they are half of it.
    stale: usize,
}

impl Names {
    /// Records the words of organization `ordinal`, replacing what was known of them.
    pub fn set(&mut self, ordinal: u32, words: &[String]) {
        self.clear(ordinal);
        let start = self.text.len();
        for word in words {
            self.text.push_str(word);
            self.text.push(' ');
        }
        let at = ordinal as usize;
        if self.spans.len() <= at {
            self.spans.resize(at + 1, Span::UNKNOWN);
        }
        // Past 4 GiB of names (some hundred million firms) they are left unknown: PostgreSQL
        // is asked instead.
        if let (Ok(start), Ok(len)) = (u32::try_from(start), u32::try_from(self.text.len() - start)) {
            self.spans[at] = Span { start, len };
        }
        if self.stale > self.text.len() / 2 {
            self.compact();
        }
    }

    /// Forgets the words of organization `ordinal`.
    pub fn clear(&mut self, ordinal: u32) {
        if let Some(span) = self.spans.get_mut(ordinal as usize) {
            if span.start != u32::MAX {
                self.stale += span.len as usize;
            }
            *span = Span::UNKNOWN;
        }
    }

    /// Whether the names of organization `ordinal` hold every term of `text`; `None` when its
    /// words are unknown.
    pub fn hold(&self, ordinal: u32, text: &NameText) -> Option<bool> {
        let span = self.spans.get(ordinal as usize)?;
        if span.start == u32::MAX {
            return None;
        }
        let words = &self.text.as_bytes()[span.start as usize..(span.start + span.len) as usize];
        Some(!text.finders.is_empty() && text.finders.iter().all(|finder| begins_a_word(finder, words)))
    }

    /// Rewrites the text without the words no organization holds any more.
    fn compact(&mut self) {
        let mut text = String::with_capacity(self.text.len() - self.stale);
        for span in self.spans.iter_mut().filter(|s| s.start != u32::MAX) {
            let words = &self.text[span.start as usize..(span.start + span.len) as usize];
            span.start = text.len() as u32;
            text.push_str(words);
        }
        self.text = text;
        self.stale = 0;
    }
}

/// The terms of a search, as sought among an organization's words: every one a whole word but
/// the last, which may begin one (as `to_tsquery('simple', 'teranga & cont:*')` matches).
pub struct NameText {
    /// Per term, what a word begins with: the term and the space after a whole word.
    finders: Vec<memmem::Finder<'static>>,
}

impl NameText {
    pub fn new(terms: &[String]) -> Self {
        let last = terms.len().saturating_sub(1);
        let finders = terms
            .iter()
            .enumerate()
            .map(|(i, term)| {
                let sought = if i == last {
                    term.clone()
                } else {
                    format!("{term} ")
                };
                memmem::Finder::new(sought.as_bytes()).into_owned()
            })
            .collect();
        NameText { finders }
    }
}

/// Whether `finder`'s needle begins one of `words`, each followed by a space. A search of the
/// bytes, where splitting the words and comparing each to each term cost 0.65 µs per firm,
/// six times as much: a search reads thousands of firms.
fn begins_a_word(finder: &memmem::Finder<'_>, words: &[u8]) -> bool {
    finder.find_iter(words).any(|at| at == 0 || words[at - 1] == b' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn every_term_is_a_word_of_the_names_and_the_last_may_be_a_prefix() {
        let mut names = Names::default();
        names.set(0, &words("sahel teranga tst"));
        names.set(2, &words("gorée conseil"));
        let hold = |ordinal, q: &str| names.hold(ordinal, &NameText::new(&words(q)));
        assert_eq!(hold(0, "teranga sah"), Some(true));
        assert_eq!(hold(0, "sahel"), Some(true));
        assert_eq!(
            hold(0, "sah teranga"),
            Some(false),
            "only the last term is a prefix"
        );
        assert_eq!(hold(0, "ahel"), Some(false), "a prefix, not a substring");
        assert_eq!(hold(0, "sahel conseil"), Some(false));
        assert_eq!(hold(2, "conseil gor"), Some(true));
        assert_eq!(hold(1, "sahel"), None, "never read");
        assert_eq!(hold(7, "sahel"), None, "beyond every ordinal");
    }

    #[test]
    fn words_replaced_or_cleared_are_forgotten_and_their_space_taken_back() {
        let mut names = Names::default();
        for ordinal in 0..4 {
            names.set(ordinal, &words("dakar digital"));
        }
        for round in 0..10 {
            names.set(1, &words(&format!("saint louis {round}")));
        }
        // Without compaction the text would hold every round: 56 bytes and 140 more.
        let live = 3 * "dakar digital ".len() + "saint louis 9 ".len();
        assert!(names.text.len() <= 2 * live, "{}", names.text.len());
        names.clear(3);
        assert_eq!(names.hold(1, &NameText::new(&words("louis 9"))), Some(true));
        assert_eq!(names.hold(1, &NameText::new(&words("dakar"))), Some(false));
        assert_eq!(names.hold(3, &NameText::new(&words("dakar"))), None);
        assert_eq!(names.hold(2, &NameText::new(&words("digi"))), Some(true));
    }
}
