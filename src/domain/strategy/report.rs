//! The steering committee's reports: a strategy's progress and the barriers at a glance.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::Entry;
use super::action::{ActionFields, ActionStatus, Measurement};
use super::barrier::{BarrierFields, BarrierStatus, Level};
use super::themes::Theme;
use crate::domain::organization::Bilingual;

/// Counts by status word, every status listed (0 included).
pub type Counts = BTreeMap<&'static str, u32>;

fn zeros(words: impl Iterator<Item = &'static str>) -> Counts {
    words.map(|w| (w, 0)).collect()
}

fn action_statuses() -> Counts {
    zeros(ActionStatus::ALL.iter().map(|s| s.as_str()))
}

/// The actions one organization leads.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeadProgress {
    /// The lead (none: actions without a lead the caller sees).
    pub lead_id: Option<String>,
    /// How many actions.
    pub actions: u32,
    /// By status.
    #[schema(value_type = BTreeMap<String, u32>)]
    pub by_status: Counts,
    /// How many are overdue.
    pub overdue: u32,
}

/// An action past its due date.
#[derive(Debug, Serialize, ToSchema)]
pub struct OverdueAction {
    /// The action's id.
    pub id: String,
    /// Its title.
    pub title: Bilingual,
    /// Its lead.
    pub lead_id: Option<String>,
    /// When it was due.
    pub due_date: NaiveDate,
    /// Days since then.
    pub days_overdue: i64,
    /// Where it stands.
    pub status: ActionStatus,
}

/// An indicator against its target.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorProgress {
    /// The action it measures.
    pub action_id: String,
    /// What is measured.
    pub name: String,
    /// Its unit.
    pub unit: String,
    /// The starting value.
    pub baseline: f64,
    /// The value aimed at.
    pub target: f64,
    /// The latest measurement.
    pub latest: Option<Measurement>,
    /// How far from baseline to target the latest value is (1 is the target reached; none
    /// without a measurement or when the target is the baseline), to three decimals.
    pub achieved: Option<f64>,
}

/// `GET /v1/strategies/{id}/progress`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Progress {
    /// The strategy.
    pub strategy_id: String,
    /// The day overdue is reckoned on (UTC).
    pub as_of: NaiveDate,
    /// How many actions the caller sees.
    pub actions: u32,
    /// By status.
    #[schema(value_type = BTreeMap<String, u32>)]
    pub by_status: Counts,
    /// By lead, the most actions first.
    pub by_lead: Vec<LeadProgress>,
    /// Those past their due date, the longest overdue first.
    pub overdue: Vec<OverdueAction>,
    /// Every indicator of every action.
    pub indicators: Vec<IndicatorProgress>,
    /// Open actions (neither done nor dropped) whose lead organization was archived or is
    /// no longer published: the link is kept, the plan needs a new lead.
    pub without_active_lead: Vec<OpenAction>,
}

/// An open action the report draws attention to.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpenAction {
    /// The action's id.
    pub id: String,
    /// Its title.
    pub title: Bilingual,
    /// Where it stands.
    pub status: ActionStatus,
}

fn achieved(baseline: f64, target: f64, latest: Option<&Measurement>) -> Option<f64> {
    let latest = latest?;
    let span = target - baseline;
    (span != 0.0).then(|| ((latest.value - baseline) / span * 1000.0).round() / 1000.0)
}

/// The progress of a strategy's `actions` on `today`; `lead_gone` holds the actions whose
/// lead is no longer an active (published) organization.
pub fn progress(
    strategy_id: &str,
    actions: &[Entry<ActionFields>],
    today: NaiveDate,
    lead_gone: &std::collections::HashSet<String>,
) -> Progress {
    let mut by_status = action_statuses();
    let mut leads: BTreeMap<Option<String>, LeadProgress> = BTreeMap::new();
    let mut overdue = Vec::new();
    let mut indicators = Vec::new();
    let mut without_active_lead = Vec::new();
    for action in actions {
        let fields = &action.fields;
        let open = !matches!(fields.status, ActionStatus::Done | ActionStatus::Dropped);
        if open && lead_gone.contains(&action.id) {
            without_active_lead.push(OpenAction {
                id: action.id.clone(),
                title: fields.title.clone(),
                status: fields.status,
            });
        }
        let late = fields.is_overdue(today);
        *by_status.entry(fields.status.as_str()).or_default() += 1;
        let lead = leads
            .entry(fields.lead_id.clone())
            .or_insert_with(|| LeadProgress {
                lead_id: fields.lead_id.clone(),
                actions: 0,
                by_status: action_statuses(),
                overdue: 0,
            });
        lead.actions += 1;
        *lead.by_status.entry(fields.status.as_str()).or_default() += 1;
        if late && let Some(due) = fields.due_date {
            lead.overdue += 1;
            overdue.push(OverdueAction {
                id: action.id.clone(),
                title: fields.title.clone(),
                lead_id: fields.lead_id.clone(),
                due_date: due,
                days_overdue: (today - due).num_days(),
                status: fields.status,
            });
        }
        for indicator in &fields.indicators {
            let latest = indicator.latest();
            indicators.push(IndicatorProgress {
                action_id: action.id.clone(),
                name: indicator.name.clone(),
                unit: indicator.unit.clone(),
                baseline: indicator.baseline,
                target: indicator.target,
                achieved: achieved(indicator.baseline, indicator.target, latest),
                latest: latest.cloned(),
            });
        }
    }
    let mut by_lead: Vec<LeadProgress> = leads.into_values().collect();
    by_lead.sort_by(|a, b| b.actions.cmp(&a.actions).then_with(|| a.lead_id.cmp(&b.lead_id)));
    overdue.sort_by(|a, b| b.days_overdue.cmp(&a.days_overdue).then_with(|| a.id.cmp(&b.id)));
    Progress {
        strategy_id: strategy_id.to_owned(),
        as_of: today,
        actions: actions.len() as u32,
        by_status,
        by_lead,
        overdue,
        indicators,
        without_active_lead,
    }
}

/// How many barriers weigh on a service.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceCount {
    /// The taxonomy code, as barriers name it.
    pub code: String,
    /// How many barriers name it.
    pub barriers: u32,
}

/// `GET /v1/barriers/summary`.
#[derive(Debug, Serialize, ToSchema)]
pub struct BarrierSummary {
    /// How many barriers the caller sees.
    pub barriers: u32,
    /// By level.
    #[schema(value_type = BTreeMap<String, u32>)]
    pub by_level: Counts,
    /// By theme.
    #[schema(value_type = BTreeMap<String, u32>)]
    pub by_theme: Counts,
    /// By status.
    #[schema(value_type = BTreeMap<String, u32>)]
    pub by_status: Counts,
    /// By service named, the most named first.
    pub by_service: Vec<ServiceCount>,
}

/// The summary of `barriers`.
pub fn summary(barriers: &[Entry<BarrierFields>]) -> BarrierSummary {
    let mut by_level = zeros(Level::ALL.iter().map(|l| l.as_str()));
    let mut by_theme = zeros(Theme::ALL.iter().map(|t| t.as_str()));
    let mut by_status = zeros(BarrierStatus::ALL.iter().map(|s| s.as_str()));
    let mut services: BTreeMap<&str, u32> = BTreeMap::new();
    for barrier in barriers {
        let fields = &barrier.fields;
        *by_level.entry(fields.level.as_str()).or_default() += 1;
        *by_theme.entry(fields.theme.as_str()).or_default() += 1;
        *by_status.entry(fields.status.as_str()).or_default() += 1;
        for code in &fields.services {
            *services.entry(code).or_default() += 1;
        }
    }
    let mut by_service: Vec<ServiceCount> = services
        .into_iter()
        .map(|(code, barriers)| ServiceCount {
            code: code.to_owned(),
            barriers,
        })
        .collect();
    by_service.sort_by(|a, b| b.barriers.cmp(&a.barriers).then_with(|| a.code.cmp(&b.code)));
    BarrierSummary {
        barriers: barriers.len() as u32,
        by_level,
        by_theme,
        by_status,
        by_service,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn achievement_runs_from_baseline_to_target() {
        let at = |value| Measurement {
            on: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
            value,
        };
        assert_eq!(achieved(10.0, 30.0, Some(&at(20.0))), Some(0.5));
        assert_eq!(achieved(10.0, 30.0, Some(&at(30.0))), Some(1.0));
        assert_eq!(
            achieved(50.0, 10.0, Some(&at(40.0))),
            Some(0.25),
            "a falling target"
        );
        assert_eq!(achieved(5.0, 5.0, Some(&at(5.0))), None);
        assert_eq!(achieved(0.0, 5.0, None), None);
    }
}
