//! The controlled lists, readable by every role.

use actix_web::{HttpResponse, get, web};

use crate::auth::guard::{Anyone, Auth};
use crate::domain::reference::{CodedName, Reference, TaxonomyTerm};

/// The taxonomy of IT/BPO export services: two levels, bilingual, each term mapped to its
/// ISIC Rev.4 class and EBOPS 2010 category. Parents come before their children.
#[utoipa::path(
    tag = "reference",
    security(("bearer" = [])),
    responses((status = 200, description = "Every term", body = Vec<TaxonomyTerm>))
)]
#[get("/v1/taxonomy")]
pub async fn taxonomy(_auth: Auth<Anyone>, reference: web::Data<Reference>) -> HttpResponse {
    HttpResponse::Ok().json(&reference.taxonomy)
}

/// Countries (ISO 3166-1 alpha-2), with French and English names.
#[utoipa::path(
    tag = "reference",
    security(("bearer" = [])),
    responses((status = 200, description = "Every country", body = Vec<CodedName>))
)]
#[get("/v1/countries")]
pub async fn countries(_auth: Auth<Anyone>, reference: web::Data<Reference>) -> HttpResponse {
    HttpResponse::Ok().json(&reference.countries)
}

/// Languages (ISO 639-1, Wolof included), with French and English names.
#[utoipa::path(
    tag = "reference",
    security(("bearer" = [])),
    responses((status = 200, description = "Every language", body = Vec<CodedName>))
)]
#[get("/v1/languages")]
pub async fn languages(_auth: Auth<Anyone>, reference: web::Data<Reference>) -> HttpResponse {
    HttpResponse::Ok().json(&reference.languages)
}

/// Certification schemes (`name_en` holds the scheme's name, `name_fr` its French label).
#[utoipa::path(
    tag = "reference",
    security(("bearer" = [])),
    responses((status = 200, description = "Every scheme", body = Vec<CodedName>))
)]
#[get("/v1/certification-schemes")]
pub async fn certification_schemes(_auth: Auth<Anyone>, reference: web::Data<Reference>) -> HttpResponse {
    HttpResponse::Ok().json(&reference.schemes)
}
