//! Spreadsheet imports: send a CSV file or an XLSX workbook, see what it would do (dry run) or
//! write it (commit), follow a large one as a job; download the templates.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::import_body::{self, ImportResource};
use crate::auth::guard::{Auth, Curators};
use crate::db::{self, Pool};
use crate::domain::reference::Reference;
use crate::error::ApiError;
use crate::http::pagination::{Page, PageQuery};
use crate::import::columns::Sheet;
use crate::import::jobs::{Ended, Job, Jobs, Live};
use crate::import::report::Outcome;
use crate::import::{self, Mode, Options};

/// Files with more data rows than this run as a job.
const ASYNC_ROWS: usize = 5_000;

/// The parameters of an import.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// `dry_run` (the default: check and report, write nothing) or `commit` (write every row or none).
    #[param(example = "dry_run")]
    pub mode: Option<String>,
    /// What a CSV file holds: organizations, capabilities, markets, certifications, contacts or relationships. Ignored for workbooks.
    #[param(example = "organizations")]
    pub kind: Option<String>,
    /// Publish the organizations the file creates (default: they start as drafts).
    pub publish: Option<bool>,
    /// Refuse rows that would change an organization modified after this instant (RFC 3339).
    #[param(value_type = Option<String>, example = "2026-12-01T00:00:00Z")]
    pub if_unmodified_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Create organizations even when they resemble organizations of the directory or earlier
    /// rows (default false: such rows are refused, with what they resemble).
    pub allow_duplicate: Option<bool>,
}

/// Imports a CSV file or an XLSX workbook, as the body with its media type or as the `file`
/// part of multipart form data. A dry run (the default) checks every row by the API's rules
/// and reports what each would do; a commit writes every row or none, each change in the
/// history and the change feed under the import's id. Files past 5,000 rows, or sent with
/// `Prefer: respond-async`, run as a job: `202` and its `Location`. Curators and admins.
#[utoipa::path(
    tag = "imports",
    security(("bearer" = [])),
    params(ImportQuery, ("Prefer" = Option<String>, Header, description = "`respond-async` to run the import as a job whatever its size")),
    request_body(content(
        (Vec<u8> = "text/csv"),
        (String = "application/octet-stream"),
        (import_body::Upload = "multipart/form-data"),
    ), description = "The file: CSV (UTF-8, comma or semicolon) or XLSX, at most 50 MB. An XLSX workbook may also be sent as application/vnd.openxmlformats-officedocument.spreadsheetml.sheet; the format is told by the bytes"),
    responses(
        (status = 200, description = "Done: the report says what each row does or did", body = ImportResource,
         headers(("Location" = String, description = "The import"))),
        (status = 202, description = "Running as a job: follow it at Location", body = ImportResource,
         headers(("Location" = String, description = "The import"))),
        (status = 400, description = "Bad parameter"),
        (status = 413, description = "The file is over 50 MB"),
        (status = 415, description = "Not a CSV file or an XLSX workbook"),
        (status = 422, description = "The file or some rows are refused, every problem with its place in `errors`, and the import with its report in the member `import`; nothing was written"),
    )
)]
#[post("/v1/imports")]
pub async fn create_import(
    auth: Auth<Curators>,
    req: HttpRequest,
    query: web::Query<ImportQuery>,
    reference: web::Data<Reference>,
    pool: web::Data<Pool>,
    jobs: web::Data<Jobs>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let mode = match query.mode.as_deref() {
        None | Some("dry_run") => Mode::DryRun,
        Some("commit") => Mode::Commit,
        Some(_) => return Err(ApiError::BadRequest("mode must be dry_run or commit".into())),
    };
    let kind = query
        .kind
        .as_deref()
        .map(|k| Sheet::named(k).ok_or_else(|| ApiError::BadRequest("kind must be organizations, capabilities, markets, certifications, contacts or relationships".into())))
        .transpose()?;
    let options = Options {
        publish: query.publish.unwrap_or(false),
        if_unmodified_since: query.if_unmodified_since,
        allow_duplicate: query.allow_duplicate.unwrap_or(false),
    };
    let (bytes, file_name) = import_body::read(&req, payload).await?;
    let format =
        import::read::FileFormat::sniff(&bytes).map_err(|p| ApiError::UnsupportedMediaType(p.message))?;
    let id = uuid::Uuid::now_v7().to_string();
    let mut actor = auth.caller.clone();
    actor.import_id = Some(id.clone());
    let new = import::received(&id, &actor, file_name, format, kind, mode, options.publish);
    db::transaction(&pool, move |conn| db::imports::start(conn, &new)).await?;
    let reference = reference.into_inner();
    let wants_async = req
        .headers()
        .get_all("prefer")
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            v.split(',')
                .any(|p| p.trim().eq_ignore_ascii_case("respond-async"))
        });
    // A job past a few thousand rows: counted as lines in a CSV file, estimated from the size
    // of a workbook (about 25 bytes a row, compressed).
    let large = match format {
        import::read::FileFormat::Csv => memchr::memchr_iter(b'\n', &bytes).count() > ASYNC_ROWS,
        import::read::FileFormat::Xlsx => bytes.len() > ASYNC_ROWS * 25,
    };
    let job = Job {
        id: id.clone(),
        actor,
        mode,
        options,
        bytes,
        kind,
    };
    if wants_async || large {
        jobs.submit(pool.get_ref().clone(), reference, job);
        return accepted(&pool, &jobs, &id).await;
    }
    let ended = import::jobs::run(&pool, reference, job, Arc::new(Live::new(mode))).await;
    match ended {
        Some(Ended::Report(report))
            if report.outcome == Outcome::Refused && (mode == Mode::Commit || report.summary.rows == 0) =>
        {
            import_body::refused(&pool, &jobs, &id).await
        }
        Some(_) => {
            let resource = import_body::resource(&pool, &jobs, &id).await?;
            Ok(HttpResponse::Ok()
                .insert_header((header::LOCATION, format!("/v1/imports/{id}")))
                .json(resource))
        }
        None => Err(ApiError::unavailable("the import failed; nothing was written")),
    }
}

async fn accepted(pool: &Pool, jobs: &Jobs, id: &str) -> Result<HttpResponse, ApiError> {
    let resource = import_body::resource(pool, jobs, id).await?;
    Ok(HttpResponse::Accepted()
        .insert_header((header::LOCATION, format!("/v1/imports/{id}")))
        .json(resource))
}

/// Past imports, newest first, with who ran them and how they ended (reports left out).
/// Curators and admins.
#[utoipa::path(
    tag = "imports",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of imports", body = Page<ImportResource>),
        (status = 400, description = "Bad limit or cursor"),
    )
)]
#[get("/v1/imports")]
pub async fn list_imports(
    _auth: Auth<Curators>,
    query: web::Query<PageQuery>,
    pool: web::Data<Pool>,
    jobs: web::Data<Jobs>,
) -> Result<HttpResponse, ApiError> {
    let page = query.validate()?;
    let (after, fetch) = (page.after.clone(), page.fetch());
    let rows = db::run(&pool, move |conn| {
        db::imports::list(conn, after.as_deref(), fetch)
    })
    .await?;
    let page = page.page(rows, |row| row.id.clone(), |row| row);
    let items = page
        .items
        .into_iter()
        .map(|row| import_body::from_row(row, &jobs))
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: page.next_cursor,
    }))
}

/// One import: its state and progress while it runs (rows read, validated and written,
/// percent, time left), its report once done. Curators and admins.
#[utoipa::path(
    tag = "imports",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The import's id")),
    responses(
        (status = 200, description = "The import", body = ImportResource),
        (status = 404, description = "No such import"),
    )
)]
#[get("/v1/imports/{id}")]
pub async fn get_import(
    _auth: Auth<Curators>,
    pool: web::Data<Pool>,
    jobs: web::Data<Jobs>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(import_body::resource(&pool, &jobs, &id).await?))
}

/// Cancels a running import: it stops and rolls back, writing nothing. Answers the import
/// once it has stopped (or as it stands, if it has not within ten seconds). Curators and admins.
#[utoipa::path(
    tag = "imports",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The import's id")),
    responses(
        (status = 200, description = "Cancelled (see `state`)", body = ImportResource),
        (status = 404, description = "No such import"),
        (status = 409, description = "The import has already ended"),
    )
)]
#[delete("/v1/imports/{id}")]
pub async fn cancel_import(
    _auth: Auth<Curators>,
    pool: web::Data<Pool>,
    jobs: web::Data<Jobs>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let resource = import_body::resource(&pool, &jobs, &id).await?;
    let Some(live) = jobs.live(&id) else {
        return Err(ApiError::Conflict(format!(
            "The import has already ended ({}).",
            resource.state.as_str()
        )));
    };
    live.cancel();
    for _ in 0..200 {
        if jobs.live(&id).is_none() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    Ok(HttpResponse::Ok().json(import_body::resource(&pool, &jobs, &id).await?))
}

/// The workbook template: one sheet per kind of row, headers in French and English, a row of
/// allowed values or formats, one example row. Curators and admins.
#[utoipa::path(
    tag = "imports",
    security(("bearer" = [])),
    responses((status = 200, description = "The template", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>))
)]
#[get("/v1/imports/template.xlsx")]
pub async fn xlsx_template(_auth: Auth<Curators>) -> Result<HttpResponse, ApiError> {
    let file = web::block(import::template::xlsx)
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type(import_body::XLSX)
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"annuaire-import.xlsx\"",
        ))
        .body(file))
}

/// Which kind of row a CSV template is for.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TemplateQuery {
    /// organizations, capabilities, markets, certifications, contacts or relationships.
    #[param(example = "organizations")]
    pub kind: String,
}

/// The CSV template of one kind of row. Curators and admins.
#[utoipa::path(
    tag = "imports",
    security(("bearer" = [])),
    params(TemplateQuery),
    responses(
        (status = 200, description = "The template", content_type = "text/csv", body = String),
        (status = 400, description = "Unknown kind"),
    )
)]
#[get("/v1/imports/template.csv")]
pub async fn csv_template(
    _auth: Auth<Curators>,
    query: web::Query<TemplateQuery>,
) -> Result<HttpResponse, ApiError> {
    let sheet = Sheet::named(&query.kind).ok_or_else(|| {
        ApiError::BadRequest(
            "kind must be organizations, capabilities, markets, certifications, contacts or relationships"
                .into(),
        )
    })?;
    let file = import::template::csv(sheet).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"annuaire-{}.csv\"", sheet.as_str()),
        ))
        .body(file))
}
