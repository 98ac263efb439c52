//! Consultations of the sector: who convened them, who took part, what they were for.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    EntryFields, EntryKind, Link, LinkKind, Projection, Sight, Visibility, both, check_date, check_notes,
    search_text,
};
use crate::domain::organization::Bilingual;
use crate::domain::reference::Reference;
use crate::domain::validation::{Violations, text};
use crate::domain::vocab::vocabulary;

vocabulary! {
    /// Where in the strategy's making a consultation stands.
    Stage {
        /// Finding what holds the sector back.
        Diagnostic => "diagnostic",
        /// Validating a diagnostic and defining the action plan.
        Validation => "validation",
        /// Following the plan's progress.
        FollowUp => "follow_up",
        /// Anything else.
        Other => "other",
    }
}

vocabulary! {
    /// Whether a consultation took place.
    ConsultationStatus {
        /// Announced, not yet held.
        Planned => "planned",
        /// Held.
        Held => "held",
        /// Called off.
        Cancelled => "cancelled",
    }
}

vocabulary! {
    /// How precisely the dates are known: a consultation planned for "September" has month
    /// precision, its dates spanning the month.
    DatePrecision {
        /// The days are known.
        Day => "day",
        /// Only the month is known.
        Month => "month",
    }
}

vocabulary! {
    /// The part an organizer played.
    OrganizerRole {
        /// Called the consultation.
        Convener => "convener",
        /// Organized it with the conveners.
        CoOrganizer => "co_organizer",
        /// Under whose aegis it was held.
        UnderTheAegisOf => "under_the_aegis_of",
        /// Ran the sessions.
        Facilitator => "facilitator",
    }
}

/// An organizer: an organization of the directory and its part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Organizer {
    /// The organization's id.
    pub organization_id: String,
    /// Its part.
    pub role: OrganizerRole,
}

/// A participant listed by name: an organization of the directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    /// The organization's id.
    pub organization_id: String,
    /// How it took part (speaker, panelist, …), up to 100 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// Participants not listed one by one, counted by kind (absent: not known).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnlistedParticipants {
    /// Firms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firms: Option<u32>,
    /// Public bodies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_bodies: Option<u32>,
    /// Associations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub associations: Option<u32>,
    /// Experts attending in their own name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experts: Option<u32>,
}

/// The fields of a consultation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": {"en": "Second consultation of the IT/BPO sector"}, "stage": "validation", "status": "planned", "starts_on": "2018-09-01", "ends_on": "2018-09-30", "date_precision": "month", "place": "Dakar"}))]
pub struct ConsultationFields {
    /// Title, French and/or English, up to 300 characters each.
    pub title: Bilingual,
    /// What it was for and what came of it, up to 5,000 characters each.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Bilingual>,
    /// Its stage in the strategy's making.
    pub stage: Stage,
    /// Whether it took place (default `planned`).
    #[serde(default = "planned")]
    pub status: ConsultationStatus,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day, if not the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_on: Option<NaiveDate>,
    /// How precisely the dates are known (default `day`).
    #[serde(default = "day")]
    pub date_precision: DatePrecision,
    /// Where, up to 200 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// The programme it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub programme_id: Option<String>,
    /// Who organized it, at most 50.
    #[serde(default)]
    pub organizers: Vec<Organizer>,
    /// Participants listed by name, at most 2,000.
    #[serde(default)]
    pub participants: Vec<Participant>,
    /// Participants counted, not listed.
    #[serde(default)]
    pub unlisted_participants: UnlistedParticipants,
    /// Who may read it (new consultations start as `draft`).
    #[serde(default)]
    pub visibility: Visibility,
    /// Staff only, up to 5,000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_notes: Option<String>,
}

fn planned() -> ConsultationStatus {
    ConsultationStatus::Planned
}

fn day() -> DatePrecision {
    DatePrecision::Day
}

impl EntryFields for ConsultationFields {
    const KIND: EntryKind = EntryKind::Consultation;

    fn check(&self, _reference: &Reference, v: &mut Violations) {
        self.title.check("title", 300, v);
        if let Some(summary) = &self.summary {
            summary.check("summary", 5000, v);
        }
        check_date("starts_on", Some(self.starts_on), v);
        check_date("ends_on", self.ends_on, v);
        if self.ends_on.is_some_and(|end| end < self.starts_on) {
            v.add("ends_on", "must not be before starts_on");
        }
        if let Some(place) = &self.place {
            v.check("place", text(place, 1, 200));
        }
        if self.organizers.len() > 50 {
            v.add("organizers", "must list at most 50");
        }
        if self.participants.len() > 2000 {
            v.add("participants", "must list at most 2000");
        }
        let mut seen = std::collections::HashSet::new();
        for (i, organizer) in self.organizers.iter().enumerate() {
            if !seen.insert((&organizer.organization_id, organizer.role)) {
                v.add(&format!("organizers[{i}]"), "is listed twice");
            }
        }
        let mut seen = std::collections::HashSet::new();
        for (i, participant) in self.participants.iter().enumerate() {
            if !seen.insert(&participant.organization_id) {
                v.add(&format!("participants[{i}]"), "is listed twice");
            }
            if let Some(role) = &participant.role {
                v.check(&format!("participants[{i}].role"), text(role, 1, 100));
            }
        }
        let counts = &self.unlisted_participants;
        for (field, count) in [
            ("firms", counts.firms),
            ("public_bodies", counts.public_bodies),
            ("associations", counts.associations),
            ("experts", counts.experts),
        ] {
            if count.is_some_and(|count| count > 100_000) {
                v.add(
                    &format!("unlisted_participants.{field}"),
                    "must be at most 100000",
                );
            }
        }
        check_notes(self.internal_notes.as_deref(), v);
    }

    fn visibility(&self) -> Visibility {
        self.visibility
    }

    fn project(&self) -> Projection {
        let mut links: Vec<Link> = Vec::new();
        links.extend(self.programme_id.iter().map(|id| Link {
            kind: LinkKind::Programme,
            target: id.clone(),
            field: "programme_id".into(),
        }));
        for (i, organizer) in self.organizers.iter().enumerate() {
            links.push(Link {
                kind: LinkKind::Organizer,
                target: organizer.organization_id.clone(),
                field: format!("organizers[{i}].organization_id"),
            });
        }
        for (i, participant) in self.participants.iter().enumerate() {
            links.push(Link {
                kind: LinkKind::Participant,
                target: participant.organization_id.clone(),
                field: format!("participants[{i}].organization_id"),
            });
        }
        let [title_fr, title_en] = both(Some(&self.title));
        let [summary_fr, summary_en] = both(self.summary.as_ref());
        Projection {
            status: self.status.as_str().into(),
            level: Some(self.stage.as_str().into()),
            search_text: search_text([title_fr, title_en, summary_fr, summary_en, self.place.as_deref()]),
            links,
            ..Projection::default()
        }
    }

    fn redact(&mut self, sight: &dyn Sight) {
        if !sight.sees_internal() {
            self.internal_notes = None;
        }
        self.organizers
            .retain(|o| sight.sees(LinkKind::Organizer, &o.organization_id));
        self.participants
            .retain(|p| sight.sees(LinkKind::Participant, &p.organization_id));
    }
}
