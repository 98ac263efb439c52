//! The OpenAPI document, generated from the routes' annotations.

use actix_web::App;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

/// Top-level information of the document; paths are collected from the registered routes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "annuaire",
        description = "Stakeholder directory of Senegal's IT/BPO export sector: firms, their export \
                       capabilities, and the public bodies, associations, partners and programmes \
                       around them.",
        license(name = "MIT", identifier = "MIT"),
    ),
    tags((name = "health", description = "Probes for load balancers and orchestrators")),
)]
pub struct ApiDoc;

/// The whole document, exactly as the server serves it at `/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::configure)
        .split_for_parts()
        .1
}

/// The document as committed in `openapi/openapi.json` (pretty-printed, newline-terminated).
pub fn to_pretty_json(api: &utoipa::openapi::OpenApi) -> String {
    let mut text = api.to_pretty_json().expect("the OpenAPI document serialises");
    text.push('\n');
    text
}
