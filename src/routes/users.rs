//! User administration (admins) and the caller's own account.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::accounts::NewAccount;
use crate::auth::guard::{Admins, Anyone, Auth};
use crate::auth::sessions;
use crate::auth::{AuthState, Caller, CallerKind};
use crate::db::security_events::{self, NewEvent};
use crate::db::users::{UserChanges, UserRow};
use crate::db::{self, Pool, users};
use crate::domain::identity::check_password;
use crate::domain::role::Role;
use crate::domain::security::SecurityEventKind;
use crate::domain::validation::{Violations, text};
use crate::error::ApiError;
use crate::http::client::client_address;
use crate::http::json::Json;
use crate::http::pagination::{Page, PageQuery};

/// A user account, as administrators see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct User {
    /// Stable opaque id.
    #[schema(example = "0193a0a4-7b1e-7c35-9c8e-3f1a2b4c5d6e")]
    pub id: String,
    /// Email, lower-cased.
    #[schema(example = "awa.ndiaye@asepex.sn")]
    pub email: String,
    /// What the user may do.
    pub role: Role,
    /// The organization the user belongs to, if any.
    pub organization_id: Option<String>,
    /// Inactive users cannot log in; their sessions are over.
    pub active: bool,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// When the account last changed.
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<UserRow> for User {
    type Error = ApiError;

    fn try_from(row: UserRow) -> Result<Self, ApiError> {
        Ok(User {
            role: row.role.parse().map_err(ApiError::internal)?,
            id: row.id,
            email: row.email,
            organization_id: row.organization_id,
            active: row.active,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        })
    }
}

/// A new account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "curator@optic.sn", "password": "a long passphrase", "role": "curator"}))]
pub struct CreateUser {
    /// Unique, case-insensitive.
    pub email: String,
    /// 12 to 128 characters, not the email.
    pub password: String,
    /// What the user may do.
    pub role: Role,
    /// The organization the user belongs to.
    pub organization_id: Option<String>,
}

/// Changes to an account; omitted fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"active": false}))]
pub struct UpdateUser {
    /// A new role.
    pub role: Option<Role>,
    /// `false` deactivates the user and ends all their sessions at once.
    pub active: Option<bool>,
    /// The organization the user belongs to.
    pub organization_id: Option<String>,
}

/// The caller's own password change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    /// The password in use now.
    pub current_password: String,
    /// 12 to 128 characters, not the email.
    pub new_password: String,
}

/// Creates a user. Admins only.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body = CreateUser,
    responses(
        (status = 201, description = "Created", body = User),
        (status = 400, description = "Malformed JSON"),
        (status = 409, description = "The email is taken"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid fields"),
    )
)]
#[post("/v1/users")]
pub async fn create_user(
    _admin: Auth<Admins>,
    state: web::Data<AuthState>,
    pool: web::Data<Pool>,
    body: Json<CreateUser>,
) -> Result<HttpResponse, ApiError> {
    let CreateUser {
        email,
        password,
        role,
        organization_id,
    } = body.into_inner()?;
    let account = NewAccount::validate(&email, password, role, organization_id)?;
    let hash = state.hasher.hash(account.password().to_owned()).await?;
    let mut row = account.into_row(hash);
    let user = db::transaction(&pool, move |conn| {
        row.organization_id = users::bound_organization(conn, row.organization_id.take())?;
        users::insert(conn, &row)
    })
    .await?;
    let user = User::try_from(user)?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/users/{}", user.id)))
        .json(user))
}

/// Lists users in creation order, a page at a time. Admins only.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of users", body = Page<User>),
        (status = 400, description = "Bad limit or cursor"),
    )
)]
#[get("/v1/users")]
pub async fn list_users(
    _admin: Auth<Admins>,
    pool: web::Data<Pool>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.validate()?;
    let (after, fetch) = (page.after.clone(), page.fetch());
    let rows = db::run(&pool, move |conn| users::list(conn, after.as_deref(), fetch)).await?;
    let users: Vec<User> = rows.into_iter().map(User::try_from).collect::<Result<_, _>>()?;
    Ok(HttpResponse::Ok().json(page.page(users, |user| user.id.clone(), |user| user)))
}

/// Reads one user. Admins only.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The user's id")),
    responses((status = 200, description = "The user", body = User), (status = 404, description = "No such user"))
)]
#[get("/v1/users/{id}")]
pub async fn get_user(
    _admin: Auth<Admins>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let row = db::run(&pool, move |conn| users::find(conn, &id))
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(User::try_from(row)?))
}

/// Changes a user's role, organization or active flag. Deactivation ends every session and
/// access token of the user at once. Admins only; an admin cannot demote or deactivate
/// themselves, so that the directory is never left without one by mistake.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The user's id")),
    request_body = UpdateUser,
    responses(
        (status = 200, description = "The updated user", body = User),
        (status = 400, description = "Malformed JSON"),
        (status = 404, description = "No such user"),
        (status = 409, description = "An admin's change to their own role or active flag"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid fields"),
    )
)]
#[patch("/v1/users/{id}")]
pub async fn update_user(
    req: HttpRequest,
    admin: Auth<Admins>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: Json<UpdateUser>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let UpdateUser {
        role,
        active,
        organization_id,
    } = body.into_inner()?;
    let mut violations = Violations::default();
    if let Some(organization) = &organization_id {
        violations.check("organization_id", text(organization, 1, 64));
    }
    violations.finish()?;
    if id == admin.caller.id && (role.is_some_and(|r| r != Role::Admin) || active == Some(false)) {
        return Err(ApiError::Conflict(
            "You cannot demote or deactivate yourself.".into(),
        ));
    }
    let mut changes = UserChanges {
        role: role.map(|r| r.as_str().to_owned()),
        active,
        organization_id: None,
    };
    let now = db::now();
    let (actor, address) = (admin.caller.id.clone(), client_address(&req));
    let row = db::transaction(&pool, move |conn| {
        if organization_id.is_some() {
            changes.organization_id = Some(users::bound_organization(conn, organization_id)?);
        }
        let before = users::find(conn, &id)?.ok_or(ApiError::NotFound)?;
        let after = users::update(conn, &id, &changes, now)?;
        let changed = [
            (
                SecurityEventKind::RoleChanged,
                before.role != after.role,
                format!("role: {}", after.role),
            ),
            (
                SecurityEventKind::ActiveChanged,
                before.active != after.active,
                format!("active: {}", after.active),
            ),
        ];
        for (kind, _, detail) in changed.into_iter().filter(|(_, changed, _)| *changed) {
            let event = NewEvent {
                user_id: Some(&after.id),
                email: Some(&after.email),
                address: &address,
                actor_id: Some(&actor),
                detail: Some(detail),
            };
            security_events::record(conn, kind, event)?;
        }
        Ok(after)
    })
    .await?;
    Ok(HttpResponse::Ok().json(User::try_from(row)?))
}

/// Who is calling: the user or API key behind the credential, with its role.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    responses((status = 200, description = "The caller", body = Caller))
)]
#[get("/v1/me")]
pub async fn me(auth: Auth<Anyone>) -> HttpResponse {
    HttpResponse::Ok().json(auth.caller)
}

/// Changes the caller's own password (users only; API keys have none). Every session of the
/// user ends, including the current one: log in again with the new password.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body = ChangePassword,
    responses(
        (status = 204, description = "Changed; log in again"),
        (status = 400, description = "Malformed JSON"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Wrong current password, or the new one breaks the policy"),
        (status = 429, description = "Too many wrong current passwords (the login limits); see Retry-After",
         headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[put("/v1/me/password")]
pub async fn change_password(
    req: HttpRequest,
    auth: Auth<Anyone>,
    state: web::Data<AuthState>,
    pool: web::Data<Pool>,
    body: Json<ChangePassword>,
) -> Result<HttpResponse, ApiError> {
    if auth.caller.kind != CallerKind::User {
        return Err(ApiError::Forbidden);
    }
    let ChangePassword {
        current_password,
        new_password,
    } = body.into_inner()?;
    let email = auth.caller.email.clone().unwrap_or_default();
    let mut violations = Violations::default();
    violations.check("current_password", text(&current_password, 1, 1024));
    violations.check("new_password", check_password(&new_password, &email));
    violations.finish()?;

    let id = auth.caller.id.clone();
    let row = db::run(&pool, move |conn| users::find(conn, &id))
        .await?
        .ok_or(ApiError::NotFound)?;
    let address = client_address(&req);
    let email = row.email.clone();
    let hash = row.password_hash.clone();
    if !sessions::recheck_password(&state, &pool, &row.id, &email, current_password, hash, &address).await? {
        return Err(ApiError::invalid(
            "current_password",
            "is not your current password",
        ));
    }
    let hash = state.hasher.hash(new_password).await?;
    let now = db::now();
    db::transaction(&pool, move |conn| {
        users::set_password(conn, &row.id, &hash, now)?;
        let event = NewEvent {
            user_id: Some(&row.id),
            email: Some(&row.email),
            address: &address,
            ..NewEvent::default()
        };
        security_events::record(conn, SecurityEventKind::PasswordChanged, event)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
