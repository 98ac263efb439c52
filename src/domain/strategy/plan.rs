//! Strategies: the frame an action plan hangs on, with its strategic objectives.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    EntryFields, EntryKind, Link, LinkKind, Projection, Sight, Visibility, both, check_notes, search_text,
};
use crate::domain::organization::Bilingual;
use crate::domain::reference::Reference;
use crate::domain::validation::{Violations, text};
use crate::domain::vocab::vocabulary;

vocabulary! {
    /// Where a strategy stands.
    StrategyStatus {
        /// Being drawn up.
        InPreparation => "in_preparation",
        /// Adopted and being carried out.
        Adopted => "adopted",
        /// Its period is over.
        Closed => "closed",
    }
}

/// A strategic objective, which actions name by its code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    /// Short code, unique within the strategy: letters, digits, `.`, `-`, 1 to 20.
    #[schema(example = "SO1")]
    pub code: String,
    /// What it aims at, French and/or English, up to 500 characters each.
    pub title: Bilingual,
}

/// The fields of a strategy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": {"en": "IT/BPO export strategy"}, "framework": "Plan Sénégal Numérique 2016-2025", "status": "in_preparation"}))]
pub struct StrategyFields {
    /// Title, French and/or English, up to 300 characters each.
    pub title: Bilingual,
    /// What it sets out to do, up to 5,000 characters each.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Bilingual>,
    /// The policy it sits within, up to 200 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework: Option<String>,
    /// The programme it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub programme_id: Option<String>,
    /// First year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_year: Option<i32>,
    /// Last year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_year: Option<i32>,
    /// Where it stands (default `in_preparation`).
    #[serde(default = "in_preparation")]
    pub status: StrategyStatus,
    /// Its strategic objectives, at most 50.
    #[serde(default)]
    pub objectives: Vec<Objective>,
    /// Who may read it (new strategies start as `draft`).
    #[serde(default)]
    pub visibility: Visibility,
    /// Staff only, up to 5,000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_notes: Option<String>,
}

fn in_preparation() -> StrategyStatus {
    StrategyStatus::InPreparation
}

impl StrategyFields {
    /// Whether `code` names one of its objectives.
    pub fn has_objective(&self, code: &str) -> bool {
        self.objectives.iter().any(|o| o.code == code)
    }
}

impl EntryFields for StrategyFields {
    const KIND: EntryKind = EntryKind::Strategy;

    fn check(&self, _reference: &Reference, v: &mut Violations) {
        self.title.check("title", 300, v);
        if let Some(summary) = &self.summary {
            summary.check("summary", 5000, v);
        }
        if let Some(framework) = &self.framework {
            v.check("framework", text(framework, 1, 200));
        }
        for (field, year) in [("start_year", self.start_year), ("end_year", self.end_year)] {
            if year.is_some_and(|year| !(1990..=2100).contains(&year)) {
                v.add(field, "must be a year from 1990 to 2100");
            }
        }
        if let (Some(start), Some(end)) = (self.start_year, self.end_year)
            && start > end
        {
            v.add("end_year", "must not be before start_year");
        }
        if self.objectives.len() > 50 {
            v.add("objectives", "must list at most 50");
        }
        let mut seen = std::collections::HashSet::new();
        for (i, objective) in self.objectives.iter().enumerate() {
            let code = &objective.code;
            let well_formed = (1..=20).contains(&code.chars().count())
                && code
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
            if !well_formed {
                v.add(
                    &format!("objectives[{i}].code"),
                    "must be 1 to 20 letters, digits, `.` or `-`",
                );
            }
            if !seen.insert(code) {
                v.add(&format!("objectives[{i}].code"), "is used twice");
            }
            objective.title.check(&format!("objectives[{i}].title"), 500, v);
        }
        check_notes(self.internal_notes.as_deref(), v);
    }

    fn visibility(&self) -> Visibility {
        self.visibility
    }

    fn project(&self) -> Projection {
        let [fr, en] = both(Some(&self.title));
        Projection {
            status: self.status.as_str().into(),
            search_text: search_text([fr, en, self.framework.as_deref()]),
            links: self
                .programme_id
                .iter()
                .map(|id| Link {
                    kind: LinkKind::Programme,
                    target: id.clone(),
                    field: "programme_id".into(),
                })
                .collect(),
            ..Projection::default()
        }
    }

    fn redact(&mut self, sight: &dyn Sight) {
        if !sight.sees_internal() {
            self.internal_notes = None;
        }
    }
}
