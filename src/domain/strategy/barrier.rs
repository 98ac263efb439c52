//! Barriers to the sector's export competitiveness, as consultations found them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::themes::Theme;
use super::{
    EntryFields, EntryKind, LinkKind, Projection, Sight, Visibility, both, check_list, check_notes, links,
    search_text,
};
use crate::domain::organization::Bilingual;
use crate::domain::reference::Reference;
use crate::domain::validation::Violations;
use crate::domain::vocab::vocabulary;

vocabulary! {
    /// Where a barrier sits.
    Level {
        /// Within the firms themselves.
        Firm => "firm",
        /// In the institutional ecosystem around them.
        Institutional => "institutional",
        /// In the regulatory and legal framework.
        Regulatory => "regulatory",
    }
}

vocabulary! {
    /// How much a barrier holds the sector back.
    Severity {
        /// A nuisance.
        Low => "low",
        /// A real cost.
        Medium => "medium",
        /// A serious obstacle.
        High => "high",
        /// Blocks exports outright.
        Critical => "critical",
    }
}

vocabulary! {
    /// Where a barrier stands.
    BarrierStatus {
        /// Raised.
        Identified => "identified",
        /// Confirmed by a validation.
        Validated => "validated",
        /// Actions are under way.
        BeingAddressed => "being_addressed",
        /// Lifted.
        Resolved => "resolved",
        /// Set aside.
        Dropped => "dropped",
    }
}

/// The fields of a barrier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"statement": {"fr": "Coût élevé de la bande passante internationale", "en": "High cost of international bandwidth"}, "level": "institutional", "theme": "connectivity", "services": ["bpo"], "severity": "high"}))]
pub struct BarrierFields {
    /// What holds the sector back, French and/or English, up to 2,000 characters each.
    pub statement: Bilingual,
    /// Where it sits.
    pub level: Level,
    /// What it is about (labels at `/v1/barrier-themes`).
    pub theme: Theme,
    /// Taxonomy codes of the services it weighs on (categories allowed), at most 50.
    #[serde(default)]
    pub services: Vec<String>,
    /// Ids of the consultations where it was raised, at most 50.
    #[serde(default)]
    pub consultations: Vec<String>,
    /// How much it holds the sector back (default `medium`).
    #[serde(default = "medium")]
    pub severity: Severity,
    /// Where it stands (default `identified`).
    #[serde(default = "identified")]
    pub status: BarrierStatus,
    /// Who may read it (new barriers start as `draft`).
    #[serde(default)]
    pub visibility: Visibility,
    /// Staff only, up to 5,000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_notes: Option<String>,
}

fn medium() -> Severity {
    Severity::Medium
}

fn identified() -> BarrierStatus {
    BarrierStatus::Identified
}

impl EntryFields for BarrierFields {
    const KIND: EntryKind = EntryKind::Barrier;

    fn check(&self, reference: &Reference, v: &mut Violations) {
        self.statement.check("statement", 2000, v);
        check_list("services", &self.services, 50, v);
        for (i, code) in self.services.iter().enumerate() {
            v.check(&format!("services[{i}]"), reference.service(code));
        }
        check_list("consultations", &self.consultations, 50, v);
        check_notes(self.internal_notes.as_deref(), v);
    }

    fn visibility(&self) -> Visibility {
        self.visibility
    }

    fn project(&self) -> Projection {
        let [fr, en] = both(Some(&self.statement));
        Projection {
            status: self.status.as_str().into(),
            level: Some(self.level.as_str().into()),
            theme: Some(self.theme.as_str().into()),
            priority: Some(self.severity.as_str().into()),
            search_text: search_text([fr, en]),
            links: links(LinkKind::Service, "services", &self.services)
                .chain(links(
                    LinkKind::Consultation,
                    "consultations",
                    &self.consultations,
                ))
                .collect(),
            ..Projection::default()
        }
    }

    fn redact(&mut self, sight: &dyn Sight) {
        if !sight.sees_internal() {
            self.internal_notes = None;
        }
        self.consultations
            .retain(|id| sight.sees(LinkKind::Consultation, id));
    }
}
