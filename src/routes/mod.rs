//! HTTP routes. Handlers stay thin: they extract, call `domain` or `db`, and shape the answer.

mod health;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented route; the OpenAPI document is collected from the same calls.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz).service(health::readyz);
}
