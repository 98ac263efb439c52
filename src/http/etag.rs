//! Entity tags from record versions, and the conditional request rules: `If-None-Match` on
//! reads (304), `If-Match` on writes (412 when stale, 428 when missing).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::domain::visibility::Viewer;
use crate::error::ApiError;

/// The ETag of version `version` of a record as `viewer` sees it (partners see fewer fields,
/// so their representation has its own tag).
pub fn tag(version: i32, viewer: Viewer) -> String {
    if viewer.sees_internal() {
        format!("\"{version}\"")
    } else {
        format!("\"{version}-public\"")
    }
}

fn listed(req: &HttpRequest, name: header::HeaderName) -> Option<Vec<String>> {
    let value = req.headers().get(name)?.to_str().ok()?;
    Some(
        value
            .split(',')
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect(),
    )
}

/// Whether the client's cached copy (`If-None-Match`) is current: answer 304.
pub fn not_modified(req: &HttpRequest, current: &str) -> bool {
    listed(req, header::IF_NONE_MATCH).is_some_and(|tags| {
        tags.iter()
            .any(|t| t == "*" || t.trim_start_matches("W/") == current)
    })
}

/// A write must name the version it read: no `If-Match` is a 428, another version a 412.
pub fn require_match(req: &HttpRequest, current: &str) -> Result<(), ApiError> {
    let tags = listed(req, header::IF_MATCH).ok_or(ApiError::PreconditionRequired)?;
    if tags.iter().any(|t| t == "*" || t == current) {
        Ok(())
    } else {
        Err(ApiError::PreconditionFailed)
    }
}

/// The tags of an optional `If-Match` (lifecycle actions), to check with [`check_sent`] where
/// the request is not at hand (inside a transaction).
pub fn sent_if_match(req: &HttpRequest) -> Option<Vec<String>> {
    listed(req, header::IF_MATCH)
}

/// An optional `If-Match`: `None` (not sent) passes; sent tags must name `current`.
pub fn check_sent(tags: Option<&[String]>, current: &str) -> Result<(), ApiError> {
    match tags {
        Some(tags) if !tags.iter().any(|t| t == "*" || t == current) => Err(ApiError::PreconditionFailed),
        _ => Ok(()),
    }
}

/// A JSON answer whose ETag is a digest of its body (lists, the change feed): a client that
/// holds the same body gets 304.
pub fn json_with_digest<T: Serialize>(req: &HttpRequest, body: &T) -> Result<HttpResponse, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(ApiError::internal)?;
    let digest = Sha256::digest(&bytes);
    let tag = format!(
        "\"{}\"",
        digest[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    if not_modified(req, &tag) {
        return Ok(HttpResponse::NotModified().insert_header(("ETag", tag)).finish());
    }
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", tag))
        .content_type("application/json")
        .body(bytes))
}
