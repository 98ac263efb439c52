//! Entity tags from record versions, and the conditional request rules: `If-None-Match` on
//! reads (304), `If-Match` on writes (412 when stale, 428 when missing).
//!
//! A read whose body shows more than the record's own fields (linked organizations, a
//! certificate's `expired` flag, which turns as days pass, a programme's participants) tags
//! it `"<version>.<digest of the body>"`: the tag changes whenever the body does. `If-Match`
//! compares the version part only, since a write changes the record's own fields.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::domain::visibility::Viewer;
use crate::error::ApiError;

/// The ETag of version `version` of a record as `viewer` sees it (partners see fewer fields,
/// so their representation has its own tag).
pub fn tag(version: i32, viewer: Viewer) -> String {
    format!("\"{version}{}\"", viewer.tag_suffix())
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

/// Whether a sent `If-Match` tag names the version tagged `current`: the tag itself, or a
/// digest tag of a read of that version.
fn names_version(sent: &str, current: &str) -> bool {
    sent == "*"
        || sent == current
        || sent
            .split_once('.')
            .is_some_and(|(version, _)| current.strip_suffix('"') == Some(version))
}

/// A write must name the version it read: no `If-Match` is a 428, another version a 412.
pub fn require_match(req: &HttpRequest, current: &str) -> Result<(), ApiError> {
    let tags = listed(req, header::IF_MATCH).ok_or(ApiError::PreconditionRequired)?;
    check_sent(Some(&tags), current)
}

/// The tags of an optional `If-Match` (lifecycle actions), to check with [`check_sent`] where
/// the request is not at hand (inside a transaction).
pub fn sent_if_match(req: &HttpRequest) -> Option<Vec<String>> {
    listed(req, header::IF_MATCH)
}

/// An optional `If-Match`: `None` (not sent) passes; sent tags must name `current`.
pub fn check_sent(tags: Option<&[String]>, current: &str) -> Result<(), ApiError> {
    match tags {
        Some(tags) if !tags.iter().any(|t| names_version(t, current)) => Err(ApiError::PreconditionFailed),
        _ => Ok(()),
    }
}

/// A JSON answer whose ETag is a digest of its body (lists, the change feed): a client that
/// holds the same body gets 304.
pub fn json_with_digest<T: Serialize>(req: &HttpRequest, body: &T) -> Result<HttpResponse, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(ApiError::internal)?;
    let tag = format!("\"{}\"", digest(&bytes));
    answer(req, tag, bytes)
}

/// A JSON read of the record tagged `version_tag` (from [`tag`]) whose body shows more than
/// the record's own fields: its ETag is the version and a digest of the body.
pub fn json_with_version<T: Serialize>(
    req: &HttpRequest,
    version_tag: &str,
    body: &T,
) -> Result<HttpResponse, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(ApiError::internal)?;
    let version = version_tag.strip_suffix('"').unwrap_or(version_tag);
    let tag = format!("{version}.{}\"", digest(&bytes));
    answer(req, tag, bytes)
}

/// The first 12 bytes of the body's SHA-256, in hex: enough that two bodies of one resource
/// never share a tag by chance.
fn digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn answer(req: &HttpRequest, tag: String, bytes: Vec<u8>) -> Result<HttpResponse, ApiError> {
    if not_modified(req, &tag) {
        return Ok(HttpResponse::NotModified().insert_header(("ETag", tag)).finish());
    }
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", tag))
        .content_type("application/json")
        .body(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_names_a_version_by_its_tag_or_a_read_of_it() {
        assert!(names_version("\"3\"", "\"3\""));
        assert!(names_version("\"3.00ab\"", "\"3\""));
        assert!(names_version("\"3-public.00ab\"", "\"3-public\""));
        assert!(names_version("*", "\"3\""));
        assert!(!names_version("\"31.00ab\"", "\"3\""));
        assert!(!names_version("\"3.00ab\"", "\"31\""));
        assert!(!names_version("\"2\"", "\"3\""));
        assert!(!names_version("\"3-public.00ab\"", "\"3\""));
    }
}
