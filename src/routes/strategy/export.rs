//! The action plan as a spreadsheet for the steering committee: one row per action, headed in
//! the language `Accept-Language` asks for, organizations by name.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use rust_xlsxwriter::{Format, Workbook};

use super::actions::ActionQuery;
use crate::auth::guard::{Anyone, Auth};
use crate::db::{self, Pool};
use crate::domain::language::Language;
use crate::domain::organization::Bilingual;
use crate::domain::strategy::Entry;
use crate::domain::strategy::action::ActionFields;
use crate::domain::strategy::plan::StrategyFields;
use crate::error::ApiError;
use crate::routes::matching::shortlist_files::defused;

/// Column headings, French and English.
const HEADINGS: [(&str, &str); 15] = [
    ("Objectif", "Objective"),
    ("Action", "Action"),
    ("Statut", "Status"),
    ("Priorité", "Priority"),
    ("En retard", "Overdue"),
    ("Chef de file", "Lead"),
    ("Partenaires", "Partners"),
    ("Début", "Start"),
    ("Échéance", "Due"),
    ("Budget", "Budget"),
    ("Devise", "Currency"),
    ("Bailleur", "Funder"),
    ("Obstacles traités", "Barriers answered"),
    ("Indicateurs", "Indicators"),
    ("Identifiant", "Id"),
];

const JOIN: &str = " | ";

fn pick(text: &Bilingual, language: Language) -> String {
    let (first, second) = match language {
        Language::French => (&text.fr, &text.en),
        Language::English => (&text.en, &text.fr),
    };
    first.clone().or_else(|| second.clone()).unwrap_or_default()
}

/// The cells of one action's row.
fn cells(action: &Entry<ActionFields>, names: &HashMap<String, String>, language: Language) -> Vec<String> {
    let f = &action.fields;
    let name = |id: &String| names.get(id).cloned().unwrap_or_else(|| id.clone());
    let yes_no = |b: bool| match (b, language) {
        (true, Language::French) => "oui",
        (false, Language::French) => "non",
        (true, Language::English) => "yes",
        (false, Language::English) => "no",
    };
    let indicators: Vec<String> = f
        .indicators
        .iter()
        .map(|i| {
            let latest = i
                .latest()
                .map_or("-".to_owned(), |m| format!("{} ({})", m.value, m.on));
            format!("{}: {} → {} {}, {latest}", i.name, i.baseline, i.target, i.unit)
        })
        .collect();
    vec![
        f.objective.clone().unwrap_or_default(),
        pick(&f.title, language),
        f.status.as_str().to_owned(),
        f.priority.as_str().to_owned(),
        yes_no(action.overdue.unwrap_or(false)).to_owned(),
        f.lead_id.as_ref().map(name).unwrap_or_default(),
        f.partner_ids.iter().map(name).collect::<Vec<_>>().join(JOIN),
        f.start_date.map(|d| d.to_string()).unwrap_or_default(),
        f.due_date.map(|d| d.to_string()).unwrap_or_default(),
        f.budget
            .as_ref()
            .map(|b| b.amount.to_string())
            .unwrap_or_default(),
        f.budget.as_ref().map(|b| b.currency.clone()).unwrap_or_default(),
        f.funder_id.as_ref().map(name).unwrap_or_default(),
        f.barriers.join(JOIN),
        indicators.join(JOIN),
        action.id.clone(),
    ]
}

fn headings(language: Language) -> impl Iterator<Item = &'static str> {
    HEADINGS.iter().map(move |(fr, en)| match language {
        Language::French => *fr,
        Language::English => *en,
    })
}

fn csv(rows: &[Vec<String>], language: Language) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    out.write_record(headings(language))?;
    for row in rows {
        out.write_record(row.iter().cloned().map(defused))?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

fn xlsx(
    title: &str,
    rows: &[Vec<String>],
    language: Language,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name(match language {
        Language::French => "Plan d'action",
        Language::English => "Action plan",
    })?;
    sheet.write_string_with_format(0, 0, title, &bold)?;
    for (col, heading) in headings(language).enumerate() {
        sheet.write_string_with_format(2, col as u16, heading, &bold)?;
        sheet.set_column_width(col as u16, 22)?;
    }
    for (i, row) in rows.iter().enumerate() {
        for (col, value) in row.iter().enumerate() {
            // Strings only: a cell never becomes a formula, whatever it starts with.
            sheet.write_string(3 + i as u32, col as u16, value)?;
        }
    }
    sheet.set_freeze_panes(3, 0)?;
    workbook.save_to_buffer()
}

/// Exports a strategy's action plan (the list's filters apply) as CSV (UTF-8 with BOM) or
/// XLSX, one row per action, organizations by name, headed in French or English as
/// `Accept-Language` asks. Partners see published actions of a published strategy.
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The strategy's id"), ActionQuery),
    responses(
        (status = 200, description = "The plan", content(
            (Vec<u8> = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 400, description = "A bad parameter or format, named in `detail`"),
        (status = 404, description = "No such strategy, or not published"),
    )
)]
#[get("/v1/strategies/{id}/actions/export")]
pub async fn export_actions(
    auth: Auth<Anyone>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    query: web::Query<ActionQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    if query.limit.is_some() || query.cursor.is_some() {
        return Err(ApiError::BadRequest(
            "the export takes no `limit` or `cursor`".into(),
        ));
    }
    let format = query.format.clone().unwrap_or_else(|| "csv".into());
    if format != "csv" && format != "xlsx" {
        return Err(ApiError::BadRequest("parameter `format`: csv or xlsx".into()));
    }
    let viewer = auth.caller.viewer();
    let strategy = super::read::<StrategyFields>(&pool, id.into_inner(), viewer).await?;
    let actions = super::all::<ActionFields>(&pool, viewer, query.filter(&strategy.id)?).await?;
    let ids: Vec<String> = actions
        .iter()
        .flat_map(|a| {
            let f = &a.fields;
            f.lead_id
                .iter()
                .chain(&f.partner_ids)
                .chain(&f.funder_id)
                .cloned()
        })
        .collect();
    let names = db::run(&pool, move |conn| {
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        db::organizations::names(conn, &refs)
    })
    .await?;
    let accept = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let language = crate::http::language::preferred(accept);
    let rows: Vec<Vec<String>> = actions.iter().map(|a| cells(a, &names, language)).collect();
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CONTENT_LANGUAGE, language.code()))
        .insert_header((header::VARY, "Accept-Language"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"action-plan-{}.{format}\"", strategy.id),
        ));
    Ok(if format == "csv" {
        let body = csv(&rows, language).map_err(ApiError::internal)?;
        response.content_type("text/csv; charset=utf-8").body(body)
    } else {
        let body =
            xlsx(&pick(&strategy.fields.title, language), &rows, language).map_err(ApiError::internal)?;
        response.content_type(crate::routes::import_body::XLSX).body(body)
    })
}
