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
use crate::domain::strategy::EntryKind;
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
    /// What the feed carries, comma-separated: `organization` (the default: organizations
    /// and their records), and the export strategy's `consultation`, `barrier`, `strategy`,
    /// `action`; `all` for every kind. Each event says its `kind`.
    #[param(example = "organization,consultation,barrier,strategy,action")]
    pub kinds: Option<String>,
}

/// The kinds of change a feed request asks for.
struct Kinds {
    organizations: bool,
    entries: Vec<EntryKind>,
}

impl Kinds {
    fn parse(value: Option<&str>) -> Result<Kinds, ApiError> {
        let Some(value) = value else {
            return Ok(Kinds {
                organizations: true,
                entries: Vec::new(),
            });
        };
        let mut kinds = Kinds {
            organizations: false,
            entries: Vec::new(),
        };
        for word in value.split(',').map(str::trim) {
            match word {
                "organization" => kinds.organizations = true,
                "all" => {
                    kinds.organizations = true;
                    kinds.entries = EntryKind::ALL.to_vec();
                }
                other => match other.parse::<EntryKind>() {
                    Ok(kind) if !kinds.entries.contains(&kind) => kinds.entries.push(kind),
                    Ok(_) => {}
                    Err(_) => {
                        return Err(ApiError::BadRequest(format!(
                            "parameter `kinds`: `{other}` is none of organization, consultation, barrier, strategy, action, all"
                        )));
                    }
                },
            }
        }
        Ok(kinds)
    }
}

/// One organization's or strategy entry's latest change, as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Change {
    /// Position of the change in the feed.
    pub position: i64,
    /// What changed: `organization` (the organization or one of its records), or a
    /// strategy entry's kind (`consultation`, `barrier`, `strategy`, `action`).
    pub kind: &'static str,
    /// The organization concerned (organization changes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// The entry concerned (strategy changes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry_id: Option<String>,
    /// What last happened to it or its records: created, updated, published, unpublished,
    /// archived, verified, deleted (records), …
    pub action: String,
    /// `true` when the organization or entry has left the caller's view (unpublished,
    /// archived, deleted): remove it from a mirror.
    pub tombstone: bool,
    /// Organization changes: its current representation (null on a tombstone).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Organization>)]
    pub organization: Option<Option<Box<RawValue>>>,
    /// Strategy changes: the entry as `GET` of it answers (absent on a tombstone).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub entry: Option<Box<RawValue>>,
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
/// position order (with `kinds`, to the export strategy's entries too). Live organizations come with their current representation; those that
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
    let kinds = Kinds::parse(query.kinds.as_deref())?;
    let page = db::run(&pool, move |conn| {
        read_page(conn, viewer, include, &kinds, after, limit)
    })
    .await?;
    etag::json_with_digest(&req, &page)
}

/// The page after `after`: each organization's and entry's latest event in it, in position
/// order, with the organization or entry as `viewer` may see it now.
fn read_page(
    conn: &mut DbConnection,
    viewer: Viewer,
    include: Include,
    kinds: &Kinds,
    after: i64,
    limit: i64,
) -> Result<Changes, ApiError> {
    let entry_kinds: Vec<&str> = kinds.entries.iter().map(|k| k.as_str()).collect();
    let mut events = audit::feed_events(conn, after, limit + 1, kinds.organizations, &entry_kinds)?;
    let has_more = events.len() as i64 > limit;
    events.truncate(limit as usize);
    let next_after = events.last().map_or(after, |event| event.position);
    let events = latest_of_each(events);
    let organizations: Vec<&str> = events
        .iter()
        .filter_map(|e| e.organization_id.as_deref())
        .collect();
    let mut changed = organization_changes(conn, viewer, include, &organizations)?;
    let wanted: Vec<(EntryKind, &str)> = events
        .iter()
        .filter(|e| e.organization_id.is_none())
        .filter_map(|e| Some((e.entity_kind.parse().ok()?, e.entity_id.as_str())))
        .collect();
    let mut entries = crate::routes::strategy::feed_entries(conn, viewer, &wanted)?;
    let hidden: Vec<&str> = wanted
        .iter()
        .map(|(_, id)| *id)
        .filter(|id| !entries.contains_key(*id))
        .collect();
    let once_public = if viewer.sees_internal() || hidden.is_empty() {
        HashSet::new()
    } else {
        audit::ever_public(conn, &hidden)?
    };
    let mut items = Vec::with_capacity(events.len());
    for event in events {
        let audit::FeedEvent {
            position,
            organization_id,
            entity_kind,
            entity_id,
            action,
        } = event;
        if let Some(id) = organization_id {
            let Some((organization, merged_into)) = changed.remove(&id) else {
                continue;
            };
            items.push(Change {
                position,
                kind: "organization",
                tombstone: organization.is_none(),
                organization_id: Some(id),
                entry_id: None,
                action,
                organization: Some(organization),
                entry: None,
                merged_into,
            });
            continue;
        }
        let Ok(kind) = entity_kind.parse::<EntryKind>() else {
            continue;
        };
        let entry = entries.remove(&entity_id);
        // An entry the caller never saw is not news to them, not even as a tombstone.
        if entry.is_none() && !viewer.sees_internal() && !once_public.contains(&entity_id) {
            continue;
        }
        items.push(Change {
            position,
            kind: kind.as_str(),
            tombstone: entry.is_none(),
            organization_id: None,
            entry_id: Some(entity_id),
            action,
            organization: None,
            entry,
            merged_into: None,
        });
    }
    Ok(Changes {
        items,
        next_after,
        has_more,
    })
}

/// What became of these organizations, as `viewer` may see them now: the representation
/// (none on a tombstone) and the survivor of a merge. Organizations the caller never saw
/// are absent: they are not news to them, not even as tombstones.
#[allow(clippy::type_complexity)]
fn organization_changes(
    conn: &mut DbConnection,
    viewer: Viewer,
    include: Include,
    ids: &[&str],
) -> Result<HashMap<String, (Option<Box<RawValue>>, Option<String>)>, ApiError> {
    let mut visible: HashMap<String, String> = HashMap::new();
    let mut archived: HashSet<String> = HashSet::new();
    for stored in representations::read(conn, ids, viewer)? {
        if stored.status == crate::domain::vocab::Status::Archived {
            archived.insert(stored.id.clone());
        }
        if viewer.sees(stored.status) {
            visible.insert(stored.id, stored.json);
        }
    }
    let live: Vec<&str> = visible.keys().map(String::as_str).collect();
    let mut records = items::records_of(conn, &live, include, viewer)?;
    let once_seen: HashSet<String> = if viewer.sees_internal() {
        HashSet::new()
    } else {
        let hidden: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|id| !visible.contains_key(*id))
            .collect();
        audit::ever_published(conn, &hidden)?.into_iter().collect()
    };
    let mut survivors = merged_into(conn, viewer, ids, &visible, &archived)?;
    let mut changed = HashMap::with_capacity(ids.len());
    for &id in ids {
        let organization = match visible.remove(id) {
            Some(stored) => Some(records.remove(id).unwrap_or_default().splice_into(stored)?),
            None => None,
        };
        if organization.is_none() && !viewer.sees_internal() && !once_seen.contains(id) {
            continue;
        }
        let organization = organization
            .map(RawValue::from_string)
            .transpose()
            .map_err(ApiError::internal)?;
        changed.insert(id.to_owned(), (organization, survivors.remove(id)));
    }
    Ok(changed)
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

/// The last event of each organization and of each entry among `events`, still in position
/// order: a mirror needs only what each is now.
fn latest_of_each(mut events: Vec<audit::FeedEvent>) -> Vec<audit::FeedEvent> {
    let mut seen = HashSet::with_capacity(events.len());
    events.reverse();
    events.retain(|e| seen.insert(e.organization_id.clone().unwrap_or_else(|| e.entity_id.clone())));
    events.reverse();
    events
}
