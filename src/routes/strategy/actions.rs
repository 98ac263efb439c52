//! `/v1/strategies/{id}/actions`: a strategy's action plan.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;

use crate::auth::guard::{Anyone, Auth, Staff};
use crate::db::Pool;
use crate::domain::reference::Reference;
use crate::domain::strategy::action::{ActionFields, ActionStatus, Priority};
use crate::domain::strategy::plan::StrategyFields;
use crate::domain::strategy::{Entry, EntryFilter, LinkKind};
use crate::domain::validation::Violations;
use crate::domain::visibility::Viewer;
use crate::error::ApiError;
use crate::http::json::Json;
use crate::http::pagination::{Page, PageQuery};

/// Filters of the action list and of its export.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ActionQuery {
    /// Words that must all appear in the title or description (accents and case ignored).
    pub q: Option<String>,
    /// Where it stands.
    pub status: Option<ActionStatus>,
    /// How urgent it is.
    pub priority: Option<Priority>,
    /// The strategic objective it serves (its code).
    pub objective: Option<String>,
    /// Its lead organization (its id).
    pub lead: Option<String>,
    /// A partner organization (its id).
    pub partner: Option<String>,
    /// A barrier it answers (its id).
    pub barrier: Option<String>,
    /// `true`: due before today (UTC) and neither done nor dropped; `false`: the others.
    pub overdue: Option<bool>,
    /// Items per page, 1 to 100 (default 20); not for the export.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page; not for the export.
    pub cursor: Option<String>,
    /// The export's format: `csv` (the default) or `xlsx`; only for the export.
    #[param(value_type = Option<String>, example = "csv")]
    pub format: Option<String>,
}

impl ActionQuery {
    /// The filter of the actions of `strategy_id` these parameters ask for.
    pub fn filter(&self, strategy_id: &str) -> Result<EntryFilter, ApiError> {
        if self.objective.as_ref().is_some_and(|o| o.chars().count() > 20) {
            return Err(ApiError::BadRequest(
                "parameter `objective`: at most 20 characters".into(),
            ));
        }
        let mut filter = EntryFilter {
            strategy_id: Some(strategy_id.to_owned()),
            words: super::words(self.q.as_deref())?,
            status: self.status.map(|s| s.as_str().into()),
            priority: self.priority.map(|p| p.as_str().into()),
            theme: self.objective.clone(),
            lead_id: super::id_param("lead", self.lead.as_deref())?,
            overdue: self.overdue.map(|overdue| (overdue, super::today())),
            ..EntryFilter::default()
        };
        super::named_by(
            &mut filter,
            "partner",
            &[LinkKind::Partner],
            self.partner.as_deref(),
        )?;
        super::named_by(
            &mut filter,
            "barrier",
            &[LinkKind::Barrier],
            self.barrier.as_deref(),
        )?;
        Ok(filter)
    }
}

/// The rules an action's fields must follow within `strategy`.
fn within(strategy: &Entry<StrategyFields>) -> impl FnOnce(&ActionFields, &mut Violations) + '_ {
    move |fields, v| {
        if let Some(code) = &fields.objective
            && !strategy.fields.has_objective(code)
        {
            v.add(
                "objective",
                "must be the code of one of the strategy's objectives",
            );
        }
    }
}

/// The strategy `strategy_id` and its action `action_id`, both as `viewer` may see them.
async fn read(
    pool: &Pool,
    strategy_id: String,
    action_id: String,
    viewer: Viewer,
) -> Result<(Entry<StrategyFields>, Entry<ActionFields>), ApiError> {
    let strategy = super::read::<StrategyFields>(pool, strategy_id, viewer).await?;
    let action = super::read::<ActionFields>(pool, action_id, viewer).await?;
    if action.strategy_id.as_deref() != Some(strategy.id.as_str()) {
        return Err(ApiError::NotFound);
    }
    Ok((strategy, action))
}

/// Adds an action to a strategy's plan (a draft unless `visibility` says `published`).
/// Curators, agency and admins.
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The strategy's id")),
    request_body = ActionFields,
    responses(
        (status = 201, description = "Added", body = Entry<ActionFields>, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 404, description = "No such strategy"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid fields, unknown ids or objective, all listed"),
    )
)]
#[post("/v1/strategies/{id}/actions")]
pub async fn create_action(
    auth: Auth<Staff>,
    pool: web::Data<Pool>,
    reference: web::Data<Reference>,
    id: web::Path<String>,
    body: Json<ActionFields>,
) -> Result<HttpResponse, ApiError> {
    let fields = body.into_inner()?;
    let strategy = super::read::<StrategyFields>(&pool, id.into_inner(), auth.caller.viewer()).await?;
    let mut v = Violations::default();
    within(&strategy)(&fields, &mut v);
    v.finish()?;
    let strategy_id = strategy.id.clone();
    super::create(&pool, &reference, auth.caller, fields, Some(strategy.id), |id| {
        format!("/v1/strategies/{strategy_id}/actions/{id}")
    })
    .await
}

/// Lists a strategy's actions, searched and filtered, a page at a time in the order they
/// were added. Partners and representatives see published ones of a published strategy.
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The strategy's id"), ActionQuery),
    responses(
        (status = 200, description = "A page of actions", body = Page<Entry<ActionFields>>, headers(("ETag" = String))),
        (status = 304, description = "Your copy is current"),
        (status = 400, description = "A bad parameter, named in `detail`"),
        (status = 404, description = "No such strategy, or not published"),
    )
)]
#[get("/v1/strategies/{id}/actions")]
pub async fn list_actions(
    auth: Auth<Anyone>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    query: web::Query<ActionQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    if query.format.is_some() {
        return Err(ApiError::BadRequest(
            "parameter `format`: only for the export".into(),
        ));
    }
    let viewer = auth.caller.viewer();
    let strategy = super::read::<StrategyFields>(&pool, id.into_inner(), viewer).await?;
    let filter = query.filter(&strategy.id)?;
    let paging = PageQuery {
        limit: query.limit,
        cursor: query.cursor,
    };
    super::list::<ActionFields>(&pool, &req, viewer, filter, paging).await
}

/// Reads an action, with `overdue` as of today (UTC). `If-None-Match` answers 304.
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The strategy's id"),
        ("action_id" = String, Path, description = "The action's id"),
        ("If-None-Match" = Option<String>, Header, description = "An ETag you hold"),
    ),
    responses(
        (status = 200, description = "The action", body = Entry<ActionFields>, headers(("ETag" = String))),
        (status = 304, description = "Your copy is current"),
        (status = 404, description = "No such action in this strategy, or not published"),
    )
)]
#[get("/v1/strategies/{id}/actions/{action_id}")]
pub async fn get_action(
    auth: Auth<Anyone>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (strategy_id, action_id) = path.into_inner();
    let (_, action) = read(&pool, strategy_id, action_id, auth.caller.viewer()).await?;
    super::respond(&req, &action)
}

/// Changes an action with a JSON Merge Patch (record a measurement by sending the
/// indicators with it); needs `If-Match`. Curators, agency and admins.
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The strategy's id"),
        ("action_id" = String, Path, description = "The action's id"),
        ("If-Match" = String, Header, description = "The ETag last read"),
    ),
    request_body(content = ActionFields, description = "Any subset of the fields", content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "Changed", body = Entry<ActionFields>, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 404, description = "No such action in this strategy"),
        (status = 412, description = "Changed since you read it"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid fields, unknown ids or objective, all listed"),
        (status = 428, description = "If-Match missing"),
    )
)]
#[patch("/v1/strategies/{id}/actions/{action_id}")]
pub async fn update_action(
    auth: Auth<Staff>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    reference: web::Data<Reference>,
    path: web::Path<(String, String)>,
    body: Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.into_inner()?;
    let (strategy_id, action_id) = path.into_inner();
    let viewer = auth.caller.viewer();
    let (strategy, before) = read(&pool, strategy_id, action_id, viewer).await?;
    super::update(
        &pool,
        &reference,
        &req,
        auth.caller,
        before,
        patch,
        within(&strategy),
    )
    .await
}

/// Deletes an action; needs `If-Match`. Curators, agency and admins.
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The strategy's id"),
        ("action_id" = String, Path, description = "The action's id"),
        ("If-Match" = String, Header, description = "The ETag last read"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such action in this strategy"),
        (status = 412, description = "Changed since you read it"),
        (status = 428, description = "If-Match missing"),
    )
)]
#[delete("/v1/strategies/{id}/actions/{action_id}")]
pub async fn delete_action(
    auth: Auth<Staff>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (strategy_id, action_id) = path.into_inner();
    let (_, action) = read(&pool, strategy_id, action_id, auth.caller.viewer()).await?;
    super::remove(&pool, &req, auth.caller, action).await
}

/// The history of a action, oldest first: who changed what, when, with the states before and
/// after. Curators, agency and admins.
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The strategy's id"), ("action_id" = String, Path, description = "The action's id"), PageQuery),
    responses(
        (status = 200, description = "A page of changes", body = Page<crate::routes::directory::HistoryEntry>),
        (status = 400, description = "Bad limit or cursor"),
        (status = 404, description = "No such action"),
    )
)]
#[get("/v1/strategies/{id}/actions/{action_id}/history")]
pub async fn action_history(
    auth: Auth<Staff>,
    pool: web::Data<Pool>,
    path: web::Path<(String, String)>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let entry = {
        let (strategy_id, action_id) = path.into_inner();
        read(&pool, strategy_id, action_id, auth.caller.viewer()).await?.1
    };
    super::history(&pool, entry, query.into_inner()).await
}
