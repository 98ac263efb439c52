//! Organizations: create, read, list, change, and move through their lifecycle.

use actix_web::{HttpRequest, HttpResponse, patch, post, web};
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;

use crate::auth::Caller;
use crate::auth::guard::{Auth, Curators};
use crate::db::{self, Pool, organizations};
use crate::domain::checks::slugify;
use crate::domain::organization::{Action, Organization, OrganizationFields};
use crate::domain::reference::Reference;
use crate::domain::review::{self, ReviewRules};
use crate::domain::verification::{self as verifying, VerificationRequest};
use crate::domain::visibility::Viewer;
use crate::domain::vocab::Status;
use crate::error::ApiError;
use crate::http::etag;
use crate::http::json::Json;

/// An organization with its ETag.
pub(super) fn respond(
    mut response: actix_web::HttpResponseBuilder,
    org: Organization,
    viewer: Viewer,
) -> HttpResponse {
    response
        .insert_header(("ETag", etag::tag(org.version, viewer)))
        .json(org.for_viewer(viewer))
}

/// The organization `id` (or slug) as `viewer` may see it: a 404 when it does not exist for them.
pub(super) async fn visible(pool: &Pool, id: String, viewer: Viewer) -> Result<Organization, ApiError> {
    let org = db::run(pool, move |conn| organizations::find(conn, &id)).await?;
    org.filter(|org| viewer.sees(org.status))
        .ok_or(ApiError::NotFound)
}

/// The organization `id` (or slug) as `caller` may see it, with the viewpoint it is seen from
/// (a representative sees its own in full): a 404 when it does not exist for them.
pub(super) async fn visible_to(
    pool: &Pool,
    id: String,
    caller: &Caller,
) -> Result<(Organization, Viewer), ApiError> {
    let org = db::run(pool, move |conn| organizations::find(conn, &id)).await?;
    let org = org.ok_or(ApiError::NotFound)?;
    let viewer = caller.viewer_of(&org.id);
    match viewer.sees(org.status) {
        true => Ok((org, viewer)),
        false => Err(ApiError::NotFound),
    }
}

/// The parameters of a create.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CreateQuery {
    /// Create it even if it resembles organizations of the directory (default false: a `409`
    /// naming them).
    pub allow_duplicate: Option<bool>,
}

/// The organization `id` (or slug) as `caller` may see it, with the viewpoint, or, when it
/// was merged into another, the survivor's id (a 404 when the caller may not see the
/// survivor). Only an archived organization costs the second read.
pub(super) async fn visible_or_moved(
    pool: &Pool,
    id: String,
    caller: &Caller,
) -> Result<Result<(Organization, Viewer), String>, ApiError> {
    let caller = caller.clone();
    db::run(pool, move |conn| {
        let org = organizations::find(conn, &id)?.ok_or(ApiError::NotFound)?;
        if org.status == Status::Archived
            && let Some(into) = db::merges::merged_into(conn, &org.id)?
        {
            let survivor = organizations::find(conn, &into)?
                .filter(|survivor| caller.viewer_of(&survivor.id).sees(survivor.status))
                .ok_or(ApiError::NotFound)?;
            return Ok(Err(survivor.id));
        }
        let viewer = caller.viewer_of(&org.id);
        match viewer.sees(org.status) {
            true => Ok(Ok((org, viewer))),
            false => Err(ApiError::NotFound),
        }
    })
    .await
}

/// Creates an organization, as a draft. An entry that resembles organizations of the directory
/// (same website domain, phone or public email; the same name once case, accents, punctuation
/// and legal forms are set aside; or a name alike by its letters) is refused with `409` and the
/// `candidates`, unless `allow_duplicate=true`. Curators and admins.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(CreateQuery),
    request_body = OrganizationFields,
    responses(
        (status = 201, description = "Created as a draft", body = Organization,
         headers(("ETag" = String, description = "The version, for If-Match"), ("Location" = String))),
        (status = 400, description = "Malformed JSON, or a bad parameter"),
        (status = 409, description = "Likely a duplicate: `candidates` lists the organizations it resembles, with the evidence"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid fields, all listed"),
    )
)]
#[post("/v1/organizations")]
pub async fn create_organization(
    auth: Auth<Curators>,
    reference: web::Data<Reference>,
    pool: web::Data<Pool>,
    query: web::Query<CreateQuery>,
    body: Json<OrganizationFields>,
) -> Result<HttpResponse, ApiError> {
    let fields = body.into_inner()?;
    fields.validate(&reference)?;
    let now = db::now().and_utc();
    let caller = auth.caller.clone();
    let allow_duplicate = query.allow_duplicate.unwrap_or(false);
    let org = db::transaction(&pool, move |conn| {
        if !allow_duplicate {
            db::duplicates::refuse_likely(conn, &fields, None)?;
        }
        let org = Organization {
            id: uuid::Uuid::now_v7().to_string(),
            slug: organizations::free_slug(conn, &slugify(&fields.name))?,
            fields,
            status: Status::Draft,
            verification: None,
            version: 1,
            created_at: now,
            updated_at: now,
            records: Default::default(),
        };
        organizations::insert(conn, &org, &caller)?;
        Ok(org)
    })
    .await?;
    let mut response = HttpResponse::Created();
    response.insert_header(("Location", format!("/v1/organizations/{}", org.id)));
    Ok(respond(response, org, auth.caller.viewer()))
}

/// Changes an organization with a JSON Merge Patch (RFC 7396) of its fields: absent keeps,
/// `null` clears, a value replaces. Needs `If-Match` with the ETag last read. Curators and admins.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Id or slug"),
        ("If-Match" = String, Header, description = "The ETag last read"),
    ),
    request_body(content = OrganizationFields, description = "Any subset of the fields", content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "Changed", body = Organization, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 404, description = "No such organization"),
        (status = 409, description = "The organization is archived"),
        (status = 412, description = "Changed since you read it"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid fields, all listed"),
        (status = 428, description = "If-Match missing"),
    )
)]
#[patch("/v1/organizations/{id}")]
pub async fn update_organization(
    auth: Auth<Curators>,
    req: HttpRequest,
    reference: web::Data<Reference>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.into_inner()?;
    let viewer = auth.caller.viewer();
    let before = visible(&pool, id.into_inner(), viewer).await?;
    etag::require_match(&req, &etag::tag(before.version, viewer))?;
    if before.status == Status::Archived {
        return Err(ApiError::Conflict(
            "An archived organization cannot be changed.".into(),
        ));
    }
    let fields = crate::domain::merge_patch::apply(&before.fields, patch)?;
    fields.validate(&reference)?;
    let now = db::now().and_utc();
    let changed = Organization {
        fields,
        version: before.version + 1,
        updated_at: now,
        ..before.clone()
    };
    // A new name or registry identifier is not what the verification checked.
    let after = verifying::after_change(&before, changed, now.date_naive());
    let caller = auth.caller.clone();
    let saved = after.clone();
    db::transaction(&pool, move |conn| {
        organizations::save(conn, &before, &saved, "updated", &caller)
    })
    .await?;
    Ok(respond(HttpResponse::Ok(), after, viewer))
}

/// A lifecycle action with what it carries: a comment for the review thread, the method and
/// evidence of a verification.
pub(super) struct Step {
    /// The action.
    pub action: Action,
    /// For the review thread.
    pub comment: Option<String>,
    /// For `verify`.
    pub verification: Option<VerificationRequest>,
}

impl Step {
    /// An action that carries nothing.
    pub fn bare(action: Action) -> Self {
        Step {
            action,
            comment: None,
            verification: None,
        }
    }
}

/// Applies a lifecycle action; `If-Match` is checked when sent. The organization is read,
/// checked and saved in one transaction holding its row, so that of concurrent moves each
/// sees the outcome of those before it: a move that was overtaken is judged against the new
/// status (409 if no longer allowed), never refused as a stale version it did not claim.
/// Submissions and decisions on entries in review go to the review thread in the same
/// transaction, with `comment`; the four-eyes rule reads the thread's latest submission.
pub(super) async fn transition(
    auth: Auth<Curators>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    rules: ReviewRules,
    id: String,
    step: Step,
) -> Result<HttpResponse, ApiError> {
    let viewer = auth.caller.viewer();
    let if_match = etag::sent_if_match(&req);
    let caller = auth.caller.clone();
    let Step {
        action,
        comment,
        verification,
    } = step;
    let after = db::transaction(&pool, move |conn| {
        let before = organizations::find_for_update(conn, &id)?
            .filter(|org| viewer.sees(org.status))
            .ok_or(ApiError::NotFound)?;
        etag::check_sent(if_match.as_deref(), &etag::tag(before.version, viewer))?;
        let now = db::now().and_utc();
        let status = action.next_status(before.status)?;
        if action.approves_review(before.status) {
            let submitter = db::reviews::submitter(conn, &before.id)?;
            review::may_decide(rules.four_eyes, submitter.as_deref(), &caller.id)?;
        }
        let verification = match verification {
            Some(made) => Some(made.record(now, &caller.id, rules.verification_valid_days)),
            None => before.verification.clone(),
        };
        let after = Organization {
            status,
            verification,
            version: before.version + 1,
            updated_at: now,
            ..before.clone()
        };
        organizations::save(conn, &before, &after, action.audit_name(), &caller)?;
        if let Some(kind) = review::entry_of(action, before.status) {
            db::reviews::record(conn, &after.id, kind, comment.as_deref(), after.version, &caller)?;
        }
        Ok(after)
    })
    .await?;
    Ok(respond(HttpResponse::Ok(), after, viewer))
}

/// Declares a lifecycle route: one documented handler per action.
macro_rules! lifecycle_route {
    ($handler:ident, $path:literal, $action:expr, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(
            tag = "organizations",
            security(("bearer" = [])),
            params(
                ("id" = String, Path, description = "Id or slug"),
                ("If-Match" = Option<String>, Header, description = "The ETag last read; checked when sent"),
            ),
            responses(
                (status = 200, description = "Done", body = Organization, headers(("ETag" = String))),
                (status = 404, description = "No such organization"),
                (status = 409, description = "Not allowed from the current status, or refused by the four-eyes rule"),
                (status = 412, description = "Changed since you read it"),
            )
        )]
        #[post($path)]
        pub async fn $handler(
            auth: Auth<Curators>,
            req: HttpRequest,
            pool: web::Data<Pool>,
            rules: web::Data<ReviewRules>,
            id: web::Path<String>,
        ) -> Result<HttpResponse, ApiError> {
            transition(auth, req, pool, **rules, id.into_inner(), Step::bare($action)).await
        }
    };
}

lifecycle_route!(
    submit_organization,
    "/v1/organizations/{id}/submit",
    Action::Submit,
    "Submits a draft for review (draft → in_review); it joins the review queue and its thread records who asked. Curators and admins."
);
lifecycle_route!(
    publish_organization,
    "/v1/organizations/{id}/publish",
    Action::Publish,
    "Publishes an organization (draft or in_review → published): partners see it from now on. An entry in review is published as by `approve`: under the four-eyes rule not by whoever submitted it. Curators and admins."
);
lifecycle_route!(
    unpublish_organization,
    "/v1/organizations/{id}/unpublish",
    Action::Unpublish,
    "Withdraws an organization from partners (published → draft). Curators and admins."
);
lifecycle_route!(
    archive_organization,
    "/v1/organizations/{id}/archive",
    Action::Archive,
    "Archives an organization for good; it becomes read-only. Curators and admins."
);
/// Records that a curator checked the organization against its sources now: how (`method`)
/// and on what evidence (`note`, staff only). It holds for `ANNUAIRE_VERIFICATION_VALID_DAYS`
/// (365 by default) and lapses the day before a change to the name, the registry identifiers
/// or a capability's capacity; `verified=true`, facets and matching count it only while in
/// force. Curators and admins.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Id or slug"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read; checked when sent"),
    ),
    request_body = VerificationRequest,
    responses(
        (status = 200, description = "Verified", body = Organization, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 404, description = "No such organization"),
        (status = 409, description = "The organization is archived"),
        (status = 412, description = "Changed since you read it"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid method or note"),
    )
)]
#[post("/v1/organizations/{id}/verify")]
pub async fn verify_organization(
    auth: Auth<Curators>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    rules: web::Data<ReviewRules>,
    id: web::Path<String>,
    body: Json<VerificationRequest>,
) -> Result<HttpResponse, ApiError> {
    let step = Step {
        verification: Some(body.into_inner()?.checked()?),
        ..Step::bare(Action::Verify)
    };
    transition(auth, req, pool, **rules, id.into_inner(), step).await
}
