//! The routes of each kind of organization record, and the organization's full view.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::items::{item_routes, visible_links, visible_via};
use super::organizations::{visible, visible_or_moved};
use crate::auth::guard::{Anyone, Auth, Insiders, Staff};
use crate::db::items::{self as stored, ItemStore};
use crate::db::{self, DbConnection, Pool, audit};
use crate::domain::fieldset::{DETAIL_PROPERTIES, Fieldset, ORGANIZATION_PROPERTIES};
use crate::domain::include::{ConsultationPart, Include, LedAction};
use crate::domain::items::{
    CapabilityFields, CertificationFields, ContactFields, Item, MarketFields, ParticipationFields,
    RelationshipFields,
};
use crate::domain::organization::Organization;
use crate::domain::visibility::Viewer;
use crate::error::ApiError;
use crate::http::etag;
use crate::http::pagination::{Page, PageQuery, PageRequest};

item_routes! {
    fields: CapabilityFields, tag: "capabilities", readers: Anyone,
    collection: "/v1/organizations/{id}/capabilities", member: "/v1/organizations/{id}/capabilities/{item_id}",
    what: "export capabilities",
    handlers: (list_capabilities, get_capability, create_capability, update_capability, delete_capability),
}

item_routes! {
    fields: MarketFields, tag: "markets", readers: Anyone,
    collection: "/v1/organizations/{id}/markets", member: "/v1/organizations/{id}/markets/{item_id}",
    what: "market presences",
    handlers: (list_markets, get_market, create_market, update_market, delete_market),
}

item_routes! {
    fields: CertificationFields, tag: "certifications", readers: Anyone,
    collection: "/v1/organizations/{id}/certifications", member: "/v1/organizations/{id}/certifications/{item_id}",
    what: "certifications (expired ones stay, marked `expired`)",
    handlers: (list_certifications, get_certification, create_certification, update_certification, delete_certification),
}

item_routes! {
    fields: ContactFields, tag: "contacts", readers: Insiders,
    collection: "/v1/organizations/{id}/contacts", member: "/v1/organizations/{id}/contacts/{item_id}",
    what: "contact people (personal data: never shown to partners)",
    handlers: (list_contacts, get_contact, create_contact, update_contact, delete_contact),
}

item_routes! {
    fields: RelationshipFields, tag: "relationships", readers: Anyone,
    collection: "/v1/organizations/{id}/relationships", member: "/v1/organizations/{id}/relationships/{item_id}",
    what: "relationships to other organizations",
    handlers: (list_relationships, get_relationship, create_relationship, update_relationship, delete_relationship),
}

item_routes! {
    fields: ParticipationFields, tag: "programmes", readers: Anyone,
    collection: "/v1/organizations/{id}/programmes", member: "/v1/organizations/{id}/programmes/{item_id}",
    what: "programme participations",
    handlers: (list_participations, get_participation, create_participation, update_participation, delete_participation),
}

/// An organization with everything reachable from it that the caller may see.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationDetail {
    /// The organization.
    #[serde(flatten)]
    pub organization: Organization,
    /// Its export capabilities.
    pub capabilities: Vec<Item<CapabilityFields>>,
    /// Its market presences.
    pub markets: Vec<Item<MarketFields>>,
    /// Its certifications, expired ones marked.
    pub certifications: Vec<Item<CertificationFields>>,
    /// Its relationships to other organizations.
    pub relationships: Vec<Item<RelationshipFields>>,
    /// Relationships other organizations have to it.
    pub related_from: Vec<Item<RelationshipFields>>,
    /// The programmes it takes part in.
    pub programmes: Vec<Item<ParticipationFields>>,
    /// With `include=contacts` (staff only): its contact people.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Vec<Item<ContactFields>>>,
    /// With `include=consultations`: the consultations it organized or took part in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consultations: Option<Vec<ConsultationPart>>,
    /// With `include=actions`: the strategy actions it leads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<LedAction>>,
}

/// What a read of one organization may add to it.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DetailQuery {
    /// Comma-separated: `capabilities`, `markets`, `certifications`, `relationships` and
    /// `programmes` are always there; `consultations` and `actions` add its parts in the
    /// export strategy; `contacts` adds the contact people, for staff only (a partner asking
    /// gets 403).
    #[param(example = "contacts")]
    pub include: Option<String>,
    /// Comma-separated properties to send (`id` always comes); the others are left out.
    #[param(example = "name,city,capabilities")]
    pub fields: Option<String>,
}

fn derived<F: ItemStore>(items: Vec<Item<F>>) -> Vec<Item<F>> {
    items.into_iter().map(Item::derive).collect()
}

fn detail(
    conn: &mut DbConnection,
    organization: Organization,
    viewer: Viewer,
    include: Include,
) -> Result<OrganizationDetail, ApiError> {
    let id = organization.id.clone();
    let (consultations, actions) = if include.consultations || include.actions {
        let mut parts = db::strategy_parts::of_organizations(conn, &[id.as_str()], viewer)?;
        let (consultations, actions) = parts.remove(&id).unwrap_or_default();
        (
            include.consultations.then_some(consultations),
            include.actions.then_some(actions),
        )
    } else {
        (None, None)
    };
    let outgoing = RelationshipFields::load(conn, &id)?;
    let outgoing = visible_links(conn, outgoing, viewer)?;
    let incoming = stored::relationships_to(conn, &id)?;
    let incoming = visible_via(conn, incoming, viewer, |r| Some(&r.organization_id))?;
    Ok(OrganizationDetail {
        capabilities: derived(CapabilityFields::load(conn, &id)?),
        markets: derived(MarketFields::load(conn, &id)?),
        certifications: derived(CertificationFields::load(conn, &id)?),
        relationships: derived(outgoing),
        related_from: derived(incoming),
        programmes: derived(ParticipationFields::load(conn, &id)?),
        contacts: match include.contacts && viewer.sees_contacts() {
            true => Some(derived(ContactFields::load(conn, &id)?)),
            false => None,
        },
        consultations,
        actions,
        organization: organization.for_viewer(viewer),
    })
}

/// Reads an organization with its capabilities, markets, certifications, relationships (both
/// ways) and programmes. Partners get published organizations only (others are 404) and no
/// internal fields. `If-None-Match` answers 304. An organization merged into another answers
/// `301` with the survivor's address.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Id or slug"),
        ("If-None-Match" = Option<String>, Header, description = "An ETag you hold"),
        DetailQuery,
    ),
    responses(
        (status = 200, description = "The organization", body = OrganizationDetail, headers(("ETag" = String))),
        (status = 301, description = "Merged into the organization at Location", headers(("Location" = String))),
        (status = 304, description = "Your copy is current"),
        (status = 400, description = "An unknown parameter or `include` value"),
        (status = 404, description = "No such organization (or not visible to you)"),
    )
)]
#[get("/v1/organizations/{id}")]
pub async fn get_organization(
    auth: Auth<Anyone>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    query: web::Query<DetailQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut fields = None;
    if let Some(names) = &query.fields {
        Fieldset::add(&mut fields, names, &[ORGANIZATION_PROPERTIES, DETAIL_PROPERTIES])?;
    }
    let (organization, viewer) = match visible_or_moved(&pool, id.into_inner(), &auth.caller).await? {
        Ok(found) => found,
        Err(survivor) => {
            let query = req.query_string();
            let location = match query.is_empty() {
                true => format!("/v1/organizations/{survivor}"),
                false => format!("/v1/organizations/{survivor}?{query}"),
            };
            return Ok(HttpResponse::MovedPermanently()
                .insert_header(("Location", location))
                .finish());
        }
    };
    // As this organization is seen: a representative may read its own contacts.
    let include = Include::parse(query.include.as_deref(), viewer)?;
    // The body shows linked organizations and certificates' `expired` flags, which change
    // without the version: the tag covers the body.
    let tag = etag::tag(organization.version, viewer);
    let detail = db::run(&pool, move |conn| detail(conn, organization, viewer, include)).await?;
    etag::json_with_version(&req, &tag, &Fieldset::shape(fields.as_ref(), &detail)?)
}

/// One change in a history.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    /// Order of the change; pass the last one as `cursor` for the next page.
    pub position: i64,
    /// When it happened.
    pub occurred_at: chrono::DateTime<chrono::Utc>,
    /// Who made it: a user or API key id.
    pub actor_id: String,
    /// `user` or `api_key`.
    pub actor_kind: String,
    /// organization, capability, market, certification, contact, relationship, participation,
    /// buyer_request, buyer_match.
    pub entity_kind: String,
    /// The changed record's id.
    pub entity_id: String,
    /// created, updated, deleted, submitted, published, unpublished, archived, verified.
    pub action: String,
    /// The record before the change (absent on creation).
    pub before: Option<serde_json::Value>,
    /// The record after the change (absent on deletion).
    pub after: Option<serde_json::Value>,
    /// The spreadsheet import that made the change, if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import_id: Option<String>,
}

impl TryFrom<audit::EventRow> for HistoryEntry {
    type Error = ApiError;

    fn try_from(row: audit::EventRow) -> Result<Self, ApiError> {
        let state = |s: Option<String>| {
            s.map(|s| serde_json::from_str(&s))
                .transpose()
                .map_err(ApiError::internal)
        };
        Ok(HistoryEntry {
            position: row.position,
            occurred_at: row.occurred_at.and_utc(),
            actor_id: row.actor_id,
            actor_kind: row.actor_kind,
            entity_kind: row.entity_kind,
            entity_id: row.entity_id,
            action: row.action,
            before: state(row.before_state)?,
            after: state(row.after_state)?,
            import_id: row.import_id,
        })
    }
}

/// The history of an organization and its records, oldest first: who changed what, when,
/// with the states before and after. Curators, agency and admins.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Id or slug"), PageQuery),
    responses(
        (status = 200, description = "A page of changes", body = Page<HistoryEntry>),
        (status = 400, description = "Bad limit or cursor"),
        (status = 404, description = "No such organization"),
    )
)]
#[get("/v1/organizations/{id}/history")]
pub async fn organization_history(
    auth: Auth<Staff>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.validate()?;
    let after = page.after_position()?;
    let organization = visible(&pool, id.into_inner(), auth.caller.viewer()).await?;
    let fetch = page.fetch();
    let rows = db::run(&pool, move |conn| {
        let mut ids = db::merges::absorbed(conn, &organization.id)?;
        ids.push(organization.id);
        audit::of_organization(conn, &ids, after, fetch)
    })
    .await?;
    history_page(&page, rows)
}

/// A page of a history, from the events read for it (one more than the page, if any follow).
pub fn history_page(page: &PageRequest, rows: Vec<audit::EventRow>) -> Result<HttpResponse, ApiError> {
    let entries: Vec<HistoryEntry> = rows
        .into_iter()
        .map(HistoryEntry::try_from)
        .collect::<Result<_, _>>()?;
    Ok(HttpResponse::Ok().json(page.page(entries, |e| e.position.to_string(), |e| e)))
}
