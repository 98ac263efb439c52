//! The OpenAPI document, generated from the routes' annotations.

use actix_web::App;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Ref, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::error::{FieldError, PROBLEM_JSON, Problem};

mod examples;
mod shape;

/// Top-level information of the document; paths are collected from the registered routes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "annuaire",
        description = "Stakeholder directory of Senegal's IT/BPO export sector: firms, their export \
                       capabilities, and the public bodies, associations, partners and programmes \
                       around them.\n\nEvery route but the probes, `/openapi.json`, `/docs` and \
                       login/refresh/logout needs `Authorization: Bearer <token>`: an access token \
                       from `/v1/auth/login`, or an API key (`annk_…`) for partner portals. Errors \
                       are RFC 9457 problem details, in French or English as `Accept-Language` \
                       asks (English by default; `Content-Language` says which); their `type`, \
                       `status` and field paths are the same in both.",
        license(name = "MIT", identifier = "MIT"),
    ),
    // Query parameters refer to these enums by reference, and flattened fields to Records;
    // neither registers what it names.
    components(schemas(Problem, FieldError, crate::domain::search::SampleFilter, crate::domain::search::SortKey, crate::domain::include::Records, crate::domain::shortlist::ShortlistFormat, crate::domain::shortlist::Lang, crate::domain::stats::Interval, crate::domain::stats::SeriesFormat, crate::domain::duplicates::Candidate)),
    tags(
        (name = "health", description = "Probes for load balancers and orchestrators"),
        (name = "auth", description = "Login, token refresh and logout"),
        (name = "users", description = "Accounts and the caller's own"),
        (name = "api-keys", description = "Keys for partner portals"),
        (name = "imports", description = "Spreadsheet imports for curators: CSV and XLSX, dry run, atomic commit, jobs"),
        (name = "matching", description = "The agency's matchmaking: buyer requests, ranked and explained shortlists, outcomes"),
        (name = "reviews", description = "Review decisions on directory entries, their threads, and the queue of what waits"),
        (name = "proposals", description = "Changes firms' representatives propose to their own organization, and curators' decisions on them"),
        (name = "claims", description = "Claims to represent an organization, and curators' decisions on them"),
        (name = "strategy", description = "The sector's export strategy: consultations, the barriers they found, strategies and their action plans, and reports on them"),
    ),
)]
pub struct ApiDoc;

/// The whole document, exactly as the server serves it at `/openapi.json`.
pub fn document() -> serde_json::Value {
    let (_, api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::configure)
        .split_for_parts();
    finish(api)
}

/// Completes the collected document: the shared [`Conventions`], then the rewrites of
/// [`shape`], made on its JSON form (utoipa's types do not read every schema they write).
pub fn finish(mut api: utoipa::openapi::OpenApi) -> serde_json::Value {
    Conventions.modify(&mut api);
    let mut json = serde_json::to_value(&api).expect("the OpenAPI document serialises");
    shape::apply(&mut json);
    examples::apply(&mut json);
    json
}

/// The document as committed in `openapi/openapi.json` (pretty-printed, newline-terminated).
pub fn to_pretty_json(document: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(document).expect("the OpenAPI document serialises");
    text.push('\n');
    text
}

/// What every route shares, applied once instead of repeated in each annotation: the bearer
/// scheme, 401 and 403 on every secured route, 413 on every route with a body, 429 on every
/// route but the probes (the request budgets), 500 and (for routes that use the database) 503
/// everywhere, and a problem+json body on every error.
pub struct Conventions;

impl Modify for Conventions {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An access token (JWT) from /v1/auth/login, or an API key (annk_…).",
                    ))
                    .build(),
            ),
        );
        for (path, item) in api.paths.paths.iter_mut() {
            // Only liveness answers without the database; everything else can find it away.
            let uses_database = path != "/healthz";
            let budgeted = path != "/healthz" && path != "/readyz";
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                let responses = &mut operation.responses.responses;
                if operation.request_body.is_some() {
                    responses
                        .entry("413".into())
                        .or_insert_with(|| problem("The body is larger than 256 KiB"));
                }
                responses
                    .entry("500".into())
                    .or_insert_with(|| problem("The service failed; the request id identifies the fault"));
                if budgeted {
                    responses.entry("429".into()).or_insert_with(|| {
                        problem("Past the request budget of the credential or client address; see Retry-After, RateLimit-Policy and RateLimit")
                    });
                }
                if uses_database {
                    responses
                        .entry("503".into())
                        .or_insert_with(|| problem("The database is not answering; retry later"));
                }
                if operation.security.as_ref().is_some_and(|s| !s.is_empty()) {
                    responses
                        .entry("401".into())
                        .or_insert_with(|| problem("Missing, malformed, expired or revoked credential"));
                    responses
                        .entry("403".into())
                        .or_insert_with(|| problem("The caller's role may not do this"));
                }
                for (status, response) in responses.iter_mut() {
                    if let RefOr::T(response) = response
                        && status.as_str() >= "400"
                        && response.content.is_empty()
                    {
                        response
                            .content
                            .insert(PROBLEM_JSON.into(), RefOr::T(problem_content()));
                    }
                }
            }
        }
    }
}

fn problem_content() -> utoipa::openapi::Content {
    ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("Problem")))
        .build()
}

fn problem(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(PROBLEM_JSON, problem_content())
            .build(),
    )
}
