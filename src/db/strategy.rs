//! The export strategy's entries: consultations, barriers, strategies and actions, each stored
//! as its fields (`body`) with the columns and links filters read.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::audit::{self, Change};
use super::schema::{programmes, strategy_entries as e, strategy_links as l};
use crate::domain::caller::Caller;
use crate::domain::strategy::{Entry, EntryFields, EntryFilter, LinkKind, Seen, Visibility};
use crate::domain::validation::Violations;
use crate::domain::visibility::Viewer;
use crate::error::ApiError;

/// How many entries a report or an export reads at most: a sector's plan has tens of them.
pub const REPORT_LIMIT: i64 = 10_000;

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = e, treat_none_as_null = true)]
struct Row {
    id: String,
    kind: String,
    strategy_id: Option<String>,
    visibility: String,
    is_sample: bool,
    status: String,
    level: Option<String>,
    theme: Option<String>,
    priority: Option<String>,
    lead_id: Option<String>,
    due_date: Option<chrono::NaiveDate>,
    search_text: String,
    body: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl Row {
    fn from_entry<F: EntryFields>(entry: &Entry<F>) -> Result<Self, ApiError> {
        let p = entry.fields.project();
        Ok(Row {
            id: entry.id.clone(),
            kind: F::KIND.as_str().into(),
            strategy_id: entry.strategy_id.clone(),
            visibility: entry.fields.visibility().as_str().into(),
            is_sample: entry.is_sample,
            status: p.status,
            level: p.level,
            theme: p.theme,
            priority: p.priority,
            lead_id: p.lead_id,
            due_date: p.due_date,
            search_text: p.search_text,
            body: serde_json::to_string(&entry.fields).map_err(ApiError::internal)?,
            version: entry.version,
            created_at: entry.created_at.naive_utc(),
            updated_at: entry.updated_at.naive_utc(),
        })
    }

    fn into_entry<F: EntryFields>(self) -> Result<Entry<F>, ApiError> {
        Ok(Entry {
            id: self.id,
            fields: serde_json::from_str(&self.body).map_err(ApiError::internal)?,
            strategy_id: self.strategy_id,
            overdue: None,
            is_sample: self.is_sample,
            version: self.version,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        })
    }
}

fn change<'a, F: EntryFields>(entry: &'a Entry<F>, actor: &'a Caller, action: &'a str) -> Change<'a> {
    Change {
        actor,
        entity_kind: F::KIND.as_str(),
        entity_id: &entry.id,
        organization_id: None,
        programme_id: None,
        buyer_request_id: None,
        action,
    }
}

/// Checks that what `fields` names exists: organizations of the directory, entries of the
/// right kind, programmes. Every missing one is a 422 naming its field.
fn check_links<F: EntryFields>(conn: &mut DbConnection, fields: &F) -> Result<(), ApiError> {
    let links = fields.project().links;
    let targets = |keep: &dyn Fn(LinkKind) -> bool| -> Vec<String> {
        let set: HashSet<&str> = links
            .iter()
            .filter(|link| keep(link.kind))
            .map(|link| link.target.as_str())
            .collect();
        set.into_iter().map(str::to_owned).collect()
    };
    let organizations = targets(&|k| k.names_organization());
    let refs: Vec<&str> = organizations.iter().map(String::as_str).collect();
    let found_organizations = super::organizations::statuses(conn, &refs)?;
    let entries = targets(&|k| k.names_entry().is_some());
    let found_entries: HashMap<String, String> = e::table
        .filter(e::id.eq_any(&entries))
        .select((e::id, e::kind))
        .load(conn)?
        .into_iter()
        .collect();
    let wanted_programmes = targets(&|k| k == LinkKind::Programme);
    let found_programmes: HashSet<String> = programmes::table
        .filter(programmes::id.eq_any(&wanted_programmes))
        .select(programmes::id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let mut v = Violations::default();
    for link in &links {
        if link.kind.names_organization() && !found_organizations.contains_key(&link.target) {
            v.add(&link.field, "must be the id of an organization of the directory");
        } else if let Some(kind) = link.kind.names_entry()
            && found_entries.get(&link.target).map(String::as_str) != Some(kind.as_str())
        {
            v.add(&link.field, format!("must be the id of a {}", kind.as_str()));
        } else if link.kind == LinkKind::Programme && !found_programmes.contains(&link.target) {
            v.add(&link.field, "must be the id of a programme");
        }
    }
    v.finish()
}

fn write_links<F: EntryFields>(conn: &mut DbConnection, entry: &Entry<F>) -> Result<(), ApiError> {
    diesel::delete(l::table.filter(l::entry_id.eq(&entry.id))).execute(conn)?;
    let mut seen = HashSet::new();
    let rows: Vec<_> = entry
        .fields
        .project()
        .links
        .into_iter()
        .filter(|link| seen.insert((link.kind, link.target.clone())))
        .map(|link| {
            (
                l::entry_id.eq(entry.id.clone()),
                l::link.eq(link.kind.as_str()),
                l::target.eq(link.target),
            )
        })
        .collect();
    super::batch_insert!(conn, l::table, rows)?;
    Ok(())
}

/// Stores a new entry and records it; what it names must exist (422).
pub fn insert<F: EntryFields>(
    conn: &mut DbConnection,
    entry: &Entry<F>,
    actor: &Caller,
) -> Result<(), ApiError> {
    check_links(conn, &entry.fields)?;
    diesel::insert_into(e::table)
        .values(Row::from_entry(entry)?)
        .execute(conn)?;
    write_links(conn, entry)?;
    audit::record(conn, change(entry, actor, "created"), None, Some(&entry.fields))
}

/// Replaces `before` by `after` unless it changed meanwhile (412), and records it: as
/// `published` or `unpublished` when its visibility turned, else `updated`.
pub fn save<F: EntryFields>(
    conn: &mut DbConnection,
    before: &Entry<F>,
    after: &Entry<F>,
    actor: &Caller,
) -> Result<(), ApiError> {
    check_links(conn, &after.fields)?;
    let updated = diesel::update(
        e::table
            .filter(e::id.eq(&before.id))
            .filter(e::version.eq(before.version)),
    )
    .set(Row::from_entry(after)?)
    .execute(conn)?;
    if updated == 0 {
        return Err(ApiError::PreconditionFailed);
    }
    write_links(conn, after)?;
    let action = match (before.fields.visibility(), after.fields.visibility()) {
        (Visibility::Draft, Visibility::Published) => "published",
        (Visibility::Published, Visibility::Draft) => "unpublished",
        _ => "updated",
    };
    audit::record(
        conn,
        change(after, actor, action),
        Some(&before.fields),
        Some(&after.fields),
    )
}

/// Deletes an entry at `version` (412 otherwise) and records it. An entry other entries name
/// (a consultation, a barrier) or a strategy with actions is a 409: unlink them first.
pub fn delete<F: EntryFields>(
    conn: &mut DbConnection,
    entry: &Entry<F>,
    version: i32,
    actor: &Caller,
) -> Result<(), ApiError> {
    super::hold_row(conn, "strategy_entries", &entry.id)?;
    let naming: i64 = l::table
        .filter(l::target.eq(&entry.id))
        .filter(l::link.eq_any(["consultation", "barrier"]))
        .count()
        .get_result(conn)?;
    let actions: i64 = e::table
        .filter(e::strategy_id.eq(&entry.id))
        .count()
        .get_result(conn)?;
    if naming + actions > 0 {
        return Err(ApiError::Conflict(format!(
            "{naming} entries name this one and it holds {actions} actions: unlink or delete them first"
        )));
    }
    diesel::delete(l::table.filter(l::entry_id.eq(&entry.id))).execute(conn)?;
    let deleted = diesel::delete(
        e::table
            .filter(e::id.eq(&entry.id))
            .filter(e::version.eq(version)),
    )
    .execute(conn)?;
    if deleted == 0 {
        return Err(ApiError::PreconditionFailed);
    }
    audit::record(conn, change(entry, actor, "deleted"), Some(&entry.fields), None)
}

/// The entry of kind `F` with this id.
pub fn find<F: EntryFields>(conn: &mut DbConnection, id: &str) -> Result<Option<Entry<F>>, ApiError> {
    e::table
        .find(id.to_ascii_lowercase())
        .filter(e::kind.eq(F::KIND.as_str()))
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(Row::into_entry)
        .transpose()
}

/// Entries of kind `F` that pass `filter`, in id order after `after`, at most `limit`.
pub fn list<F: EntryFields>(
    conn: &mut DbConnection,
    filter: &EntryFilter,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<Entry<F>>, ApiError> {
    let mut q = e::table
        .filter(e::kind.eq(F::KIND.as_str()))
        .order(e::id)
        .limit(limit)
        .select(Row::as_select())
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(e::id.gt(after.to_owned()));
    }
    if !filter.drafts {
        q = q.filter(e::visibility.eq(Visibility::Published.as_str()));
    }
    if let Some(strategy) = &filter.strategy_id {
        q = q.filter(e::strategy_id.eq(strategy.clone()));
    }
    for word in &filter.words {
        // Words are runs of letters and digits, so they hold no LIKE wildcard.
        q = q.filter(e::search_text.like(format!("%{word}%")));
    }
    if let Some(level) = &filter.level {
        q = q.filter(e::level.eq(level.clone()));
    }
    if let Some(theme) = &filter.theme {
        q = q.filter(e::theme.eq(theme.clone()));
    }
    if let Some(status) = &filter.status {
        q = q.filter(e::status.eq(status.clone()));
    }
    if let Some(priority) = &filter.priority {
        q = q.filter(e::priority.eq(priority.clone()));
    }
    if let Some(lead) = &filter.lead_id {
        q = q.filter(e::lead_id.eq(lead.clone()));
    }
    if let Some((overdue, today)) = filter.overdue {
        let closed = ["done", "dropped"];
        q = if overdue {
            q.filter(e::due_date.lt(today)).filter(e::status.ne_all(closed))
        } else {
            q.filter(
                e::due_date
                    .is_null()
                    .or(e::due_date.ge(today))
                    .or(e::status.eq_any(closed)),
            )
        };
    }
    for (kinds, targets) in &filter.links {
        let naming = l::table
            .filter(l::link.eq_any(kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>()))
            .filter(l::target.eq_any(targets.clone()))
            .select(l::entry_id);
        q = q.filter(e::id.eq_any(naming));
    }
    q.load(conn)?.into_iter().map(Row::into_entry).collect()
}

/// What `viewer` sees of what `entries` name.
pub fn seen<F: EntryFields>(
    conn: &mut DbConnection,
    viewer: Viewer,
    entries: &[&F],
) -> Result<Seen, ApiError> {
    let mut seen = Seen {
        staff: viewer.sees_internal(),
        ..Seen::default()
    };
    if seen.staff {
        return Ok(seen);
    }
    let mut organizations = HashSet::new();
    let mut named = HashSet::new();
    for fields in entries {
        for link in fields.project().links {
            if link.kind.names_organization() {
                organizations.insert(link.target);
            } else if link.kind.names_entry().is_some() {
                named.insert(link.target);
            }
        }
    }
    let refs: Vec<&str> = organizations.iter().map(String::as_str).collect();
    let statuses = super::organizations::statuses(conn, &refs)?;
    seen.hidden_organizations = organizations
        .into_iter()
        .filter(|id| !statuses.get(id).is_some_and(|s| viewer.sees(*s)))
        .collect();
    let named: Vec<String> = named.into_iter().collect();
    let published: HashSet<String> = e::table
        .filter(e::id.eq_any(&named))
        .filter(e::visibility.eq(Visibility::Published.as_str()))
        .select(e::id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    seen.hidden_entries = named.into_iter().filter(|id| !published.contains(id)).collect();
    Ok(seen)
}

/// The entries of kind `F` among these ids.
pub fn by_ids<F: EntryFields>(conn: &mut DbConnection, ids: &[&str]) -> Result<Vec<Entry<F>>, ApiError> {
    e::table
        .filter(e::kind.eq(F::KIND.as_str()))
        .filter(e::id.eq_any(ids))
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(Row::into_entry)
        .collect()
}
