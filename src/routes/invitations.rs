//! Invitations and password resets: one-time tokens an administrator hands over, and the two
//! routes (no credential) their holders use.

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::check_lengths;
use super::users::User;
use crate::auth::AuthState;
use crate::auth::guard::{Admins, Auth};
use crate::auth::one_time::{self, Issued, Issuer};
use crate::db::Pool;
use crate::domain::role::Role;
use crate::error::ApiError;
use crate::http::client::client_address;
use crate::http::json::Json;

/// Whom to invite.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "awa.ndiaye@asepex.sn", "role": "curator"}))]
pub struct CreateInvitation {
    /// The invitee's email; it must not have an account yet.
    pub email: String,
    /// What the account will be allowed to do.
    pub role: Role,
    /// The organization the account will belong to (id or slug).
    pub organization_id: Option<String>,
}

/// A one-time token just issued: the only time it is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedToken {
    /// Hand it to its holder; it is stored as a digest and never shown again.
    pub token: String,
    /// The email it is for.
    pub email: String,
    /// For an invitation, the role the account will have.
    pub role: Option<Role>,
    /// For an invitation, the organization the account will belong to.
    pub organization_id: Option<String>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

impl TryFrom<Issued> for IssuedToken {
    type Error = ApiError;

    fn try_from(issued: Issued) -> Result<Self, ApiError> {
        let row = issued.record;
        Ok(IssuedToken {
            token: issued.token,
            email: row.email,
            role: row
                .role
                .map(|r| r.parse())
                .transpose()
                .map_err(ApiError::internal)?,
            organization_id: row.organization_id,
            expires_at: row.expires_at.and_utc(),
        })
    }
}

/// An invitation's token and the password the new account will have.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitation {
    /// The token of the invitation.
    pub token: String,
    /// 12 to 128 characters, not the email.
    pub password: String,
}

/// A reset token and the new password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetPassword {
    /// The token of the reset.
    pub token: String,
    /// 12 to 128 characters, not the email.
    pub new_password: String,
}

/// Invites someone: the response carries a one-time token, valid 72 hours, with which they set
/// their password at `POST /v1/invitations/accept`. A new invitation to the same email
/// replaces the earlier one. Admins only.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body = CreateInvitation,
    responses(
        (status = 201, description = "Invited; the token is in `token`, shown once", body = IssuedToken),
        (status = 400, description = "Malformed JSON"),
        (status = 409, description = "The email already has an account"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid fields, or an unknown organization"),
    )
)]
#[post("/v1/invitations")]
pub async fn create_invitation(
    req: HttpRequest,
    admin: Auth<Admins>,
    pool: web::Data<Pool>,
    body: Json<CreateInvitation>,
) -> Result<HttpResponse, ApiError> {
    let CreateInvitation {
        email,
        role,
        organization_id,
    } = body.into_inner()?;
    let address = client_address(&req);
    let issuer = Issuer {
        user_id: Some(&admin.caller.id),
        address: &address,
    };
    let issued = one_time::invite(&pool, &email, role, organization_id, issuer).await?;
    Ok(HttpResponse::Created().json(IssuedToken::try_from(issued)?))
}

/// Accepts an invitation: creates the account with the chosen password. The token works once.
/// Needs no credential.
#[utoipa::path(
    tag = "auth",
    request_body = AcceptInvitation,
    responses(
        (status = 201, description = "The account exists; log in with it", body = User),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "The token is invalid, expired or already used"),
        (status = 409, description = "The email got an account meanwhile"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "The password breaks the policy (the token stays usable)"),
    )
)]
#[post("/v1/invitations/accept")]
pub async fn accept_invitation(
    req: HttpRequest,
    state: web::Data<AuthState>,
    pool: web::Data<Pool>,
    body: Json<AcceptInvitation>,
) -> Result<HttpResponse, ApiError> {
    let AcceptInvitation { token, password } = body.into_inner()?;
    check_lengths(&[("token", &token), ("password", &password)])?;
    let user = one_time::accept(&state, &pool, &token, password, &client_address(&req)).await?;
    let user = User::try_from(user)?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/users/{}", user.id)))
        .json(user))
}

/// Issues a one-time password-reset token for a user, valid one hour, to hand over; using it
/// at `POST /v1/auth/reset-password` ends every session of the user. Admins only.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The user's id")),
    responses(
        (status = 201, description = "Issued; the token is in `token`, shown once", body = IssuedToken),
        (status = 404, description = "No such user"),
    )
)]
#[post("/v1/users/{id}/password-reset")]
pub async fn issue_password_reset(
    req: HttpRequest,
    admin: Auth<Admins>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let address = client_address(&req);
    let issuer = Issuer {
        user_id: Some(&admin.caller.id),
        address: &address,
    };
    let issued = one_time::issue_reset(&pool, &id, issuer).await?;
    Ok(HttpResponse::Created().json(IssuedToken::try_from(issued)?))
}

/// Sets a new password with a reset token; every session of the user ends. The token works
/// once. Needs no credential.
#[utoipa::path(
    tag = "auth",
    request_body = ResetPassword,
    responses(
        (status = 204, description = "Changed; log in with the new password"),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "The token is invalid, expired or already used"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "The password breaks the policy (the token stays usable)"),
    )
)]
#[post("/v1/auth/reset-password")]
pub async fn reset_password(
    req: HttpRequest,
    state: web::Data<AuthState>,
    pool: web::Data<Pool>,
    body: Json<ResetPassword>,
) -> Result<HttpResponse, ApiError> {
    let ResetPassword { token, new_password } = body.into_inner()?;
    check_lengths(&[("token", &token), ("new_password", &new_password)])?;
    one_time::reset(&state, &pool, &token, new_password, &client_address(&req)).await?;
    Ok(HttpResponse::NoContent().finish())
}
