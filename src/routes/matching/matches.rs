//! Ranking firms for a buyer's need, and following the ones the agency proposes.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, put, web};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::requests::find;
use crate::auth::guard::{Auth, Matchmakers};
use crate::db::{self, Pool, buyer_matches, buyer_requests, matching};
use crate::domain::buyer_request::{BuyerRequest, MatchUpdate, SavedMatch};
use crate::domain::matching::criteria::{MatchCriteria, Weights};
use crate::domain::matching::explain::{MatchResult, explain};
use crate::domain::matching::ranking::Ranking;
use crate::domain::matching::scoring::Matcher;
use crate::domain::reference::Reference;
use crate::domain::validation::Violations;
use crate::domain::vocab::MatchStatus;
use crate::error::ApiError;
use crate::facets::FacetIndex;
use crate::http::etag;
use crate::http::json::{Json, OptionalJson};
use crate::http::pagination::Page;

/// Results a ranking gives by default, and at most.
const DEFAULT_RESULTS: u32 = 20;
const MAX_RESULTS: u32 = 100;

/// How to rank; every field may be left out.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"limit": 10, "include_excluded": true}))]
pub struct RankOptions {
    /// Results wanted, 1 to 100 (default 20).
    #[schema(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// Also list up to `limit` near misses: firms offering a wanted service that fail another
    /// hard constraint, each with the constraints it fails. Every candidate is then read, so
    /// this is slower on a broad request.
    #[serde(default)]
    pub include_excluded: bool,
    /// The weight of each criterion; the defaults when left out.
    pub weights: Option<Weights>,
    /// Also rank demonstration firms (`is_sample`), each flagged `sample`: left out by default,
    /// so that a buyer is never shown a firm that does not exist.
    #[serde(default)]
    pub include_samples: bool,
}

impl RankOptions {
    fn check(&self) -> Result<(u32, Weights), ApiError> {
        let mut v = Violations::default();
        let limit = self.limit.unwrap_or(DEFAULT_RESULTS);
        if !(1..=MAX_RESULTS).contains(&limit) {
            v.add("limit", format!("must be from 1 to {MAX_RESULTS}"));
        }
        let weights = self.weights.unwrap_or_default();
        weights.check("weights", &mut v);
        v.finish()?;
        Ok((limit, weights))
    }
}

/// A buyer's need to rank firms for, without recording it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    /// What the buyer needs.
    pub criteria: MatchCriteria,
    /// How to rank.
    #[serde(default)]
    pub options: RankOptions,
}

/// The published firms able to serve a need, best first.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankingAnswer {
    /// The request ranked for; absent for a preview.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The day certificates had to be valid on: the start date, or today if later.
    pub reference_date: NaiveDate,
    /// The weights used.
    pub weights: Weights,
    /// Firms that pass every hard constraint, best first; equal scores by name, then id.
    pub results: Vec<MatchResult>,
    /// With `include_excluded`: the nearest misses, fewest failed constraints first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excluded: Option<Vec<MatchResult>>,
}

async fn rank(
    pool: &Pool,
    reference: web::Data<Reference>,
    index: web::Data<FacetIndex>,
    criteria: MatchCriteria,
    options: RankOptions,
    request_id: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let (limit, weights) = options.check()?;
    let include_excluded = options.include_excluded;
    let include_samples = options.include_samples;
    let answer = db::run(pool, move |conn| {
        let matcher = Matcher::new(&criteria, weights, &reference, Utc::now().date_naive());
        let mut ranking =
            Ranking::new(&matcher, limit as usize, include_excluded).with_samples(include_samples);
        // While the in-memory index loads, the database ranks.
        if !index.rank(conn, &mut ranking)? {
            matching::rank(conn, &mut ranking)?;
        }
        let (mut results, mut excluded) = ranking.finish();
        if include_samples {
            let ids: Vec<&str> = results
                .iter()
                .chain(&excluded)
                .map(|r| r.organization_id.as_str())
                .collect();
            let samples = matching::samples_among(conn, &ids)?;
            for result in results.iter_mut().chain(excluded.iter_mut()) {
                result.sample = samples.contains(&result.organization_id);
            }
        }
        Ok(RankingAnswer {
            request_id,
            reference_date: matcher.reference_date(),
            weights,
            results,
            excluded: include_excluded.then_some(excluded),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// Ranks the published firms for a recorded request: firms that offer none of the wanted
/// services (a category covers the services below it), lack a required language on them, hold
/// no required certificate valid at the start date, or have too little capacity are left out;
/// the others are scored on the named, weighted criteria, each with its reason in French and
/// English. Nothing is saved: save the chosen firms with `PUT …/matches/{organization_id}`.
/// The body may be left out. Agency and admins.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The request's id")),
    request_body(content = Option<RankOptions>, description = "How to rank; optional"),
    responses(
        (status = 200, description = "The ranking", body = RankingAnswer),
        (status = 400, description = "Malformed JSON"),
        (status = 404, description = "No such request"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid options, all listed"),
    )
)]
#[post("/v1/buyer-requests/{id}/matches")]
pub async fn rank_for_request(
    _auth: Auth<Matchmakers>,
    pool: web::Data<Pool>,
    reference: web::Data<Reference>,
    index: web::Data<FacetIndex>,
    id: web::Path<String>,
    body: OptionalJson<RankOptions>,
) -> Result<HttpResponse, ApiError> {
    let options = body.into_inner()?;
    let request = find(&pool, id.into_inner()).await?;
    rank(
        &pool,
        reference,
        index,
        request.fields.criteria,
        options,
        Some(request.id),
    )
    .await
}

/// Ranks the published firms for a need given in the body, without recording anything: the
/// same rules as a recorded request's ranking. Agency and admins.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    request_body = PreviewRequest,
    responses(
        (status = 200, description = "The ranking", body = RankingAnswer),
        (status = 400, description = "Malformed JSON"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid criteria or options, all listed"),
    )
)]
#[post("/v1/matches/preview")]
pub async fn preview_matches(
    _auth: Auth<Matchmakers>,
    pool: web::Data<Pool>,
    reference: web::Data<Reference>,
    index: web::Data<FacetIndex>,
    body: Json<PreviewRequest>,
) -> Result<HttpResponse, ApiError> {
    let preview = body.into_inner()?;
    let mut v = Violations::default();
    preview.criteria.check("criteria.", &reference, &mut v);
    v.finish()?;
    rank(&pool, reference, index, preview.criteria, preview.options, None).await
}

/// The firms saved for a request, best score first. Agency and admins.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The request's id")),
    responses(
        (status = 200, description = "Every saved match (at most 100, so one page)", body = Page<SavedMatch>),
        (status = 404, description = "No such request"),
    )
)]
#[get("/v1/buyer-requests/{id}/matches")]
pub async fn list_saved_matches(
    _auth: Auth<Matchmakers>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let request = find(&pool, id.into_inner()).await?;
    let items = db::run(&pool, move |conn| buyer_matches::of_request(conn, &request.id)).await?;
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: None,
    }))
}

fn tag(saved: &SavedMatch) -> String {
    format!("\"{}\"", saved.version)
}

fn ensure_active(request: &BuyerRequest) -> Result<(), ApiError> {
    if request.is_active() {
        Ok(())
    } else {
        Err(ApiError::Conflict(format!(
            "the request is {}; reopen it to propose or move firms",
            request.fields.status.as_str()
        )))
    }
}

/// Saves a published firm for a request as `proposed`, with its assessment (default weights)
/// as of now, even if it fails a hard constraint (the assessment then says which). Saving it
/// again changes only the note. Agency and admins.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The request's id"),
        ("organization_id" = String, Path, description = "The firm's id"),
    ),
    request_body(content = Option<MatchUpdate>, description = "A note; `status` may not be given here"),
    responses(
        (status = 201, description = "Saved", body = SavedMatch, headers(("ETag" = String))),
        (status = 200, description = "Already saved; note updated", body = SavedMatch, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 404, description = "No such request, or no published firm with this id"),
        (status = 409, description = "The request is closed or cancelled, or already has 100 matches"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid note, or a status"),
    )
)]
#[put("/v1/buyer-requests/{id}/matches/{organization_id}")]
pub async fn save_match(
    auth: Auth<Matchmakers>,
    pool: web::Data<Pool>,
    reference: web::Data<Reference>,
    path: web::Path<(String, String)>,
    body: OptionalJson<MatchUpdate>,
) -> Result<HttpResponse, ApiError> {
    let update = body.into_inner()?;
    update.validate()?;
    if update.status.is_some() || update.contract.is_some() {
        return Err(ApiError::invalid(
            "status",
            "a saved firm starts proposed; PATCH it to move it",
        ));
    }
    let (request_id, organization_id) = path.into_inner();
    let request = find(&pool, request_id).await?;
    ensure_active(&request)?;
    let caller = auth.caller;
    let (created, saved) = db::transaction(&pool, move |conn| {
        // Saves for one request take turns: two saving the same firm at once would both find
        // none and the second insert would be refused, where it should update.
        db::hold_row(conn, "buyer_requests", &request.id)?;
        let now = db::now().and_utc();
        if let Some(before) = buyer_matches::find(conn, &request.id, &organization_id)? {
            let after = SavedMatch {
                note: update.note.unwrap_or(before.note.clone()),
                position: update.position.unwrap_or(before.position),
                version: before.version + 1,
                ..before.clone()
            };
            buyer_matches::save(conn, &before, &after, &caller)?;
            return Ok((false, after));
        }
        let matcher = Matcher::new(
            &request.fields.criteria,
            Weights::default(),
            &reference,
            now.date_naive(),
        );
        let candidate = matching::candidate(conn, &organization_id)?.ok_or(ApiError::NotFound)?;
        let saved = SavedMatch {
            request_id: request.id.clone(),
            organization_id,
            status: MatchStatus::Proposed,
            note: update.note.flatten(),
            evaluation: explain(&matcher, &candidate, &matcher.assess(&candidate)),
            position: update.position.flatten(),
            contract: None,
            introduced_at: None,
            status_changed_by: caller.id.clone(),
            status_changed_at: now,
            version: 1,
            created_at: now,
        };
        buyer_matches::insert(conn, &saved, &caller)?;
        Ok((true, saved))
    })
    .await?;
    let mut response = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(response.insert_header(("ETag", tag(&saved))).json(saved))
}

/// Moves a saved firm along (`proposed` → `shortlisted` or `declined`; `shortlisted` →
/// `introduced` or `declined`; `introduced` → `won`, `lost` or `declined`; any other move is a
/// 409) and/or changes its note. `If-Match` is checked when sent. Agency and admins.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The request's id"),
        ("organization_id" = String, Path, description = "The firm's id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read"),
    ),
    request_body = MatchUpdate,
    responses(
        (status = 200, description = "Moved", body = SavedMatch, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 404, description = "No such request or saved firm"),
        (status = 409, description = "A move that is not allowed, or the request is closed"),
        (status = 412, description = "Changed since you read it"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid status or note"),
    )
)]
#[patch("/v1/buyer-requests/{id}/matches/{organization_id}")]
pub async fn update_match(
    auth: Auth<Matchmakers>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    path: web::Path<(String, String)>,
    body: Json<MatchUpdate>,
) -> Result<HttpResponse, ApiError> {
    let update = body.into_inner()?;
    update.validate()?;
    let (request_id, organization_id) = path.into_inner();
    let sent = etag::sent_if_match(&req);
    let caller = auth.caller;
    let after = db::transaction(&pool, move |conn| {
        // Moves on one request take turns, so that a PATCH without If-Match is applied to the
        // match as the previous one left it, and the request's status is read as it stands.
        db::hold_row(conn, "buyer_requests", &request_id)?;
        let request = buyer_requests::find(conn, &request_id)?.ok_or(ApiError::NotFound)?;
        let before = buyer_matches::find(conn, &request.id, &organization_id)?.ok_or(ApiError::NotFound)?;
        etag::check_sent(sent.as_deref(), &tag(&before))?;
        // A contract's value is often known after the request was closed: that alone may follow.
        let late = update.is_late_outcome() && before.status == MatchStatus::Won;
        let after = update.apply(&before, &caller.id, db::now().and_utc())?;
        if !late {
            ensure_active(&request)?;
        }
        buyer_matches::save(conn, &before, &after, &caller)?;
        Ok(after)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", tag(&after)))
        .json(after))
}
