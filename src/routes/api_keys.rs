//! API keys for partner portals. Admins only.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::CallerKind;
use crate::auth::guard::{Admins, Auth};
use crate::auth::secret::{API_KEY_SHOWN, digest, new_api_key};
use crate::db::api_keys::ApiKeyRow;
use crate::db::security_events::{self, NewEvent};
use crate::db::{self, Pool, api_keys, organizations};
use crate::domain::role::Role;
use crate::domain::security::SecurityEventKind;
use crate::domain::validation::{Violations, text};
use crate::error::ApiError;
use crate::http::client::client_address;
use crate::http::json::Json;
use crate::http::pagination::{Page, PageQuery};

/// An API key, without its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKey {
    /// Stable opaque id.
    pub id: String,
    /// The first characters of the key, to tell keys apart.
    #[schema(example = "annk_Qx3v9a")]
    pub prefix: String,
    /// What the key is for.
    #[schema(example = "ASEPEX portal")]
    pub label: String,
    /// What the key may do: `partner` or `agency`.
    pub role: Role,
    /// Whom the key was made for: an organization's portal, or its creator (whose
    /// deactivation revokes it).
    pub made_for: MadeFor,
    /// The user the key acts for: its creator, for a key made for them.
    pub user_id: Option<String>,
    /// The organization the key belongs to, for a portal's key.
    pub organization_id: Option<String>,
    /// The admin who created it.
    pub created_by: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was last used (to the minute).
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked; a revoked key is refused at once.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it stops working, if it was given an end.
    pub expires_at: Option<DateTime<Utc>>,
    /// Its own request budget, when it does not have the configured default.
    pub rate_limit: Option<KeyBudget>,
}

/// A key's own request budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyBudget {
    /// Requests a minute, 1 to 1,000,000.
    pub per_minute: u32,
    /// Requests at once, 1 to 1,000,000.
    pub burst: u32,
}

/// Whom a key was made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MadeFor {
    /// An organization's portal; it outlives the admin who made it.
    Organization,
    /// The admin who made it; revoked when they are deactivated.
    Creator,
}

impl TryFrom<ApiKeyRow> for ApiKey {
    type Error = ApiError;

    fn try_from(row: ApiKeyRow) -> Result<Self, ApiError> {
        Ok(ApiKey {
            role: row.role.parse().map_err(ApiError::internal)?,
            id: row.id,
            prefix: row.prefix,
            label: row.label,
            made_for: match row.organization_id {
                Some(_) => MadeFor::Organization,
                None => MadeFor::Creator,
            },
            user_id: row.user_id,
            organization_id: row.organization_id,
            created_by: row.created_by,
            created_at: row.created_at.and_utc(),
            last_used_at: row.last_used_at.map(|t| t.and_utc()),
            revoked_at: row.revoked_at.map(|t| t.and_utc()),
            expires_at: row.expires_at.map(|t| t.and_utc()),
            rate_limit: match (row.rate_limit_per_minute, row.rate_limit_burst) {
                (Some(per_minute), Some(burst)) => Some(KeyBudget {
                    per_minute: u32::try_from(per_minute).map_err(ApiError::internal)?,
                    burst: u32::try_from(burst).map_err(ApiError::internal)?,
                }),
                _ => None,
            },
        })
    }
}

/// A new key.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"label": "ASEPEX portal", "role": "partner"}))]
pub struct CreateApiKey {
    /// What the key is for, 1 to 100 characters.
    pub label: String,
    /// What the key may do: `partner` (the default) or `agency`. Staff roles are people's,
    /// held through a session.
    pub role: Option<Role>,
    /// The organization whose portal the key is for; without one, the key is made for its
    /// creator and revoked when they are deactivated.
    pub organization_id: Option<String>,
    /// When the key stops working (RFC 3339, in the future); without one, it works until
    /// revoked.
    pub expires_at: Option<DateTime<Utc>>,
    /// A budget of its own (a busy portal's), instead of the configured default.
    pub rate_limit: Option<KeyBudget>,
}

/// A key just created: the only time its secret is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKey {
    /// The key, to send as `Authorization: Bearer …`. Store it now: it is never shown again.
    #[schema(example = "annk_Qx3v9a…")]
    pub key: String,
    /// The key's record.
    #[serde(flatten)]
    pub record: ApiKey,
}

/// Creates an API key for a partner portal or the agency's tools. The response carries the
/// secret, once. Only a person (an administrator's session) creates keys, never a key.
#[utoipa::path(
    tag = "api-keys",
    security(("bearer" = [])),
    request_body = CreateApiKey,
    responses(
        (status = 201, description = "Created; the secret is in `key`", body = CreatedApiKey),
        (status = 400, description = "Malformed JSON"),
        (status = 415, description = "The body is not JSON"),
        (status = 403, description = "Not an administrator's session (a key cannot make keys)"),
        (status = 422, description = "Invalid fields (including an unknown user, or a staff role)"),
    )
)]
#[post("/v1/api-keys")]
pub async fn create_api_key(
    req: HttpRequest,
    admin: Auth<Admins>,
    pool: web::Data<Pool>,
    body: Json<CreateApiKey>,
) -> Result<HttpResponse, ApiError> {
    let CreateApiKey {
        label,
        role,
        organization_id,
        expires_at,
        rate_limit,
    } = body.into_inner()?;
    // A key's creator is a user row; and a key that could make keys would outlive any revocation.
    if admin.caller.kind != CallerKind::User {
        return Err(ApiError::Forbidden);
    }
    let role = role.unwrap_or(Role::Partner);
    let mut violations = Violations::default();
    violations.check("label", text(&label, 1, 100));
    if !matches!(role, Role::Partner | Role::Agency) {
        violations.add(
            "role",
            "a key may be partner or agency; staff roles are held by people",
        );
    }
    if let Some(organization) = &organization_id {
        violations.check("organization_id", text(organization, 1, 64));
    }
    let now = db::now();
    if expires_at.is_some_and(|end| end.naive_utc() <= now) {
        violations.add("expires_at", "must be in the future");
    }
    if let Some(budget) = rate_limit {
        for (field, value) in [
            ("rate_limit.per_minute", budget.per_minute),
            ("rate_limit.burst", budget.burst),
        ] {
            if !(1..=1_000_000).contains(&value) {
                violations.add(field, "must be 1 to 1,000,000");
            }
        }
    }
    violations.finish()?;

    let address = client_address(&req);
    let key = new_api_key();
    // A key for no organization is its creator's, and ends with their account.
    let user_id = organization_id.is_none().then(|| admin.caller.id.clone());
    let row = ApiKeyRow {
        id: uuid::Uuid::now_v7().to_string(),
        prefix: key[..API_KEY_SHOWN].to_owned(),
        key_hash: digest(&key),
        label: label.trim().to_owned(),
        role: role.as_str().to_owned(),
        user_id,
        organization_id,
        created_by: admin.caller.id,
        created_at: now,
        last_used_at: None,
        revoked_at: None,
        expires_at: expires_at.map(|end| end.naive_utc()),
        // Bounded to a million above, so these fit.
        rate_limit_per_minute: rate_limit.map(|b| b.per_minute as i32),
        rate_limit_burst: rate_limit.map(|b| b.burst as i32),
    };
    let row = db::transaction(&pool, move |conn| {
        let mut row = row;
        if let Some(organization) = &row.organization_id {
            // Named by id or slug; kept by id, which a rename does not change.
            let found = organizations::find(conn, organization)?
                .ok_or_else(|| ApiError::invalid("organization_id", "no such organization"))?;
            row.organization_id = Some(found.id);
        }
        api_keys::insert(conn, &row)?;
        key_event(
            conn,
            SecurityEventKind::KeyCreated,
            &row.id,
            &row.created_by,
            &address,
        )?;
        Ok(row)
    })
    .await?;
    let record = ApiKey::try_from(row)?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/api-keys/{}", record.id)))
        .json(CreatedApiKey { key, record }))
}

/// Lists API keys in creation order, revoked ones included; never their secrets.
#[utoipa::path(
    tag = "api-keys",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of keys", body = Page<ApiKey>),
        (status = 400, description = "Bad limit or cursor"),
    )
)]
#[get("/v1/api-keys")]
pub async fn list_api_keys(
    _admin: Auth<Admins>,
    pool: web::Data<Pool>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.validate()?;
    let (after, fetch) = (page.after.clone(), page.fetch());
    let rows = db::run(&pool, move |conn| api_keys::list(conn, after.as_deref(), fetch)).await?;
    let keys: Vec<ApiKey> = rows.into_iter().map(ApiKey::try_from).collect::<Result<_, _>>()?;
    Ok(HttpResponse::Ok().json(page.page(keys, |key| key.id.clone(), |key| key)))
}

/// Revokes a key; it is refused from the next request on. Revoking twice is harmless.
#[utoipa::path(
    tag = "api-keys",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The key's id")),
    responses((status = 204, description = "Revoked"), (status = 404, description = "No such key"))
)]
#[delete("/v1/api-keys/{id}")]
pub async fn revoke_api_key(
    req: HttpRequest,
    admin: Auth<Admins>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let now = db::now();
    let (actor, address) = (admin.caller.id.clone(), client_address(&req));
    let found = db::transaction(&pool, move |conn| {
        let found = api_keys::revoke(conn, &id, now)?;
        if found {
            key_event(conn, SecurityEventKind::KeyRevoked, &id, &actor, &address)?;
        }
        Ok(found)
    })
    .await?;
    if found {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound)
    }
}

/// Records that `actor` created or revoked the key `key_id`.
fn key_event(
    conn: &mut db::DbConnection,
    kind: SecurityEventKind,
    key_id: &str,
    actor: &str,
    address: &str,
) -> Result<(), ApiError> {
    let event = NewEvent {
        address,
        actor_id: Some(actor),
        detail: Some(format!("key {key_id}")),
        ..NewEvent::default()
    };
    security_events::record(conn, kind, event)
}
