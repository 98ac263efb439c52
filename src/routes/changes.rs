//! The change feed partner portals mirror the directory from.

use std::collections::{HashMap, HashSet};

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::{IntoParams, ToSchema};

use crate::auth::guard::{Anyone, Auth};
use crate::db::{self, DbConnection, Pool, audit, items, representations};
use crate::domain::include::Include;
use crate::domain::organization::Organization;
use crate::domain::visibility::Viewer;
use crate::error::ApiError;
use crate::http::etag;

/// Paging of the feed.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChangesQuery {
    /// The `next_after` of the previous page; 0 (the default) replays the whole history.
    #[param(minimum = 0, example = 0)]
    pub after: Option<i64>,
    /// Events read per page, 1 to 1000 (default 200).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    /// Records to carry inside each live organization, comma-separated: `capabilities`,
    /// `markets`, `certifications`, `relationships`, `programmes`, and `contacts` for staff (a
    /// partner asking gets 403). With every kind, one pass from 0 mirrors everything the
    /// caller may see.
    #[param(example = "capabilities,markets,certifications,relationships,programmes")]
    pub include: Option<String>,
}

/// One organization's latest change, as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Change {
    /// Position of the change in the feed.
    pub position: i64,
    /// The organization concerned.
    pub organization_id: String,
    /// What last happened to it or its records: created, updated, published, unpublished,
    /// archived, verified, deleted (records), …
    pub action: String,
    /// `true` when the organization has left the caller's view: remove it from a mirror.
    pub tombstone: bool,
    /// Its current representation (none on a tombstone).
    #[schema(value_type = Option<Organization>)]
    pub organization: Option<Box<RawValue>>,
    /// On an organization merged into another (a tombstone for partners, archived for staff):
    /// the survivor's id, when the caller sees it; its own change is in the feed too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<String>,
}

/// A page of the feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Changes {
    /// Changes in position order, the latest per organization within the page.
    pub items: Vec<Change>,
    /// Pass as `after` for the next page (the same value when nothing followed).
    pub next_after: i64,
    /// Whether more changes follow now.
    pub has_more: bool,
}

/// The change feed: every change to an organization the caller may see, or did see, in
/// position order. Live organizations come with their current representation; those that
/// left the caller's view (unpublished, archived, for partners) come as tombstones. Applying
/// the feed from `after=0` to an empty mirror reproduces exactly the set the caller can list.
/// An ETag lets a poller get 304 while nothing changed.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(ChangesQuery),
    responses(
        (status = 200, description = "A page of changes", body = Changes, headers(("ETag" = String))),
        (status = 304, description = "Nothing new"),
        (status = 400, description = "Bad after or limit"),
    )
)]
#[get("/v1/changes")]
pub async fn changes(
    auth: Auth<Anyone>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    query: web::Query<ChangesQuery>,
) -> Result<HttpResponse, ApiError> {
    let after = query.after.unwrap_or(0);
    let limit = query.limit.unwrap_or(200);
    if after < 0 || !(1..=1000).contains(&limit) {
        return Err(ApiError::BadRequest(
            "`after` must be 0 or more, `limit` between 1 and 1000".into(),
        ));
    }
    let viewer = auth.caller.viewer();
    let include = Include::parse(query.include.as_deref(), viewer)?;
    let page = db::run(&pool, move |conn| read_page(conn, viewer, include, after, limit)).await?;
    etag::json_with_digest(&req, &page)
}

/// The page after `after`: each organization's latest event in it, in position order, with
/// the organization as `viewer` may see it now.
fn read_page(
    conn: &mut DbConnection,
    viewer: Viewer,
    include: Include,
    after: i64,
    limit: i64,
) -> Result<Changes, ApiError> {
    let mut events = audit::organization_events(conn, after, limit + 1)?;
    let has_more = events.len() as i64 > limit;
    events.truncate(limit as usize);
    let next_after = events.last().map_or(after, |(position, _, _)| *position);
    let events = latest_per_organization(events);
    let ids: Vec<&str> = events.iter().map(|(_, id, _)| id.as_str()).collect();
    let mut visible: HashMap<String, String> = HashMap::new();
    let mut archived: HashSet<String> = HashSet::new();
    for stored in representations::read(conn, &ids, viewer)? {
        if stored.status == crate::domain::vocab::Status::Archived {
            archived.insert(stored.id.clone());
        }
        if viewer.sees(stored.status) {
            visible.insert(stored.id, stored.json);
        }
    }
    let live: Vec<&str> = visible.keys().map(String::as_str).collect();
    let mut records = items::records_of(conn, &live, include, viewer)?;
    let once_seen = if viewer.sees_internal() {
        Vec::new()
    } else {
        let hidden: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|id| !visible.contains_key(*id))
            .collect();
        audit::ever_published(conn, &hidden)?
    };
    let mut survivors = merged_into(conn, viewer, &ids, &visible, &archived)?;
    let mut items = Vec::with_capacity(events.len());
    for (position, id, action) in events {
        let organization = match visible.remove(&id) {
            Some(stored) => Some(records.remove(&id).unwrap_or_default().splice_into(stored)?),
            None => None,
        };
        let tombstone = organization.is_none();
        // A record the caller never saw is not news to them, not even as a tombstone.
        if tombstone && !viewer.sees_internal() && !once_seen.contains(&id) {
            continue;
        }
        let merged_into = survivors.remove(&id);
        items.push(Change {
            merged_into,
            position,
            organization_id: id,
            action,
            tombstone,
            organization: organization
                .map(RawValue::from_string)
                .transpose()
                .map_err(ApiError::internal)?,
        });
    }
    Ok(Changes {
        items,
        next_after,
        has_more,
    })
}

/// Of these organizations, those merged into one the viewer sees, with its id: only archived
/// ones and those the viewer no longer sees can have been merged.
fn merged_into(
    conn: &mut DbConnection,
    viewer: Viewer,
    ids: &[&str],
    visible: &HashMap<String, String>,
    archived: &HashSet<String>,
) -> Result<std::collections::BTreeMap<String, String>, ApiError> {
    let maybe: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| archived.contains(*id) || !visible.contains_key(*id))
        .collect();
    let mut survivors = db::merges::survivors(conn, &maybe)?;
    if !survivors.is_empty() {
        let targets: Vec<&str> = survivors.values().map(String::as_str).collect();
        let statuses = db::organizations::statuses(conn, &targets)?;
        survivors.retain(|_, into| statuses.get(into).is_some_and(|status| viewer.sees(*status)));
    }
    Ok(survivors)
}

/// The last event of each organization among `events`, still in position order: a mirror
/// needs only what an organization is now.
fn latest_per_organization(mut events: Vec<audit::OrganizationEvent>) -> Vec<audit::OrganizationEvent> {
    let mut seen = HashSet::with_capacity(events.len());
    events.reverse();
    events.retain(|(_, id, _)| seen.insert(id.clone()));
    events.reverse();
    events
}
