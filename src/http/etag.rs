//! Entity tags from record versions, and the conditional request rules: `If-None-Match` on
//! reads (304), `If-Match` on writes (412 when stale, 428 when missing).

use actix_web::HttpRequest;
use actix_web::http::header;

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

/// An optional `If-Match` (lifecycle actions): checked when sent.
pub fn check_match_if_sent(req: &HttpRequest, current: &str) -> Result<(), ApiError> {
    if req.headers().contains_key(header::IF_MATCH) {
        require_match(req, current)
    } else {
        Ok(())
    }
}
