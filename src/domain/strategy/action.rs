//! Actions of a strategy's plan: what is to be done, by whom, by when, and how far it came.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    EntryFields, EntryKind, Link, LinkKind, Projection, Sight, Visibility, both, check_date, check_list,
    check_notes, links, search_text,
};
use crate::domain::organization::Bilingual;
use crate::domain::reference::Reference;
use crate::domain::validation::{Violations, text};
use crate::domain::vocab::vocabulary;

vocabulary! {
    /// Where an action stands. `done` and `dropped` are never overdue.
    ActionStatus {
        /// Not started.
        Planned => "planned",
        /// Under way.
        InProgress => "in_progress",
        /// Carried out.
        Done => "done",
        /// Behind its schedule.
        Delayed => "delayed",
        /// Given up.
        Dropped => "dropped",
    }
}

vocabulary! {
    /// How urgent an action is.
    Priority {
        /// First.
        High => "high",
        /// Next.
        Medium => "medium",
        /// When means allow.
        Low => "low",
    }
}

/// A budget: an amount in a currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    /// 0 to 10^13.
    #[schema(example = 25000000)]
    pub amount: f64,
    /// ISO 4217 code.
    #[schema(example = "XOF")]
    pub currency: String,
}

/// A value of an indicator on a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Measurement {
    /// When it was measured.
    pub on: NaiveDate,
    /// What was measured.
    pub value: f64,
}

/// How an action's effect is measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// What is measured, up to 200 characters.
    #[schema(example = "Firms certified ISO/IEC 27001")]
    pub name: String,
    /// Its unit, up to 50 characters.
    #[schema(example = "firms")]
    pub unit: String,
    /// The value when the action began.
    pub baseline: f64,
    /// The value aimed at.
    pub target: f64,
    /// Dated values, at most 500, one per date.
    #[serde(default)]
    pub measurements: Vec<Measurement>,
}

impl Indicator {
    /// The latest measurement, if any.
    pub fn latest(&self) -> Option<&Measurement> {
        self.measurements.iter().max_by_key(|m| m.on)
    }
}

/// The fields of an action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": {"en": "Support firms towards ISO/IEC 27001"}, "barriers": [], "status": "planned", "priority": "high", "due_date": "2027-12-31"}))]
pub struct ActionFields {
    /// The code of the strategic objective it serves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective: Option<String>,
    /// Title, French and/or English, up to 300 characters each.
    pub title: Bilingual,
    /// What is to be done, up to 5,000 characters each.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Bilingual>,
    /// Ids of the barriers it answers, at most 50.
    #[serde(default)]
    pub barriers: Vec<String>,
    /// The organization that leads it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_id: Option<String>,
    /// Partner organizations, at most 50.
    #[serde(default)]
    pub partner_ids: Vec<String>,
    /// When it starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<NaiveDate>,
    /// When it is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<NaiveDate>,
    /// Where it stands (default `planned`).
    #[serde(default = "planned")]
    pub status: ActionStatus,
    /// How urgent it is (default `medium`).
    #[serde(default = "medium")]
    pub priority: Priority,
    /// What it may cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<Budget>,
    /// The organization that funds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funder_id: Option<String>,
    /// How its effect is measured, at most 20.
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    /// Who may read it (new actions start as `draft`).
    #[serde(default)]
    pub visibility: Visibility,
    /// Staff only, up to 5,000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_notes: Option<String>,
}

fn planned() -> ActionStatus {
    ActionStatus::Planned
}

fn medium() -> Priority {
    Priority::Medium
}

impl ActionFields {
    /// Due before `today` and neither done nor dropped.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.due_date.is_some_and(|due| due < today)
            && !matches!(self.status, ActionStatus::Done | ActionStatus::Dropped)
    }
}

fn check_indicator(field: &str, indicator: &Indicator, v: &mut Violations) {
    v.check(&format!("{field}.name"), text(&indicator.name, 1, 200));
    v.check(&format!("{field}.unit"), text(&indicator.unit, 1, 50));
    for (name, value) in [("baseline", indicator.baseline), ("target", indicator.target)] {
        if value.abs() > 1e15 {
            v.add(&format!("{field}.{name}"), "must be between -10^15 and 10^15");
        }
    }
    if indicator.measurements.len() > 500 {
        v.add(&format!("{field}.measurements"), "must list at most 500");
    }
    let mut dates = std::collections::HashSet::new();
    for (j, measurement) in indicator.measurements.iter().enumerate() {
        let place = format!("{field}.measurements[{j}]");
        check_date(&format!("{place}.on"), Some(measurement.on), v);
        if !dates.insert(measurement.on) {
            v.add(&format!("{place}.on"), "has a measurement already");
        }
        if measurement.value.abs() > 1e15 {
            v.add(&format!("{place}.value"), "must be between -10^15 and 10^15");
        }
    }
}

impl EntryFields for ActionFields {
    const KIND: EntryKind = EntryKind::Action;

    fn check(&self, _reference: &Reference, v: &mut Violations) {
        if let Some(objective) = &self.objective {
            v.check("objective", text(objective, 1, 20));
        }
        self.title.check("title", 300, v);
        if let Some(description) = &self.description {
            description.check("description", 5000, v);
        }
        check_list("barriers", &self.barriers, 50, v);
        check_list("partner_ids", &self.partner_ids, 50, v);
        check_date("start_date", self.start_date, v);
        check_date("due_date", self.due_date, v);
        if let (Some(start), Some(due)) = (self.start_date, self.due_date)
            && due < start
        {
            v.add("due_date", "must not be before start_date");
        }
        if let Some(budget) = &self.budget {
            if !(0.0..=1e13).contains(&budget.amount) {
                v.add("budget.amount", "must be from 0 to 10^13");
            }
            let iso = budget.currency.len() == 3 && budget.currency.bytes().all(|b| b.is_ascii_uppercase());
            if !iso {
                v.add("budget.currency", "must be an ISO 4217 code such as XOF or EUR");
            }
        }
        if self.indicators.len() > 20 {
            v.add("indicators", "must list at most 20");
        }
        for (i, indicator) in self.indicators.iter().enumerate() {
            check_indicator(&format!("indicators[{i}]"), indicator, v);
        }
        check_notes(self.internal_notes.as_deref(), v);
    }

    fn visibility(&self) -> Visibility {
        self.visibility
    }

    fn project(&self) -> Projection {
        let [title_fr, title_en] = both(Some(&self.title));
        let [text_fr, text_en] = both(self.description.as_ref());
        let mut links: Vec<Link> = links(LinkKind::Barrier, "barriers", &self.barriers)
            .chain(links(LinkKind::Partner, "partner_ids", &self.partner_ids))
            .collect();
        links.extend(self.lead_id.iter().map(|id| Link {
            kind: LinkKind::Lead,
            target: id.clone(),
            field: "lead_id".into(),
        }));
        links.extend(self.funder_id.iter().map(|id| Link {
            kind: LinkKind::Funder,
            target: id.clone(),
            field: "funder_id".into(),
        }));
        Projection {
            status: self.status.as_str().into(),
            theme: self.objective.clone(),
            priority: Some(self.priority.as_str().into()),
            lead_id: self.lead_id.clone(),
            due_date: self.due_date,
            search_text: search_text([title_fr, title_en, text_fr, text_en]),
            links,
            ..Projection::default()
        }
    }

    fn overdue(&self, today: NaiveDate) -> Option<bool> {
        Some(self.is_overdue(today))
    }

    fn redact(&mut self, sight: &dyn Sight) {
        if !sight.sees_internal() {
            self.internal_notes = None;
        }
        if self
            .lead_id
            .as_deref()
            .is_some_and(|id| !sight.sees(LinkKind::Lead, id))
        {
            self.lead_id = None;
        }
        if self
            .funder_id
            .as_deref()
            .is_some_and(|id| !sight.sees(LinkKind::Funder, id))
        {
            self.funder_id = None;
        }
        self.partner_ids.retain(|id| sight.sees(LinkKind::Partner, id));
        self.barriers.retain(|id| sight.sees(LinkKind::Barrier, id));
    }
}
