//! Change proposals: representatives propose, curators approve or reject.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, post, web};

use super::organizations::visible_to;
use super::proposing::{self, Intent};
use crate::auth::Caller;
use crate::auth::guard::{Auth, Curators, Insiders, Representatives};
use crate::db::proposals::ProposalRow;
use crate::db::{self, DbConnection, Pool, organizations};
use crate::domain::organization::Organization;
use crate::domain::proposal::{Proposal, ProposalRequest, ProposalStatus};
use crate::domain::reference::Reference;
use crate::domain::review::{QueueItem, QueuedOrganization, QueuedProposal, ReviewComment, ReviewKind};
use crate::domain::role::Role;
use crate::domain::vocab::Status;
use crate::error::ApiError;
use crate::http::json::{Json, OptionalJson};
use crate::http::pagination::Page;

/// How many proposals one organization's list shows, newest first.
const LISTED: i64 = 200;

/// Representations of stored proposals, each judged against the directory now.
pub(super) fn represent(conn: &mut DbConnection, rows: Vec<ProposalRow>) -> Result<Vec<Proposal>, ApiError> {
    let people: Vec<&str> = rows.iter().map(|row| row.proposed_by.as_str()).collect();
    let mut emails = db::reviews::emails(conn, &people)?;
    let ids: Vec<&str> = rows.iter().map(|row| row.organization_id.as_str()).collect();
    let orgs: HashMap<String, Organization> = organizations::find_many(conn, &ids)?
        .into_iter()
        .map(|org| (org.id.clone(), org))
        .collect();
    let deciders: Vec<String> = rows
        .iter()
        .filter_map(ProposalRow::decider)
        .map(str::to_owned)
        .collect();
    let deciders: Vec<&str> = deciders.iter().map(String::as_str).collect();
    emails.extend(db::reviews::emails(conn, &deciders)?);
    rows.into_iter()
        .map(|row| {
            let (conflict, changes) = match (row.status()?, orgs.get(&row.organization_id)) {
                (ProposalStatus::Pending, Some(org)) => proposing::assess(conn, org, &Intent::of(&row)?)?,
                _ => (false, Vec::new()),
            };
            row.into_proposal(&emails, conflict, changes)
        })
        .collect()
}

/// Up to `limit` pending proposals as items of the review queue, oldest first, after `after`.
pub(super) fn queued(
    conn: &mut DbConnection,
    after: Option<&db::reviews::QueueKey>,
    limit: i64,
) -> Result<Vec<QueueItem>, ApiError> {
    let rows = db::proposals::pending(conn, after, limit)?;
    let ids: Vec<&str> = rows.iter().map(|row| row.organization_id.as_str()).collect();
    let orgs: HashMap<String, Organization> = organizations::find_many(conn, &ids)?
        .into_iter()
        .map(|org| (org.id.clone(), org))
        .collect();
    let proposals = represent(conn, rows)?;
    Ok(proposals
        .into_iter()
        .filter_map(|p| {
            let org = orgs.get(&p.organization_id)?;
            Some(QueueItem {
                reason: "proposal".into(),
                claim: None,
                proposal: Some(QueuedProposal {
                    id: p.id,
                    target: p.target,
                    operation: p.operation,
                    record_id: p.record_id,
                    in_conflict: p.in_conflict,
                }),
                organization: QueuedOrganization::of(org),
                submitted_by: p.proposed_by,
                submitted_at: p.proposed_at,
                version: org.version,
                published_version: (org.status == Status::Published).then_some(org.version),
                changes: p.field_changes,
            })
        })
        .collect())
}

/// The proposal `id` for `caller`: staff see every one, a representative those of its own
/// organization; others do not exist for them.
async fn proposal_for(pool: &Pool, id: String, caller: &Caller) -> Result<ProposalRow, ApiError> {
    let row = db::run(pool, move |conn| db::proposals::find(conn, &id)).await?;
    row.filter(|row| caller.role != Role::Representative || caller.represents(&row.organization_id))
        .ok_or(ApiError::NotFound)
}

async fn one(pool: &Pool, row: ProposalRow) -> Result<Proposal, ApiError> {
    let mut listed = db::run(pool, move |conn| represent(conn, vec![row])).await?;
    listed
        .pop()
        .ok_or_else(|| ApiError::internal("a proposal vanished"))
}

/// Proposes a change to the caller's own organization: a merge patch of its fields
/// (`target: organization`), or a new, changed or removed record (`target: capabilities`,
/// `markets`, …, with `operation` and `record_id`). `base_version` is the version read (the
/// ETag's number, the record's for a record's update or removal). The change is checked now
/// as a curator's would be, and nothing changes until a curator approves it; the published
/// entry stays as it is. Representatives of the organization only.
#[utoipa::path(
    tag = "proposals",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Id or slug of the caller's organization")),
    request_body = ProposalRequest,
    responses(
        (status = 201, description = "Proposed; it waits in the review queue", body = Proposal, headers(("Location" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 403, description = "Not a representative of this organization"),
        (status = 404, description = "No such organization"),
        (status = 409, description = "The organization is archived"),
        (status = 412, description = "`base_version` is not the version there now: read it again"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid proposal or fields, all listed"),
    )
)]
#[post("/v1/organizations/{id}/proposals")]
pub async fn create_proposal(
    auth: Auth<Representatives>,
    reference: web::Data<Reference>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: Json<ProposalRequest>,
) -> Result<HttpResponse, ApiError> {
    let proposal = body.into_inner()?.checked()?;
    let (org, _) = visible_to(&pool, id.into_inner(), &auth.caller).await?;
    if !auth.caller.represents(&org.id) {
        return Err(ApiError::Forbidden);
    }
    if org.status == Status::Archived {
        return Err(ApiError::Conflict(
            "An archived organization cannot be changed.".into(),
        ));
    }
    let intent = Intent {
        target: proposal.target,
        operation: proposal.operation,
        record_id: proposal.record_id.clone(),
        base_version: proposal.base_version,
        changes: proposal.changes.clone(),
    };
    proposing::check(&pool, &reference, &org, &intent).await?;
    let caller = auth.caller.clone();
    let row = db::transaction(&pool, move |conn| {
        let id = db::proposals::insert(conn, &org.id, &proposal, &caller)?;
        db::proposals::find(conn, &id)?.ok_or_else(|| ApiError::internal("a proposal vanished"))
    })
    .await?;
    let proposal = one(&pool, row).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/proposals/{}", proposal.id)))
        .json(proposal))
}

/// The proposals for an organization, newest first (the latest 200), each pending one with
/// what it changes against what is there now and whether it is in conflict. Staff, and the
/// organization's own representatives; partners never see them.
#[utoipa::path(
    tag = "proposals",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Id or slug")),
    responses(
        (status = 200, description = "The proposals", body = Page<Proposal>),
        (status = 404, description = "No such organization (or not yours)"),
    )
)]
#[get("/v1/organizations/{id}/proposals")]
pub async fn list_proposals(
    auth: Auth<Insiders>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (org, viewer) = visible_to(&pool, id.into_inner(), &auth.caller).await?;
    if !viewer.sees_contacts() {
        return Err(ApiError::NotFound);
    }
    let items = db::run(&pool, move |conn| {
        let rows = db::proposals::of_organization(conn, &org.id, LISTED)?;
        represent(conn, rows)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: None,
    }))
}

/// One proposal. Staff, and the representatives of its organization.
#[utoipa::path(
    tag = "proposals",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The proposal's id")),
    responses(
        (status = 200, description = "The proposal", body = Proposal),
        (status = 404, description = "No such proposal (or not yours)"),
    )
)]
#[get("/v1/proposals/{id}")]
pub async fn get_proposal(
    auth: Auth<Insiders>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let row = proposal_for(&pool, id.into_inner(), &auth.caller).await?;
    Ok(HttpResponse::Ok().json(one(&pool, row).await?))
}

/// A pending proposal, with its organization as it is now.
async fn pending(pool: &Pool, id: String, caller: &Caller) -> Result<(ProposalRow, Organization), ApiError> {
    let row = proposal_for(pool, id, caller).await?;
    if row.status()? != ProposalStatus::Pending {
        return Err(ApiError::Conflict("The proposal was decided already.".into()));
    }
    let organization_id = row.organization_id.clone();
    let org = db::run(pool, move |conn| organizations::find(conn, &organization_id)).await?;
    Ok((row, org.ok_or(ApiError::NotFound)?))
}

/// Approves a pending proposal and applies it as the curator's own write (audit trail, change
/// feed, facets, match profiles), in one transaction with the decision. It applies only to the
/// version it was made against: a proposal whose organization or record moved since is in
/// conflict (`409`), stays pending, and is best rejected so that its author proposes again.
/// Curators and admins.
#[utoipa::path(
    tag = "proposals",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The proposal's id")),
    request_body(content = Option<ReviewComment>, description = "An optional comment"),
    responses(
        (status = 200, description = "Approved and applied", body = Proposal),
        (status = 400, description = "Malformed JSON"),
        (status = 404, description = "No such proposal"),
        (status = 409, description = "Decided already, in conflict with the version there now, or the organization is archived"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid comment, or the change no longer passes validation"),
    )
)]
#[post("/v1/proposals/{id}/approve")]
pub async fn approve_proposal(
    auth: Auth<Curators>,
    reference: web::Data<Reference>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: OptionalJson<ReviewComment>,
) -> Result<HttpResponse, ApiError> {
    let comment = body.into_inner()?.checked(false)?;
    let (row, org) = pending(&pool, id.into_inner(), &auth.caller).await?;
    if org.status == Status::Archived {
        return Err(ApiError::Conflict(
            "An archived organization cannot be changed.".into(),
        ));
    }
    let proposal_id = row.id.clone();
    proposing::approve(&pool, &reference, org, row, comment, auth.caller.clone()).await?;
    let row = db::run(&pool, move |conn| db::proposals::find(conn, &proposal_id)).await?;
    let row = row.ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(one(&pool, row).await?))
}

/// Rejects a pending proposal, saying why: the `comment` is required, goes to its author with
/// the proposal and joins the organization's review thread. Nothing else changes. Curators
/// and admins.
#[utoipa::path(
    tag = "proposals",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The proposal's id")),
    request_body = ReviewComment,
    responses(
        (status = 200, description = "Rejected", body = Proposal),
        (status = 400, description = "Malformed JSON"),
        (status = 404, description = "No such proposal"),
        (status = 409, description = "Decided already"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "The comment is missing or invalid"),
    )
)]
#[post("/v1/proposals/{id}/reject")]
pub async fn reject_proposal(
    auth: Auth<Curators>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: Json<ReviewComment>,
) -> Result<HttpResponse, ApiError> {
    let comment = body.into_inner()?.checked(true)?;
    let (row, org) = pending(&pool, id.into_inner(), &auth.caller).await?;
    close(&pool, row, org, ProposalStatus::Rejected, comment, auth.caller).await
}

/// Withdraws a pending proposal. Its author's organization's representatives only.
#[utoipa::path(
    tag = "proposals",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The proposal's id")),
    responses(
        (status = 200, description = "Withdrawn", body = Proposal),
        (status = 404, description = "No such proposal (or not yours)"),
        (status = 409, description = "Decided already"),
    )
)]
#[post("/v1/proposals/{id}/withdraw")]
pub async fn withdraw_proposal(
    auth: Auth<Representatives>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (row, org) = pending(&pool, id.into_inner(), &auth.caller).await?;
    close(&pool, row, org, ProposalStatus::Withdrawn, None, auth.caller).await
}

async fn close(
    pool: &Pool,
    row: ProposalRow,
    org: Organization,
    status: ProposalStatus,
    comment: Option<String>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let row = db::transaction(pool, move |conn| {
        db::proposals::decide(conn, &row.id, status, comment.as_deref(), None, &caller)?;
        if status == ProposalStatus::Rejected {
            let kind = ReviewKind::ProposalRejected;
            db::reviews::record(conn, &org.id, kind, comment.as_deref(), org.version, &caller)?;
        }
        db::proposals::find(conn, &row.id)?.ok_or(ApiError::NotFound)
    })
    .await?;
    Ok(HttpResponse::Ok().json(one(pool, row).await?))
}
