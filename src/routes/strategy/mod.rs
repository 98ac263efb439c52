//! The export strategy's routes: consultations, barriers, strategies and their action plans,
//! the reports on them and the plan's export. Curators, the agency and admins write; every
//! caller reads what is published, staff drafts and internal notes too.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::db::{self, Pool, strategy};
use crate::domain::caller::Caller;
use crate::domain::merge_patch;
use crate::domain::reference::Reference;
use crate::domain::strategy::action::ActionFields;
use crate::domain::strategy::barrier::BarrierFields;
use crate::domain::strategy::consultation::ConsultationFields;
use crate::domain::strategy::plan::StrategyFields;
use crate::domain::strategy::{Entry, EntryFields, EntryFilter, EntryKind, LinkKind, Visibility};
use crate::domain::validation::Violations;
use crate::domain::visibility::Viewer;
use crate::error::ApiError;
use crate::http::etag;
use crate::http::pagination::{Page, PageQuery};

pub mod actions;
pub mod barriers;
pub mod consultations;
pub mod export;
pub mod strategies;

/// The version tag of an entry; reads add a digest of the body, since what it names may be
/// published or unpublished without a new version.
fn version_tag<F>(entry: &Entry<F>) -> String {
    format!("\"{}\"", entry.version)
}

/// Today, in UTC: the day `overdue` is reckoned on.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Marks whether an action is overdue today.
fn with_overdue<F: EntryFields>(mut entry: Entry<F>) -> Entry<F> {
    entry.overdue = entry.fields.overdue(today());
    entry
}

/// `entries` as `viewer` may see them: what is hidden from the caller dropped.
fn shown<F: EntryFields>(
    conn: &mut db::DbConnection,
    viewer: Viewer,
    mut entries: Vec<Entry<F>>,
) -> Result<Vec<Entry<F>>, ApiError> {
    let fields: Vec<&F> = entries.iter().map(|entry| &entry.fields).collect();
    let seen = strategy::seen(conn, viewer, &fields)?;
    for entry in &mut entries {
        entry.fields.redact(&seen);
    }
    Ok(entries.into_iter().map(with_overdue).collect())
}

fn feed_entries_of<F: EntryFields>(
    conn: &mut db::DbConnection,
    viewer: Viewer,
    ids: &[&str],
    out: &mut HashMap<String, Box<RawValue>>,
) -> Result<(), ApiError> {
    let entries: Vec<Entry<F>> = strategy::by_ids::<F>(conn, ids)?
        .into_iter()
        .filter(|entry| viewer.sees_internal() || entry.fields.visibility() == Visibility::Published)
        .collect();
    for entry in shown(conn, viewer, entries)? {
        // Raw, so that the feed carries the fields in the order a GET answers them.
        let raw = serde_json::value::to_raw_value(&entry).map_err(ApiError::internal)?;
        out.insert(entry.id.clone(), raw);
    }
    Ok(())
}

/// The change feed's view of these entries (kind, id): those `viewer` may read now, as they
/// would read them; the others are absent.
pub fn feed_entries(
    conn: &mut db::DbConnection,
    viewer: Viewer,
    wanted: &[(EntryKind, &str)],
) -> Result<HashMap<String, Box<RawValue>>, ApiError> {
    let mut out = HashMap::new();
    for &kind in EntryKind::ALL {
        let ids: Vec<&str> = wanted
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, id)| *id)
            .collect();
        if ids.is_empty() {
            continue;
        }
        match kind {
            EntryKind::Consultation => feed_entries_of::<ConsultationFields>(conn, viewer, &ids, &mut out)?,
            EntryKind::Barrier => feed_entries_of::<BarrierFields>(conn, viewer, &ids, &mut out)?,
            EntryKind::Strategy => feed_entries_of::<StrategyFields>(conn, viewer, &ids, &mut out)?,
            EntryKind::Action => feed_entries_of::<ActionFields>(conn, viewer, &ids, &mut out)?,
        }
    }
    Ok(out)
}

/// The entry as `viewer` may see it; a draft is a 404 for those who may not read it.
pub async fn read<F: EntryFields>(pool: &Pool, id: String, viewer: Viewer) -> Result<Entry<F>, ApiError> {
    db::run(pool, move |conn| {
        let entry = strategy::find::<F>(conn, &id)?.ok_or(ApiError::NotFound)?;
        if entry.fields.visibility() == Visibility::Draft && !viewer.sees_internal() {
            return Err(ApiError::NotFound);
        }
        Ok(shown(conn, viewer, vec![entry])?.remove(0))
    })
    .await
}

/// Answers an entry with its ETag (`If-None-Match` gives 304).
pub fn respond<F: EntryFields>(req: &HttpRequest, entry: &Entry<F>) -> Result<HttpResponse, ApiError> {
    etag::json_with_version(req, &version_tag(entry), entry)
}

/// Checks `fields` (rules of their own, then `extra`), stores them as a new entry, and
/// answers 201 with its `Location`.
pub async fn create<F: EntryFields>(
    pool: &Pool,
    reference: &Reference,
    caller: Caller,
    fields: F,
    strategy_id: Option<String>,
    location: impl FnOnce(&str) -> String,
) -> Result<HttpResponse, ApiError> {
    let mut v = Violations::default();
    fields.check(reference, &mut v);
    v.finish()?;
    let entry = Entry::new(fields, strategy_id, false, db::now().and_utc());
    let stored = entry.clone();
    db::transaction(pool, move |conn| strategy::insert(conn, &stored, &caller)).await?;
    let entry = with_overdue(entry);
    let body = serde_json::to_vec(&entry).map_err(ApiError::internal)?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", location(&entry.id)))
        .insert_header(("ETag", version_tag(&entry)))
        .content_type("application/json")
        .body(body))
}

/// Applies a JSON Merge Patch to the entry the caller read (`If-Match`), with the same rules
/// as a create; `extra` adds the rules that need the entry's surroundings.
pub async fn update<F: EntryFields>(
    pool: &Pool,
    reference: &Reference,
    req: &HttpRequest,
    caller: Caller,
    before: Entry<F>,
    patch: Value,
    extra: impl FnOnce(&F, &mut Violations),
) -> Result<HttpResponse, ApiError> {
    etag::require_match(req, &version_tag(&before))?;
    let fields: F = merge_patch::apply(&before.fields, patch)?;
    let mut v = Violations::default();
    fields.check(reference, &mut v);
    extra(&fields, &mut v);
    v.finish()?;
    let after = Entry {
        fields,
        version: before.version + 1,
        updated_at: db::now().and_utc(),
        ..before.clone()
    };
    let stored = after.clone();
    db::transaction(pool, move |conn| strategy::save(conn, &before, &stored, &caller)).await?;
    let after = with_overdue(after);
    let body = serde_json::to_vec(&after).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", version_tag(&after)))
        .content_type("application/json")
        .body(body))
}

/// Deletes the entry the caller read (`If-Match`): 204.
pub async fn remove<F: EntryFields>(
    pool: &Pool,
    req: &HttpRequest,
    caller: Caller,
    entry: Entry<F>,
) -> Result<HttpResponse, ApiError> {
    etag::require_match(req, &version_tag(&entry))?;
    let version = entry.version;
    db::transaction(pool, move |conn| strategy::delete(conn, &entry, version, &caller)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A page of entries that pass `filter`, as the caller may see them; the ETag is a digest
/// of the page.
pub async fn list<F: EntryFields>(
    pool: &Pool,
    req: &HttpRequest,
    viewer: Viewer,
    mut filter: EntryFilter,
    paging: PageQuery,
) -> Result<HttpResponse, ApiError> {
    let page = paging.validate()?;
    filter.drafts = viewer.sees_internal();
    let (after, fetch) = (page.after.clone(), page.fetch());
    let rows = db::run(pool, move |conn| {
        let rows = strategy::list::<F>(conn, &filter, after.as_deref(), fetch)?;
        shown(conn, viewer, rows)
    })
    .await?;
    let page: Page<Entry<F>> = page.page(rows, |entry| entry.id.clone(), |entry| entry);
    etag::json_with_digest(req, &page)
}

/// A page of the history of `entry`, oldest first: who changed what, when, before and after.
pub async fn history<F: EntryFields>(
    pool: &Pool,
    entry: Entry<F>,
    paging: PageQuery,
) -> Result<HttpResponse, ApiError> {
    let page = paging.validate()?;
    let (after, fetch) = (page.after_position()?, page.fetch());
    let rows = db::run(pool, move |conn| {
        db::audit::of_entity(conn, &entry.id, after, fetch)
    })
    .await?;
    crate::routes::directory::history_page(&page, rows)
}

/// Every entry that passes `filter` as the caller may see them, for reports and exports
/// (at most [`strategy::REPORT_LIMIT`]).
pub async fn all<F: EntryFields>(
    pool: &Pool,
    viewer: Viewer,
    mut filter: EntryFilter,
) -> Result<Vec<Entry<F>>, ApiError> {
    filter.drafts = viewer.sees_internal();
    db::run(pool, move |conn| {
        let rows = strategy::list::<F>(conn, &filter, None, strategy::REPORT_LIMIT)?;
        shown(conn, viewer, rows)
    })
    .await
}

/// The words of `q`, folded: each must appear in an entry's texts. Up to 200 characters.
pub fn words(q: Option<&str>) -> Result<Vec<String>, ApiError> {
    let Some(q) = q else {
        return Ok(Vec::new());
    };
    if q.chars().count() > 200 {
        return Err(ApiError::BadRequest(
            "parameter `q`: at most 200 characters".into(),
        ));
    }
    Ok(crate::domain::checks::fold(q)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .take(10)
        .map(str::to_owned)
        .collect())
}

/// An id parameter: it must have the form of one (400 otherwise).
pub fn id_param(name: &str, id: Option<&str>) -> Result<Option<String>, ApiError> {
    id.map(|id| {
        if crate::domain::checks::is_id_form(id) {
            Ok(id.to_ascii_lowercase())
        } else {
            Err(ApiError::BadRequest(format!("parameter `{name}`: not an id")))
        }
    })
    .transpose()
}

/// A filter on entries naming the id given as parameter `name` through one of `kinds`.
pub fn named_by(
    filter: &mut EntryFilter,
    name: &str,
    kinds: &[LinkKind],
    id: Option<&str>,
) -> Result<(), ApiError> {
    if let Some(id) = id_param(name, id)? {
        filter.links.push((kinds.to_vec(), vec![id]));
    }
    Ok(())
}
