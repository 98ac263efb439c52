//! The shortlist the agency hands to a buyer: JSON, CSV or XLSX, in French or English, with
//! contact persons only when asked for and only those the firms agreed to share.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::requests::find;
use super::shortlist_files;
use crate::auth::guard::{Auth, Matchmakers};
use crate::db::shortlists::{self, Shared};
use crate::db::{self, DbConnection, Pool};
use crate::domain::buyer_request::BuyerRequest;
use crate::domain::caller::Caller;
use crate::domain::language::Language;
use crate::domain::reference::Reference;
use crate::domain::shortlist::{Lang, Parts, Shortlist, ShortlistFormat};
use crate::error::ApiError;
use crate::http::language::preferred;

/// How the shortlist is wanted.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ShortlistQuery {
    /// json (default), csv or xlsx.
    pub format: Option<ShortlistFormat>,
    /// The language of labels and reasons; without it, `Accept-Language` (English when it
    /// names neither).
    pub lang: Option<Lang>,
    /// `true` adds the contact persons each firm agreed to share; the request's history
    /// records which left the directory.
    pub contacts: Option<bool>,
}

fn build(
    conn: &mut DbConnection,
    request: &BuyerRequest,
    reference: &Reference,
    language: Language,
    with_contacts: bool,
) -> Result<Shortlist, ApiError> {
    let sources = shortlists::sources(conn, request, with_contacts)?;
    Ok(Parts {
        request,
        matches: &sources.matches,
        organizations: &sources.organizations,
        records: &sources.records,
        reference,
        language,
        with_contacts,
        now: db::now().and_utc(),
    }
    .build())
}

/// Builds the shortlist and, when contact persons leave with it, records which in the same
/// transaction: no one gets the persons without the history saying so.
async fn shortlist_of(
    pool: &Pool,
    request: BuyerRequest,
    reference: web::Data<Reference>,
    language: Language,
    with_contacts: bool,
    caller: Caller,
    format: ShortlistFormat,
) -> Result<Shortlist, ApiError> {
    if !with_contacts {
        return db::run(pool, move |conn| {
            build(conn, &request, &reference, language, false)
        })
        .await;
    }
    db::transaction(pool, move |conn| {
        let list = build(conn, &request, &reference, language, true)?;
        let shared: Vec<Shared<'_>> = list
            .firms
            .iter()
            .flat_map(|f| {
                f.contacts.iter().flatten().map(|c| Shared {
                    organization_id: &f.organization_id,
                    contact_id: &c.id,
                })
            })
            .collect();
        if !shared.is_empty() {
            shortlists::record_shared(conn, &request, &caller, format.as_str(), &shared)?;
        }
        Ok(list)
    })
    .await
}

/// The shortlist of a request for its buyer: the saved firms (not those declined or lost) in
/// the agency's order (the `position` it gave, then score), each with its country and city,
/// the wanted services it offers with capacity and languages, certificates valid on the start
/// date, markets served, score and reasons in the language asked, and public contact details.
/// `contacts=true` adds the contact persons the firm agreed to share (`shareable`), and the
/// request's history records it. As JSON, CSV or XLSX. Agency and admins.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The request's id"), ShortlistQuery),
    responses(
        (status = 200, description = "The shortlist", headers(("Content-Language" = String)), content(
            (Shortlist = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 400, description = "An unknown parameter or a bad value"),
        (status = 404, description = "No such request"),
    )
)]
#[get("/v1/buyer-requests/{id}/shortlist")]
pub async fn get_shortlist(
    auth: Auth<Matchmakers>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    reference: web::Data<Reference>,
    id: web::Path<String>,
    query: web::Query<ShortlistQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let language = match query.lang {
        Some(Lang::Fr) => Language::French,
        Some(Lang::En) => Language::English,
        None => preferred(
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        ),
    };
    let with_contacts = query.contacts.unwrap_or(false);
    let format = query.format.unwrap_or(ShortlistFormat::Json);
    let request = find(&pool, id.into_inner()).await?;
    let request_id = request.id.clone();
    let list = shortlist_of(
        &pool,
        request,
        reference,
        language,
        with_contacts,
        auth.caller,
        format,
    )
    .await?;
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CONTENT_LANGUAGE, language.code()))
        .insert_header((header::VARY, "Accept-Language"));
    if with_contacts {
        // Personal data: no shared cache keeps it.
        response.insert_header((header::CACHE_CONTROL, "private, no-store"));
    }
    let attachment = |extension: &str| {
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"shortlist-{request_id}.{extension}\""),
        )
    };
    Ok(match format {
        ShortlistFormat::Json => response.json(list),
        ShortlistFormat::Csv => {
            let body = shortlist_files::csv(&list, with_contacts).map_err(ApiError::internal)?;
            response
                .content_type("text/csv; charset=utf-8")
                .insert_header(attachment("csv"))
                .body(body)
        }
        ShortlistFormat::Xlsx => {
            let body = shortlist_files::xlsx(&list, with_contacts).map_err(ApiError::internal)?;
            response
                .content_type(crate::routes::import_body::XLSX)
                .insert_header(attachment("xlsx"))
                .body(body)
        }
    })
}
