//! The columns of each kind of import row: their keys, their French and English headers, the
//! formats they take and an example. The template, the reader and the README all come from
//! this one table.

mod tables;

use tables::{CAPABILITIES, CERTIFICATIONS, CONTACTS, MARKETS, ORGANIZATIONS, RELATIONSHIPS};

use crate::domain::checks::fold;

/// A kind of row: one sheet of a workbook, or what one CSV file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sheet {
    /// Organizations themselves.
    Organizations,
    /// Export capabilities.
    Capabilities,
    /// Market presences.
    Markets,
    /// Certifications.
    Certifications,
    /// Contact persons.
    Contacts,
    /// Relationships to other organizations.
    Relationships,
}

impl Sheet {
    /// Every kind, in the order a workbook is read: organizations first, so that the other
    /// sheets can name the organizations it creates.
    pub const ALL: [Sheet; 6] = [
        Sheet::Organizations,
        Sheet::Capabilities,
        Sheet::Markets,
        Sheet::Certifications,
        Sheet::Contacts,
        Sheet::Relationships,
    ];

    /// The `kind` parameter's word, and the English sheet name.
    pub fn as_str(self) -> &'static str {
        match self {
            Sheet::Organizations => "organizations",
            Sheet::Capabilities => "capabilities",
            Sheet::Markets => "markets",
            Sheet::Certifications => "certifications",
            Sheet::Contacts => "contacts",
            Sheet::Relationships => "relationships",
        }
    }

    /// The French sheet name.
    pub fn french(self) -> &'static str {
        match self {
            Sheet::Organizations => "organisations",
            Sheet::Capabilities => "capacités",
            Sheet::Markets => "marchés",
            Sheet::Certifications => "certifications",
            Sheet::Contacts => "contacts",
            Sheet::Relationships => "relations",
        }
    }

    /// The kind a sheet name or `kind` parameter names, in either language, any case or accents.
    pub fn named(name: &str) -> Option<Sheet> {
        let name = fold_header(name);
        Sheet::ALL
            .into_iter()
            .find(|s| name == fold_header(s.as_str()) || name == fold_header(s.french()))
    }

    /// Its columns, in template order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Sheet::Organizations => ORGANIZATIONS,
            Sheet::Capabilities => CAPABILITIES,
            Sheet::Markets => MARKETS,
            Sheet::Certifications => CERTIFICATIONS,
            Sheet::Contacts => CONTACTS,
            Sheet::Relationships => RELATIONSHIPS,
        }
    }
}

/// What a column's cells hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Text, as written.
    Text,
    /// A whole number.
    Integer,
    /// A calendar date, `YYYY-MM-DD` or a date cell.
    Date,
    /// Words separated by `|`, `,` or `;`.
    List,
    /// Language codes, each optionally with seats: `fr:120 | wo:20`.
    Languages,
}

/// One column of a kind of row.
#[derive(Debug)]
pub struct Column {
    /// The field it fills, as the API names it.
    pub key: &'static str,
    /// French header.
    pub fr: &'static str,
    /// English header.
    pub en: &'static str,
    /// What its cells hold.
    pub format: Format,
    /// Whether a row that creates something must fill it.
    pub required: bool,
    /// The allowed values or the format, as the template's second header row shows them.
    pub hint: Hint,
    /// The template's example value.
    pub example: &'static str,
}

/// The allowed values of a column: a fixed text, or a closed vocabulary's words.
#[derive(Debug, Clone, Copy)]
pub enum Hint {
    /// A description of the format.
    Text(&'static str),
    /// The words of a vocabulary, listed at run time.
    Words(fn() -> Vec<&'static str>),
}

impl Column {
    /// The header the template writes: both languages.
    pub fn header(&self) -> String {
        if fold_header(self.fr) == fold_header(self.en) {
            self.fr.to_owned()
        } else {
            format!("{} / {}", self.fr, self.en)
        }
    }

    /// The template's second header row for this column.
    pub fn hint_text(&self) -> String {
        let hint = match self.hint {
            Hint::Text(text) => text.to_owned(),
            Hint::Words(words) => words().join(" | "),
        };
        if self.required {
            format!("obligatoire / required: {hint}")
        } else {
            hint
        }
    }

    /// Whether a header written in a file names this column: its key, its French or English
    /// header, or both as the template writes them; case, accents and spacing ignored.
    pub fn is_named(&self, header: &str) -> bool {
        let header = fold_header(header);
        [self.key, self.fr, self.en, &self.header()]
            .iter()
            .any(|name| fold_header(name) == header)
    }
}

/// A header as compared: folded (case, accents), punctuation and runs of spaces as one space.
pub fn fold_header(text: &str) -> String {
    let folded = fold(text);
    let spaced: String = folded
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '/' { c } else { ' ' })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_in_either_language_whatever_the_case_and_accents() {
        let country = &tables::ORGANIZATIONS[11];
        assert_eq!(country.key, "country");
        for header in ["Pays", "PAYS", "country", " Country ", "Pays / Country"] {
            assert!(country.is_named(header), "{header}");
        }
        assert!(!country.is_named("Ville"));
        let region = &tables::ORGANIZATIONS[12];
        assert!(region.is_named("REGION") && region.is_named("région"));
        assert_eq!(Sheet::named("Capacites"), Some(Sheet::Capabilities));
        assert_eq!(Sheet::named("MARCHÉS"), Some(Sheet::Markets));
        assert_eq!(Sheet::named("firms"), None);
    }

    #[test]
    fn every_sheet_has_distinct_column_names() {
        for sheet in Sheet::ALL {
            let columns = sheet.columns();
            for (i, a) in columns.iter().enumerate() {
                for b in &columns[i + 1..] {
                    assert!(!b.is_named(a.fr) && !b.is_named(a.en), "{} {}", a.key, b.key);
                }
            }
        }
    }
}
