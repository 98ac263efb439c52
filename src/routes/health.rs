//! Liveness and readiness probes, open to anyone (load balancers, orchestrators).

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::{self, Pool};
use crate::error::{ApiError, PROBLEM_JSON, Problem};
use crate::facets::FacetIndex;

/// How long readiness waits for the database before answering 503.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// A probe's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` on a 200.
    #[schema(example = "ok")]
    pub status: &'static str,
}

fn ok() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(Health { status: "ok" })
}

/// Liveness: the process is up and answering HTTP. It does not touch the database, so an
/// orchestrator does not restart the service when only the database is down.
#[utoipa::path(tag = "health", responses((status = 200, description = "The process is up", body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    ok()
}

/// Readiness: the database answers a trivial query within two seconds, and the facet index has
/// been loaded (seconds per hundred thousand organizations after a start). A load balancer
/// should route traffic here only while this is 200; it turns 200 again by itself once the
/// database is back.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "The database answers", body = Health),
        (status = 503, description = "The database does not answer, or the server is still starting", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
pub async fn readyz(pool: web::Data<Pool>, facets: web::Data<FacetIndex>) -> Result<HttpResponse, ApiError> {
    db::ping(&pool, READY_TIMEOUT).await?;
    if !facets.is_loaded() {
        // Expected for seconds after every start: answered, not logged as a fault.
        let starting = Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "The service is starting (loading its facet index); retry later.",
        );
        return Ok(HttpResponse::ServiceUnavailable()
            .content_type(PROBLEM_JSON)
            .insert_header(("Cache-Control", "no-store"))
            .json(starting));
    }
    Ok(ok())
}
