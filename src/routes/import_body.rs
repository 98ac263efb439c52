//! The import routes' bodies: the file as sent (raw or multipart), and the import resource.

use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::imports::ImportRow;
use crate::db::{self, Pool};
use crate::error::{ApiError, FieldError, PROBLEM_JSON, Problem};
use crate::import::jobs::{JobState, Jobs, Snapshot};
use crate::import::read::MAX_FILE_BYTES;
use crate::import::report::{Outcome, Report};

/// The media type of XLSX workbooks.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A file sent as multipart form data.
#[derive(ToSchema)]
#[allow(dead_code)]
#[schema(as = ImportUpload)]
pub struct Upload {
    /// The CSV file or XLSX workbook.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// An import: what was sent, where it is, and what it did.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Import)]
pub struct ImportResource {
    /// Its id; every change it wrote carries it in the history.
    pub id: String,
    /// queued, validating, writing, done, failed or cancelled.
    pub state: JobState,
    /// dry_run or commit.
    pub mode: String,
    /// csv or xlsx.
    pub format: String,
    /// The kind of rows of a CSV file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The file's name, when sent as multipart form data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// Whether new organizations are published.
    pub publish: bool,
    /// Who sent it: a user or API key id.
    pub created_by: String,
    /// When it was sent.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// When its state last changed.
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// How it ended, once done: valid (dry run), refused, or committed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// Why it failed or was cancelled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// How far it has come.
    pub progress: Snapshot,
    /// What each row does or did, once done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<Report>,
}

/// Reads the file from the body: as sent with its media type, or the `file` part of
/// multipart form data. At most 50 MB either way.
pub async fn read(
    req: &HttpRequest,
    mut payload: web::Payload,
) -> Result<(Vec<u8>, Option<String>), ApiError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_FILE_BYTES + 64 * 1024) {
        return Err(ApiError::PayloadTooLarge(MAX_FILE_BYTES));
    }
    let mime = req.mime_type().ok().flatten();
    let essence = mime.as_ref().map(|m| m.essence_str().to_ascii_lowercase());
    match essence.as_deref() {
        Some("multipart/form-data") => {
            let mut form = actix_multipart::Multipart::new(req.headers(), payload);
            while let Some(field) = form.next().await {
                let mut field = field.map_err(|e| ApiError::BadRequest(format!("malformed multipart body: {e}")))?;
                if field.name() != Some("file") {
                    continue;
                }
                let name = field
                    .content_disposition()
                    .and_then(|d| d.get_filename())
                    .map(|n| n.chars().filter(|c| !c.is_control()).take(200).collect());
                let mut bytes = Vec::new();
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(|e| ApiError::BadRequest(format!("malformed multipart body: {e}")))?;
                    if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                        return Err(ApiError::PayloadTooLarge(MAX_FILE_BYTES));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                return Ok((bytes, name));
            }
            Err(ApiError::BadRequest("the multipart body has no part named file".into()))
        }
        Some("text/csv" | "application/csv" | "text/plain" | "application/octet-stream" | XLSX) => {
            let mut bytes = Vec::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|e| ApiError::BadRequest(format!("could not read the body: {e}")))?;
                if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                    return Err(ApiError::PayloadTooLarge(MAX_FILE_BYTES));
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok((bytes, None))
        }
        _ => Err(ApiError::UnsupportedMediaType(
            "Send a CSV file (text/csv), an XLSX workbook, or either as the file part of multipart/form-data.".into(),
        )),
    }
}

/// The resource of import `id`, its live progress included while it runs.
pub async fn resource(pool: &Pool, jobs: &Jobs, id: &str) -> Result<ImportResource, ApiError> {
    let key = id.to_owned();
    let row = db::run(pool, move |conn| db::imports::find(conn, &key)).await?;
    from_row(row.ok_or(ApiError::NotFound)?, jobs)
}

/// The resource of a stored import.
pub fn from_row(row: ImportRow, jobs: &Jobs) -> Result<ImportResource, ApiError> {
    let stored_state = parse_word::<JobState>(&row.state)?;
    let live = jobs.live(&row.id).map(|l| l.snapshot());
    let report: Option<Report> = row
        .report
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(ApiError::internal)?;
    let progress = live.unwrap_or_else(|| Snapshot {
        state: stored_state,
        rows_read: report
            .as_ref()
            .map_or(row.rows_total as usize, |r| r.summary.rows),
        rows_validated: report.as_ref().map_or(0, |r| r.summary.rows),
        rows_written: row.rows_written as usize,
        percent: if matches!(stored_state, JobState::Done) {
            100.0
        } else {
            0.0
        },
        seconds_left: None,
    });
    Ok(ImportResource {
        state: progress.state,
        outcome: row.outcome.as_deref().map(parse_word).transpose()?,
        id: row.id,
        mode: row.mode,
        format: row.format,
        kind: row.kind,
        file_name: row.file_name,
        publish: row.publish,
        created_by: row.created_by,
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
        message: row.message,
        progress,
        report,
    })
}

fn parse_word<T: serde::de::DeserializeOwned>(word: &str) -> Result<T, ApiError> {
    serde_json::from_value(serde_json::Value::String(word.to_owned())).map_err(ApiError::internal)
}

/// The 422 of a refused file: a problem listing every error with its place, and the import.
pub async fn refused(pool: &Pool, jobs: &Jobs, id: &str) -> Result<HttpResponse, ApiError> {
    #[derive(Serialize)]
    struct Refused {
        #[serde(flatten)]
        problem: Problem,
        import: ImportResource,
    }
    let import = resource(pool, jobs, id).await?;
    let report = import.report.as_ref();
    let errors: Vec<FieldError> = report
        .map(|r| {
            r.errors
                .iter()
                .map(|e| FieldError {
                    field: [
                        e.sheet.clone(),
                        e.row.map(|r| format!("row {r}")),
                        e.column.clone(),
                        e.cell.clone(),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" "),
                    message: e.message.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let total = report.map_or(0, |r| r.errors_total);
    let problem = Problem {
        kind: "urn:annuaire:problem:import-refused".into(),
        title: "Unprocessable Content".into(),
        status: 422,
        detail: format!("The file has {total} problem(s), each listed with its place; nothing was written."),
        errors: Some(errors),
        candidates: None,
    };
    Ok(HttpResponse::UnprocessableEntity()
        .content_type(PROBLEM_JSON)
        .insert_header((header::LOCATION, format!("/v1/imports/{id}")))
        .json(Refused { problem, import }))
}
