//! `include=`: the records a read carries inside each organization, so that a mirror learns
//! what every firm can export in one pass instead of one request per firm.

use serde::Serialize;
use utoipa::ToSchema;

use super::items::{
    CapabilityFields, CertificationFields, ContactFields, Item, MarketFields, ParticipationFields,
    RelationshipFields,
};
use super::visibility::Viewer;
use crate::error::ApiError;

/// The kinds of record a read includes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Include {
    /// Export capabilities.
    pub capabilities: bool,
    /// Market presences.
    pub markets: bool,
    /// Certifications, expired ones marked.
    pub certifications: bool,
    /// Relationships to organizations the caller may see.
    pub relationships: bool,
    /// Programme participations.
    pub programmes: bool,
    /// Contact people: personal data, for staff only.
    pub contacts: bool,
    /// The consultations it organized or took part in.
    pub consultations: bool,
    /// The strategy actions it leads.
    pub actions: bool,
}

/// The values `include` takes, as the documentation lists them.
pub const INCLUDE_VALUES: &str = "capabilities, markets, certifications, relationships, programmes, consultations, actions, contacts (staff only)";

impl Include {
    /// Adds the comma-separated kinds of `value`; the parameter may repeat. Contacts are
    /// refused to callers who may not read them, rather than silently left out.
    pub fn add(&mut self, value: &str, viewer: Viewer) -> Result<(), ApiError> {
        for name in value.split(',').map(str::trim) {
            match name {
                "capabilities" => self.capabilities = true,
                "markets" => self.markets = true,
                "certifications" => self.certifications = true,
                "relationships" => self.relationships = true,
                "programmes" => self.programmes = true,
                "consultations" => self.consultations = true,
                "actions" => self.actions = true,
                "contacts" if viewer.sees_contacts() => self.contacts = true,
                "contacts" => return Err(ApiError::Forbidden),
                _ => {
                    return Err(ApiError::BadRequest(format!(
                        "parameter `include`: must be a comma-separated list of {INCLUDE_VALUES}"
                    )));
                }
            }
        }
        Ok(())
    }

    /// Parses an optional `include` value.
    pub fn parse(value: Option<&str>, viewer: Viewer) -> Result<Self, ApiError> {
        let mut include = Include::default();
        if let Some(value) = value {
            include.add(value, viewer)?;
        }
        Ok(include)
    }

    /// Whether no record is asked for.
    pub fn is_empty(self) -> bool {
        self == Include::default()
    }
}

/// The records of an organization that `include` asked for; the others are absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Records {
    /// With `include=capabilities`: its export capabilities.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<Vec<Item<CapabilityFields>>>,
    /// With `include=markets`: its market presences.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub markets: Option<Vec<Item<MarketFields>>>,
    /// With `include=certifications`: its certifications, expired ones marked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certifications: Option<Vec<Item<CertificationFields>>>,
    /// With `include=relationships`: its relationships to organizations the caller may see.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relationships: Option<Vec<Item<RelationshipFields>>>,
    /// With `include=programmes`: the programmes it takes part in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub programmes: Option<Vec<Item<ParticipationFields>>>,
    /// With `include=contacts` (staff only): its contact people.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Vec<Item<ContactFields>>>,
    /// With `include=consultations`: the consultations it organized or took part in, that
    /// the caller may read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consultations: Option<Vec<ConsultationPart>>,
    /// With `include=actions`: the strategy actions it leads, that the caller may read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<LedAction>>,
}

/// An organization's part in a consultation.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ConsultationPart {
    /// The consultation.
    pub consultation_id: String,
    /// `organizer` or `participant`.
    pub part: &'static str,
    /// The organizer's role (`convener`, …) or the participant's, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// A strategy action an organization leads.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct LedAction {
    /// The action.
    pub action_id: String,
    /// Its strategy.
    pub strategy_id: String,
}

impl Records {
    /// Appends these records to a stored organization's JSON object, which is not parsed.
    pub fn splice_into(&self, mut organization: String) -> Result<String, ApiError> {
        let records = serde_json::to_string(self).map_err(ApiError::internal)?;
        if records.len() > 2 && organization.ends_with('}') {
            organization.pop();
            if !organization.ends_with('{') {
                organization.push(',');
            }
            organization.push_str(&records[1..]);
        }
        Ok(organization)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::role::Role;

    #[test]
    fn kinds_are_comma_separated_and_contacts_are_for_staff() {
        let partner = Viewer::new(Role::Partner);
        let include = Include::parse(Some("capabilities, markets"), partner).unwrap();
        assert!(include.capabilities && include.markets && !include.contacts);
        assert!(matches!(
            Include::parse(Some("contacts"), partner),
            Err(ApiError::Forbidden)
        ));
        assert!(
            Include::parse(Some("contacts"), Viewer::new(Role::Curator))
                .unwrap()
                .contacts
        );
        assert!(matches!(
            Include::parse(Some("capability"), partner),
            Err(ApiError::BadRequest(_))
        ));
        assert!(Include::parse(None, partner).unwrap().is_empty());
    }

    #[test]
    fn nothing_included_leaves_the_stored_json_as_it_is() {
        let stored = r#"{"id":"a"}"#.to_owned();
        assert_eq!(Records::default().splice_into(stored.clone()).unwrap(), stored);
        let records = Records {
            markets: Some(Vec::new()),
            ..Records::default()
        };
        assert_eq!(records.splice_into(stored).unwrap(), r#"{"id":"a","markets":[]}"#);
    }
}
