//! What organizations are to the export strategy: the consultations they organized or took
//! part in, the actions they lead. For `include=consultations,actions`.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;

use super::DbConnection;
use super::schema::{strategy_entries as e, strategy_links as l};
use crate::domain::include::{ConsultationPart, LedAction};
use crate::domain::strategy::consultation::ConsultationFields;
use crate::domain::strategy::{EntryKind, LinkKind, Visibility};
use crate::domain::visibility::Viewer;
use crate::error::ApiError;

/// Each organization's parts in consultations and the actions it leads, among the entries
/// `viewer` may read (an action also needs its strategy readable), in the order entries were
/// recorded.
#[allow(clippy::type_complexity)]
pub fn of_organizations(
    conn: &mut DbConnection,
    organizations: &[&str],
    viewer: Viewer,
) -> Result<HashMap<String, (Vec<ConsultationPart>, Vec<LedAction>)>, ApiError> {
    let mut out: HashMap<String, (Vec<ConsultationPart>, Vec<LedAction>)> = HashMap::new();
    let links = [LinkKind::Organizer, LinkKind::Participant, LinkKind::Lead].map(LinkKind::as_str);
    let mut query = e::table
        .inner_join(l::table)
        .filter(l::link.eq_any(links))
        .filter(l::target.eq_any(organizations))
        .select((l::target, l::link, e::id, e::kind, e::strategy_id, e::body))
        .order((e::id, l::link))
        .into_boxed();
    if !viewer.sees_internal() {
        query = query.filter(e::visibility.eq(Visibility::Published.as_str()));
    }
    let rows: Vec<(String, String, String, String, Option<String>, String)> = query.load(conn)?;
    let strategies: Vec<&str> = rows.iter().filter_map(|r| r.4.as_deref()).collect();
    let mut readable = e::table
        .filter(e::id.eq_any(&strategies))
        .select(e::id)
        .into_boxed();
    if !viewer.sees_internal() {
        readable = readable.filter(e::visibility.eq(Visibility::Published.as_str()));
    }
    let readable: HashSet<String> = readable.load::<String>(conn)?.into_iter().collect();
    for (organization, link, id, kind, strategy_id, body) in rows {
        let (parts, led) = out.entry(organization.clone()).or_default();
        if kind == EntryKind::Action.as_str() {
            if let Some(strategy_id) = strategy_id.filter(|s| readable.contains(s)) {
                led.push(LedAction {
                    action_id: id,
                    strategy_id,
                });
            }
            continue;
        }
        let fields: ConsultationFields = serde_json::from_str(&body).map_err(ApiError::internal)?;
        if link == LinkKind::Organizer.as_str() {
            for organizer in fields
                .organizers
                .iter()
                .filter(|o| o.organization_id == organization)
            {
                parts.push(ConsultationPart {
                    consultation_id: id.clone(),
                    part: "organizer",
                    role: Some(organizer.role.as_str().into()),
                });
            }
        } else {
            let role = fields
                .participants
                .iter()
                .find(|p| p.organization_id == organization)
                .and_then(|p| p.role.clone());
            parts.push(ConsultationPart {
                consultation_id: id,
                part: "participant",
                role,
            });
        }
    }
    Ok(out)
}

/// The actions of `strategy_id` whose lead is no longer active: archived, or not published.
pub fn lead_gone(conn: &mut DbConnection, strategy_id: &str) -> Result<HashSet<String>, ApiError> {
    let leads: Vec<(String, Option<String>)> = e::table
        .filter(e::strategy_id.eq(strategy_id))
        .filter(e::lead_id.is_not_null())
        .select((e::id, e::lead_id))
        .load(conn)?;
    let ids: Vec<&str> = leads.iter().filter_map(|(_, lead)| lead.as_deref()).collect();
    let statuses = super::organizations::statuses(conn, &ids)?;
    Ok(leads
        .into_iter()
        .filter(|(_, lead)| {
            lead.as_ref()
                .is_some_and(|lead| statuses.get(lead) != Some(&crate::domain::vocab::Status::Published))
        })
        .map(|(id, _)| id)
        .collect())
}
