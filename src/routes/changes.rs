//! The change feed partner portals mirror the directory from.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::guard::{Anyone, Auth};
use crate::db::{self, Pool, audit, organizations};
use crate::domain::organization::Organization;
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
    pub organization: Option<Organization>,
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
    let page = db::run(&pool, move |conn| {
        let events = audit::organization_events(conn, after, limit + 1)?;
        let has_more = events.len() as i64 > limit;
        let events = &events[..events.len().min(limit as usize)];
        let next_after = events.last().map_or(after, |(position, _, _)| *position);
        let mut latest: HashMap<&str, (i64, &str)> = HashMap::new();
        for (position, organization, action) in events {
            latest.insert(organization, (*position, action));
        }
        let ids: Vec<&str> = latest.keys().copied().collect();
        let mut current: HashMap<String, Organization> = organizations::find_many(conn, &ids)?
            .into_iter()
            .map(|o| (o.id.clone(), o))
            .collect();
        let hidden: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|id| current.get(*id).is_none_or(|o| !viewer.sees(o.status)))
            .collect();
        let once_seen = if viewer.sees_internal() {
            Vec::new()
        } else {
            audit::ever_published(conn, &hidden)?
        };
        // In position order before the records join them: a change with its record is large to move.
        let mut in_order: Vec<(&str, (i64, &str))> = latest.into_iter().collect();
        in_order.sort_unstable_by_key(|(_, (position, _))| *position);
        let items: Vec<Change> = in_order
            .into_iter()
            .filter_map(|(id, (position, action))| {
                let organization = current.remove(id).filter(|o| viewer.sees(o.status));
                let tombstone = organization.is_none();
                // A record the caller never saw is not news to them, not even as a tombstone.
                if tombstone && !viewer.sees_internal() && !once_seen.iter().any(|seen| seen == id) {
                    return None;
                }
                Some(Change {
                    position,
                    organization_id: id.to_owned(),
                    action: action.to_owned(),
                    tombstone,
                    organization: organization.map(|o| o.for_viewer(viewer)),
                })
            })
            .collect();
        Ok(Changes {
            items,
            next_after,
            has_more,
        })
    })
    .await?;
    etag::json_with_digest(&req, &page)
}
