//! `/v1/strategies`: strategies, their objectives, and the report on their progress.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;

use crate::auth::guard::{Anyone, Auth, Staff};
use crate::db::{self, Pool};
use crate::domain::reference::Reference;
use crate::domain::strategy::action::ActionFields;
use crate::domain::strategy::plan::{StrategyFields, StrategyStatus};
use crate::domain::strategy::report::{self, Progress};
use crate::domain::strategy::{Entry, EntryFilter};
use crate::error::ApiError;
use crate::http::etag;
use crate::http::json::Json;
use crate::http::pagination::{Page, PageQuery};

/// Filters of the strategy list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StrategyQuery {
    /// Where it stands.
    pub status: Option<StrategyStatus>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Records a strategy with its objectives (a draft unless `visibility` says `published`).
/// Curators, agency and admins.
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    request_body = StrategyFields,
    responses(
        (status = 201, description = "Recorded", body = Entry<StrategyFields>, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid fields or unknown ids, all listed"),
    )
)]
#[post("/v1/strategies")]
pub async fn create_strategy(
    auth: Auth<Staff>,
    pool: web::Data<Pool>,
    reference: web::Data<Reference>,
    body: Json<StrategyFields>,
) -> Result<HttpResponse, ApiError> {
    let fields = body.into_inner()?;
    super::create(&pool, &reference, auth.caller, fields, None, |id| {
        format!("/v1/strategies/{id}")
    })
    .await
}

/// Lists strategies, a page at a time. Partners and representatives see published ones.
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    params(StrategyQuery),
    responses(
        (status = 200, description = "A page of strategies", body = Page<Entry<StrategyFields>>, headers(("ETag" = String))),
        (status = 304, description = "Your copy is current"),
        (status = 400, description = "A bad parameter, named in `detail`"),
    )
)]
#[get("/v1/strategies")]
pub async fn list_strategies(
    auth: Auth<Anyone>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    query: web::Query<StrategyQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let filter = EntryFilter {
        status: query.status.map(|s| s.as_str().into()),
        ..EntryFilter::default()
    };
    let paging = PageQuery {
        limit: query.limit,
        cursor: query.cursor,
    };
    super::list::<StrategyFields>(&pool, &req, auth.caller.viewer(), filter, paging).await
}

/// Reads a strategy with its objectives. `If-None-Match` answers 304.
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Its id"),
        ("If-None-Match" = Option<String>, Header, description = "An ETag you hold"),
    ),
    responses(
        (status = 200, description = "The strategy", body = Entry<StrategyFields>, headers(("ETag" = String))),
        (status = 304, description = "Your copy is current"),
        (status = 404, description = "No such strategy, or not published"),
    )
)]
#[get("/v1/strategies/{id}")]
pub async fn get_strategy(
    auth: Auth<Anyone>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let entry = super::read::<StrategyFields>(&pool, id.into_inner(), auth.caller.viewer()).await?;
    super::respond(&req, &entry)
}

/// Changes a strategy with a JSON Merge Patch (`objectives` is replaced whole); needs
/// `If-Match`. An objective that actions still name cannot be removed (422). Curators,
/// agency and admins.
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Its id"),
        ("If-Match" = String, Header, description = "The ETag last read"),
    ),
    request_body(content = StrategyFields, description = "Any subset of the fields", content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "Changed", body = Entry<StrategyFields>, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 404, description = "No such strategy"),
        (status = 412, description = "Changed since you read it"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid fields or unknown ids, all listed"),
        (status = 428, description = "If-Match missing"),
    )
)]
#[patch("/v1/strategies/{id}")]
pub async fn update_strategy(
    auth: Auth<Staff>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    reference: web::Data<Reference>,
    id: web::Path<String>,
    body: Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.into_inner()?;
    let viewer = auth.caller.viewer();
    let before = super::read::<StrategyFields>(&pool, id.into_inner(), viewer).await?;
    let filter = EntryFilter {
        strategy_id: Some(before.id.clone()),
        ..EntryFilter::default()
    };
    let actions = super::all::<ActionFields>(&pool, viewer, filter).await?;
    super::update(
        &pool,
        &reference,
        &req,
        auth.caller,
        before,
        patch,
        |fields, v| {
            for action in &actions {
                if let Some(code) = &action.fields.objective
                    && !fields.has_objective(code)
                {
                    v.add(
                        "objectives",
                        format!("objective `{code}` is named by action `{}`", action.id),
                    );
                }
            }
        },
    )
    .await
}

/// Deletes a strategy without actions; needs `If-Match`. Curators, agency and admins.
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Its id"),
        ("If-Match" = String, Header, description = "The ETag last read"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such strategy"),
        (status = 409, description = "It holds actions"),
        (status = 412, description = "Changed since you read it"),
        (status = 428, description = "If-Match missing"),
    )
)]
#[delete("/v1/strategies/{id}")]
pub async fn delete_strategy(
    auth: Auth<Staff>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let entry = super::read::<StrategyFields>(&pool, id.into_inner(), auth.caller.viewer()).await?;
    super::remove(&pool, &req, auth.caller, entry).await
}

/// The progress of a strategy's plan, as the caller may see it: its actions by status and
/// by lead, the overdue ones (due before today, UTC, and neither done nor dropped), and
/// every indicator against its target, and the open actions whose lead was archived or
/// unpublished (the link is kept; the action needs a new lead).
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The strategy's id")),
    responses(
        (status = 200, description = "The report", body = Progress, headers(("ETag" = String))),
        (status = 304, description = "Your copy is current"),
        (status = 404, description = "No such strategy, or not published"),
    )
)]
#[get("/v1/strategies/{id}/progress")]
pub async fn strategy_progress(
    auth: Auth<Anyone>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let viewer = auth.caller.viewer();
    let strategy = super::read::<StrategyFields>(&pool, id.into_inner(), viewer).await?;
    let filter = EntryFilter {
        strategy_id: Some(strategy.id.clone()),
        ..EntryFilter::default()
    };
    let actions = super::all::<ActionFields>(&pool, viewer, filter).await?;
    let id = strategy.id.clone();
    let lead_gone = db::run(&pool, move |conn| db::strategy_parts::lead_gone(conn, &id)).await?;
    let progress = report::progress(&strategy.id, &actions, super::today(), &lead_gone);
    etag::json_with_digest(&req, &progress)
}

/// The history of a strategy, oldest first: who changed what, when, with the states before and
/// after. Curators, agency and admins.
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Its id"), PageQuery),
    responses(
        (status = 200, description = "A page of changes", body = Page<crate::routes::directory::HistoryEntry>),
        (status = 400, description = "Bad limit or cursor"),
        (status = 404, description = "No such strategy"),
    )
)]
#[get("/v1/strategies/{id}/history")]
pub async fn strategy_history(
    auth: Auth<Staff>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let entry = super::read::<StrategyFields>(&pool, id.into_inner(), auth.caller.viewer()).await?;
    super::history(&pool, entry, query.into_inner()).await
}
