//! The sector's export strategy as data: the consultations that diagnosed it, the barriers
//! they found at the firm, institutional and regulatory levels, and the strategies whose
//! actions answer them. The four kinds are entries: a curator or the agency writes their
//! fields, staff see drafts and internal notes, partners and representatives only what is
//! published.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;

use super::organization::Bilingual;
use super::reference::Reference;
use super::validation::Violations;
use super::vocab::vocabulary;

pub mod action;
pub mod barrier;
pub mod consultation;
pub mod plan;
pub mod report;
pub mod themes;

vocabulary! {
    /// The kinds of strategy entry, as the audit trail and the change feed name them.
    EntryKind {
        /// A consultation of the sector.
        Consultation => "consultation",
        /// A barrier to export competitiveness.
        Barrier => "barrier",
        /// A strategy and its objectives.
        Strategy => "strategy",
        /// An action of a strategy's plan.
        Action => "action",
    }
}

vocabulary! {
    /// Who may read an entry, apart from its own status: partners and representatives read
    /// `published` entries only.
    Visibility {
        /// Being written; staff only. New entries start here.
        Draft => "draft",
        /// Readable by every caller.
        Published => "published",
    }
}

// The vocabulary macro derives no `Default`, so the default is written out.
#[allow(clippy::derivable_impls)]
impl Default for Visibility {
    fn default() -> Self {
        Visibility::Draft
    }
}

vocabulary! {
    /// What an entry names, as stored in `strategy_links`.
    LinkKind {
        /// A taxonomy code a barrier weighs on.
        Service => "service",
        /// A consultation where a barrier was raised.
        Consultation => "consultation",
        /// A barrier an action answers.
        Barrier => "barrier",
        /// A partner organization of an action.
        Partner => "partner",
        /// An organizer of a consultation.
        Organizer => "organizer",
        /// A participant of a consultation.
        Participant => "participant",
        /// The organization that funds an action.
        Funder => "funder",
        /// The programme a consultation or strategy belongs to.
        Programme => "programme",
        /// The organization that leads an action.
        Lead => "lead",
    }
}

impl LinkKind {
    /// Whether the target is an organization of the directory.
    pub fn names_organization(self) -> bool {
        matches!(
            self,
            LinkKind::Partner
                | LinkKind::Organizer
                | LinkKind::Participant
                | LinkKind::Funder
                | LinkKind::Lead
        )
    }

    /// The kind of entry the target is, for links between entries.
    pub fn names_entry(self) -> Option<EntryKind> {
        match self {
            LinkKind::Consultation => Some(EntryKind::Consultation),
            LinkKind::Barrier => Some(EntryKind::Barrier),
            _ => None,
        }
    }
}

/// One thing an entry names, with the field it came from (for 422s).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// What it is.
    pub kind: LinkKind,
    /// Its id or code.
    pub target: String,
    /// The field path that named it.
    pub field: String,
}

/// The columns filters and reports read, derived from an entry's fields on every write.
#[derive(Debug, Clone, Default)]
pub struct Projection {
    /// The entry's own status word.
    pub status: String,
    /// A barrier's level.
    pub level: Option<String>,
    /// A barrier's theme.
    pub theme: Option<String>,
    /// An action's priority.
    pub priority: Option<String>,
    /// An action's lead organization.
    pub lead_id: Option<String>,
    /// An action's due date.
    pub due_date: Option<NaiveDate>,
    /// The entry's texts, accent- and case-folded, for `q`.
    pub search_text: String,
    /// What the entry names.
    pub links: Vec<Link>,
}

/// What the caller may see of the things entries name.
pub trait Sight {
    /// Whether the caller sees the organization, entry or programme `target` named as `kind`.
    fn sees(&self, kind: LinkKind, target: &str) -> bool;
    /// Whether the caller reads internal notes.
    fn sees_internal(&self) -> bool;
}

/// The fields of one kind of entry, as written and as shown.
pub trait EntryFields: Clone + Serialize + DeserializeOwned + Send + 'static {
    /// Its kind.
    const KIND: EntryKind;
    /// Every rule that needs no database, added to `v`.
    fn check(&self, reference: &Reference, v: &mut Violations);
    /// Who may read it.
    fn visibility(&self) -> Visibility;
    /// Its filter columns and links.
    fn project(&self) -> Projection;
    /// Drops what the caller may not see: internal notes, and names of organizations and
    /// entries hidden from them.
    fn redact(&mut self, sight: &dyn Sight);
    /// For actions: whether it is overdue on `today`.
    fn overdue(&self, _today: NaiveDate) -> Option<bool> {
        None
    }
}

/// An entry as the API shows it: its fields and the bookkeeping.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Entry<F> {
    /// Stable opaque id.
    pub id: String,
    /// The editable fields.
    #[serde(flatten)]
    pub fields: F,
    /// The strategy an action belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strategy_id: Option<String>,
    /// For actions: due and neither done nor dropped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overdue: Option<bool>,
    /// Demonstration data, not a fact of the sector.
    pub is_sample: bool,
    /// Raised by every change; the ETag is built from it.
    pub version: i32,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl<F> Entry<F> {
    /// A new entry, version 1, created `now`, with a fresh id.
    pub fn new(fields: F, strategy_id: Option<String>, is_sample: bool, now: DateTime<Utc>) -> Self {
        Entry {
            id: uuid::Uuid::now_v7().to_string(),
            fields,
            strategy_id,
            overdue: None,
            is_sample,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }
}

/// Folds texts for `q`: lower case, without accents, one space between parts.
pub fn search_text<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    let mut text = String::new();
    for part in parts.into_iter().flatten() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&super::checks::fold(part));
    }
    text
}

/// Both languages of a bilingual text, for [`search_text`].
pub fn both(text: Option<&Bilingual>) -> [Option<&str>; 2] {
    match text {
        Some(text) => [text.fr.as_deref(), text.en.as_deref()],
        None => [None, None],
    }
}

/// Internal notes: up to 5,000 characters.
pub fn check_notes(notes: Option<&str>, v: &mut Violations) {
    if let Some(notes) = notes {
        v.check("internal_notes", super::validation::text(notes, 1, 5000));
    }
}

/// A list of ids or codes: at most `max`, none repeated.
pub fn check_list(field: &str, values: &[String], max: usize, v: &mut Violations) {
    if values.len() > max {
        v.add(field, format!("must list at most {max}"));
    }
    let mut seen = std::collections::HashSet::new();
    for (i, value) in values.iter().enumerate() {
        if !seen.insert(value) {
            v.add(&format!("{field}[{i}]"), "is listed twice");
        }
    }
}

/// Links to `targets`, named by `field[i]`.
pub fn links(kind: LinkKind, field: &str, targets: &[String]) -> impl Iterator<Item = Link> {
    targets.iter().enumerate().map(move |(i, target)| Link {
        kind,
        target: target.clone(),
        field: format!("{field}[{i}]"),
    })
}

/// A date between 1990 and 2100: strategies are planned years ahead.
pub fn check_date(field: &str, date: Option<NaiveDate>, v: &mut Violations) {
    if let Some(date) = date {
        let first = NaiveDate::from_ymd_opt(1990, 1, 1).expect("a date");
        let last = NaiveDate::from_ymd_opt(2100, 12, 31).expect("a date");
        if date < first || date > last {
            v.add(field, "must be a date from 1990 to 2100");
        }
    }
}

/// What a list of entries is filtered by; every part given must hold.
#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    /// Staff see drafts too.
    pub drafts: bool,
    /// The actions of this strategy.
    pub strategy_id: Option<String>,
    /// Folded words, each of which must appear in the entry's texts.
    pub words: Vec<String>,
    /// The `level` column (a barrier's level, a consultation's stage).
    pub level: Option<String>,
    /// The `theme` column (a barrier's theme, an action's objective).
    pub theme: Option<String>,
    /// The entry's status.
    pub status: Option<String>,
    /// The `priority` column (an action's priority, a barrier's severity).
    pub priority: Option<String>,
    /// An action's lead.
    pub lead_id: Option<String>,
    /// Overdue (or not) on this day.
    pub overdue: Option<(bool, NaiveDate)>,
    /// Links that must exist: per entry of the list, the entry names one of the targets
    /// through one of the kinds.
    pub links: Vec<(Vec<LinkKind>, Vec<String>)>,
}

/// What a caller sees of what entries name, worked out once per answer.
#[derive(Debug, Default)]
pub struct Seen {
    /// Staff see everything.
    pub staff: bool,
    /// Organizations hidden from the caller (not published) or gone.
    pub hidden_organizations: std::collections::HashSet<String>,
    /// Entries hidden from the caller (drafts) or gone.
    pub hidden_entries: std::collections::HashSet<String>,
}

impl Sight for Seen {
    fn sees(&self, kind: LinkKind, target: &str) -> bool {
        if self.staff {
            true
        } else if kind.names_organization() {
            !self.hidden_organizations.contains(target)
        } else if kind.names_entry().is_some() {
            !self.hidden_entries.contains(target)
        } else {
            true
        }
    }

    fn sees_internal(&self) -> bool {
        self.staff
    }
}
