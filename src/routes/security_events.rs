//! What happened to credentials, for administrators.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::guard::{Admins, Auth};
use crate::db::security_events::{self, EventFilter, EventRow};
use crate::db::{self, Pool};
use crate::domain::security::SecurityEventKind;
use crate::error::ApiError;
use crate::http::pagination::{Page, PageQuery};

/// A security event: never a password or a token, only who, from where, and the outcome.
#[derive(Debug, Serialize, ToSchema)]
pub struct SecurityEvent {
    /// Stable opaque id; ids sort in the order events happened.
    pub id: String,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// What happened.
    pub kind: SecurityEventKind,
    /// The account concerned, when known.
    pub user_id: Option<String>,
    /// The email tried (logins), or the account's.
    pub email: Option<String>,
    /// The client address (see `ANNUAIRE_TRUSTED_PROXIES`).
    pub address: String,
    /// The user or key that acted, when not the account itself.
    pub actor_id: Option<String>,
    /// A short outcome: `wrong_password`, `unknown_account`, `role: admin`, a key's id.
    pub detail: Option<String>,
}

impl TryFrom<EventRow> for SecurityEvent {
    type Error = ApiError;

    fn try_from(row: EventRow) -> Result<Self, ApiError> {
        Ok(SecurityEvent {
            kind: SecurityEventKind::parse(&row.kind)
                .ok_or_else(|| ApiError::internal(format!("unknown event kind {}", row.kind)))?,
            id: row.id,
            occurred_at: row.occurred_at.and_utc(),
            user_id: row.user_id,
            email: row.email,
            address: row.address,
            actor_id: row.actor_id,
            detail: row.detail,
        })
    }
}

/// Filters and paging of the security events.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SecurityEventQuery {
    /// Only events of this kind.
    pub kind: Option<SecurityEventKind>,
    /// Only events concerning this user.
    pub user_id: Option<String>,
    /// Only events from this client address.
    pub address: Option<String>,
    /// Only events at or after this instant (RFC 3339).
    pub since: Option<DateTime<Utc>>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists security events, newest first: logins and their refusals, password and role
/// changes, activations, keys created and revoked, sessions revoked for reuse.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(SecurityEventQuery),
    responses(
        (status = 200, description = "A page of events, newest first", body = Page<SecurityEvent>),
        (status = 400, description = "An unknown filter, kind or instant; a bad limit or cursor"),
    )
)]
#[get("/v1/security-events")]
pub async fn list_security_events(
    _admin: Auth<Admins>,
    pool: web::Data<Pool>,
    query: web::Query<SecurityEventQuery>,
) -> Result<HttpResponse, ApiError> {
    let SecurityEventQuery {
        kind,
        user_id,
        address,
        since,
        limit,
        cursor,
    } = query.into_inner();
    let page = PageQuery { limit, cursor }.validate()?;
    let filter = EventFilter {
        kinds: kind.into_iter().collect(),
        user_id,
        address,
        since: since.map(|s| s.naive_utc()),
    };
    let (before, fetch) = (page.after.clone(), page.fetch());
    let rows = db::run(&pool, move |conn| {
        security_events::list(conn, &filter, before.as_deref(), fetch)
    })
    .await?;
    let events: Vec<SecurityEvent> = rows
        .into_iter()
        .map(SecurityEvent::try_from)
        .collect::<Result<_, _>>()?;
    Ok(HttpResponse::Ok().json(page.page(events, |event| event.id.clone(), |event| event)))
}
