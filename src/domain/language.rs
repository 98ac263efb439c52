//! The two languages the directory speaks.

/// French or English: problems, reasons and shortlists are written in one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// English, the default.
    English,
    /// French, the sector's working language.
    French,
}

impl Language {
    /// The language tag (BCP 47): `en` or `fr`.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::French => "fr",
        }
    }
}
