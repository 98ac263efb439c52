//! Finding organizations: filtered and searched lists, facet counts, and the bulk export.

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, web};
use futures_util::{StreamExt, stream};
use serde::{Deserialize, Serialize};

use crate::auth::guard::{Anyone, Auth};
use crate::db::search::{self as query, PageRequest, Position};
use crate::db::{self, Pool};
use crate::domain::fieldset::Fieldset;
use crate::domain::include::Include;
use crate::domain::organization::Organization;
use crate::domain::query_params::{BulkReadParams, OrganizationQueryParams};
use crate::domain::reference::Reference;
use crate::domain::search::{ExportFormat, ListQuery, Purpose, SortKey};
use crate::domain::visibility::Viewer;
use crate::error::ApiError;
use crate::facets::{FacetIndex, Facets};
use crate::http::etag;
use crate::http::gate::Gate;
use crate::http::pagination::Page;
use crate::signing::CursorSigner;

/// What a cursor of this list holds: the order it was issued for and where the page ends.
#[derive(Serialize, Deserialize)]
struct CursorState {
    sort: SortKey,
    descending: bool,
    after: Position,
}

fn position(query: &ListQuery, signer: &CursorSigner) -> Result<Option<Position>, ApiError> {
    let Some(cursor) = &query.cursor else {
        return Ok(None);
    };
    let state: CursorState = signer.decode(cursor)?;
    if state.sort != query.sort || state.descending != query.descending {
        return Err(ApiError::BadRequest(
            "parameter `cursor`: issued for another sort order".into(),
        ));
    }
    Ok(Some(state.after))
}

/// Lists the organizations the caller may see, filtered, searched and sorted, a page at a time
/// (keyset pagination: the last page costs what the first does). Partners see published
/// organizations only. Each item is the organization without its records, unless `include`
/// names them (one query per kind of record for the whole page).
/// The answer carries an ETag: send it back in `If-None-Match` to get 304 when nothing changed.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(OrganizationQueryParams, BulkReadParams),
    responses(
        (status = 200, description = "A page of organizations", body = Page<Organization>, headers(("ETag" = String))),
        (status = 304, description = "Your copy is current"),
        (status = 400, description = "An unknown parameter, code or malformed value, named in `detail`"),
    )
)]
#[get("/v1/organizations")]
pub async fn list_organizations(
    auth: Auth<Anyone>,
    req: HttpRequest,
    reference: web::Data<Reference>,
    signer: web::Data<CursorSigner>,
    index: web::Data<FacetIndex>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, ApiError> {
    let viewer = auth.caller.viewer();
    let (query, _) = ListQuery::parse(req.query_string(), &reference, viewer, Purpose::List)?;
    let after = position(&query, &signer)?;
    let (sort, descending, limit) = (query.sort, query.descending, query.limit);
    let (filters, include) = (query.filters, query.include);
    let (organizations, next) = db::run(&pool, move |conn| {
        let page = PageRequest {
            sort,
            descending,
            after: after.as_ref(),
            limit: limit.into(),
        };
        let (organizations, next) = match sort {
            // A lookup names a few organizations, which no engine but SQL filters by.
            _ if filters.is_lookup() => query::list(conn, &filters, page),
            SortKey::Relevance => index.screening(conn, &filters, |conn, screen| {
                query::ranked(conn, &filters, page, screen)
            }),
            _ if query::screens_in_memory(&filters) => index.screening(conn, &filters, |conn, screen| {
                query::sorted(conn, &filters, page, screen)
            }),
            _ => query::list(conn, &filters, page),
        }?;
        Ok((with_records(conn, organizations, include, viewer)?, next))
    })
    .await?;
    let fields = query.fields;
    let page = Page {
        items: organizations
            .into_iter()
            .map(|o| Fieldset::shape(fields.as_ref(), o.for_viewer(viewer)))
            .collect::<Result<Vec<_>, _>>()?,
        next_cursor: next.map(|after| {
            signer.encode(&CursorState {
                sort,
                descending,
                after,
            })
        }),
    };
    etag::json_with_digest(&req, &page)
}

/// Counts the organizations matching the filters per value of each facet. Each facet's counts
/// leave out that facet's own filter, so that a portal can show how many results every other
/// choice would give (multi-select facets). Takes the filters of the list. Counts reflect every
/// committed change and come from an in-memory index; with `q`, the text's matches are read
/// from the database first, and while a server starts and loads that index, counts are made in
/// the database: those two cost more, and run a few at a time per server.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(OrganizationQueryParams),
    responses(
        (status = 200, description = "Counts per facet value", body = Facets),
        (status = 429, description = "Too many facet counts with `q` running; retry after Retry-After",
         headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 400, description = "An unknown parameter, code or malformed value, named in `detail`"),
    )
)]
#[get("/v1/organizations/facets")]
pub async fn organization_facets(
    auth: Auth<Anyone>,
    req: HttpRequest,
    reference: web::Data<Reference>,
    gate: web::Data<Gate>,
    index: web::Data<FacetIndex>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, ApiError> {
    let (query, _) = ListQuery::parse(
        req.query_string(),
        &reference,
        auth.caller.viewer(),
        Purpose::Facets,
    )?;
    let filters = query.filters;
    // Matching a text reads every match from the database; counting in SQL reads far more.
    let _place = match filters.terms.is_empty() && index.is_loaded() {
        true => None,
        false => Some(gate.enter().await?),
    };
    let facets: Facets = db::run(&pool, move |conn| match index.is_loaded() {
        true => index.facets(conn, &filters),
        false => query::facets(conn, &filters),
    })
    .await?;
    etag::json_with_digest(&req, &facets)
}

/// Rows read per database round trip of an export.
const EXPORT_BATCH: i64 = 500;

const CSV_COLUMNS: [&str; 16] = [
    "id",
    "slug",
    "kind",
    "name",
    "acronym",
    "country",
    "region",
    "city",
    "website",
    "email",
    "phone",
    "founded_year",
    "employees",
    "status",
    "is_sample",
    "updated_at",
];

/// A CSV cell: quoted when needed, and defused when a spreadsheet would run it as a formula.
fn cell(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

fn csv_line(org: &Organization) -> String {
    let f = &org.fields;
    let optional = |v: &Option<String>| v.clone().unwrap_or_default();
    let number = |v: Option<i32>| v.map(|n| n.to_string()).unwrap_or_default();
    let cells = [
        org.id.clone(),
        org.slug.clone(),
        f.kind.as_str().to_owned(),
        f.name.clone(),
        optional(&f.acronym),
        f.country.clone(),
        optional(&f.region),
        optional(&f.city),
        optional(&f.website),
        optional(&f.email),
        optional(&f.phone),
        number(f.founded_year),
        number(f.employees),
        org.status.as_str().to_owned(),
        f.is_sample.to_string(),
        org.updated_at.to_rfc3339(),
    ];
    let mut line = cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(",");
    line.push('\n');
    line
}

/// The organizations with the records `include` asks for, read for the whole batch at once.
fn with_records(
    conn: &mut db::DbConnection,
    mut organizations: Vec<Organization>,
    include: Include,
    viewer: Viewer,
) -> Result<Vec<Organization>, ApiError> {
    if include.is_empty() {
        return Ok(organizations);
    }
    let ids: Vec<&str> = organizations.iter().map(|o| o.id.as_str()).collect();
    let mut records = crate::db::items::records_of(conn, &ids, include, viewer)?;
    for organization in &mut organizations {
        organization.records = records.remove(&organization.id).unwrap_or_default();
    }
    Ok(organizations)
}

fn render(
    organizations: Vec<Organization>,
    format: ExportFormat,
    viewer: Viewer,
    fields: Option<&Fieldset>,
) -> Result<Bytes, ApiError> {
    let mut out = String::new();
    for org in organizations {
        match format {
            ExportFormat::Ndjson => {
                let line = Fieldset::shape(fields, org.for_viewer(viewer))?;
                out.push_str(&serde_json::to_string(&line).map_err(ApiError::internal)?);
                out.push('\n');
            }
            ExportFormat::Csv => out.push_str(&csv_line(&org)),
        }
    }
    Ok(Bytes::from(out))
}

/// Streams every organization the caller may see, with the list's filters, as NDJSON (one
/// organization per line, with the records `include` names) or CSV (the columns `id`, `slug`,
/// `kind`, `name`, `acronym`, `country`, `region`, `city`, `website`, `email`, `phone`,
/// `founded_year`, `employees`, `status`, `is_sample`, `updated_at`; no `include`). Read a batch at a time, so memory stays flat however many
/// rows there are.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(
        ("format" = Option<String>, Query, description = "ndjson (default) or csv"),
        OrganizationQueryParams,
        BulkReadParams,
    ),
    responses(
        (status = 200, description = "The organizations", content_type = "application/x-ndjson"),
        (status = 400, description = "An unknown parameter, code or malformed value, named in `detail`"),
    )
)]
#[get("/v1/organizations/export")]
pub async fn export_organizations(
    auth: Auth<Anyone>,
    req: HttpRequest,
    reference: web::Data<Reference>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, ApiError> {
    let viewer = auth.caller.viewer();
    let (query, format) = ListQuery::parse(req.query_string(), &reference, viewer, Purpose::Export)?;
    if format == ExportFormat::Csv && (!query.include.is_empty() || query.fields.is_some()) {
        return Err(ApiError::BadRequest(
            "parameters `include` and `fields`: CSV has one line per organization and fixed columns; use format=ndjson"
                .into(),
        ));
    }
    let (include, fields) = (query.include, std::sync::Arc::new(query.fields));
    let filters = std::sync::Arc::new(query.filters);
    let header = match format {
        ExportFormat::Csv => Some(Bytes::from(CSV_COLUMNS.join(",") + "\n")),
        ExportFormat::Ndjson => None,
    };
    let pool = pool.into_inner();
    let pages = stream::unfold(Some(None::<Position>), move |state| {
        let (pool, filters, fields) = (pool.clone(), filters.clone(), fields.clone());
        async move {
            let after = state?;
            let fetched = db::run(&pool, move |conn| {
                let page = PageRequest {
                    sort: SortKey::Created,
                    descending: false,
                    after: after.as_ref(),
                    limit: EXPORT_BATCH,
                };
                let (organizations, next) = query::list(conn, &filters, page)?;
                Ok((with_records(conn, organizations, include, viewer)?, next))
            })
            .await;
            match fetched {
                Ok((organizations, next)) => {
                    let next_state = next.map(Some);
                    Some((
                        render(organizations, format, viewer, fields.as_ref().as_ref()),
                        next_state,
                    ))
                }
                Err(err) => Some((Err(err), None)),
            }
        }
    });
    let body = stream::iter(header.map(Ok)).chain(pages);
    let content_type = match format {
        ExportFormat::Ndjson => "application/x-ndjson",
        ExportFormat::Csv => "text/csv; charset=utf-8",
    };
    Ok(HttpResponse::Ok().content_type(content_type).streaming(body))
}
