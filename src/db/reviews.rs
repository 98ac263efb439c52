//! Review threads and the review queue.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use diesel::sql_types::{Text, Timestamp};

use super::DbConnection;
use super::schema::{audit_events, organization_reviews, users};
use super::sql::{Sql, Value};
use crate::domain::caller::{Caller, CallerKind};
use crate::domain::organization::Organization;
use crate::domain::review::{
    QueueItem, QueuedOrganization, ReviewAuthor, ReviewEntry, ReviewKind, field_changes,
};
use crate::error::ApiError;

/// Adds an entry to the thread of `organization`, at `version`.
pub fn record(
    conn: &mut DbConnection,
    organization_id: &str,
    kind: ReviewKind,
    comment: Option<&str>,
    version: i32,
    author: &Caller,
) -> Result<(), ApiError> {
    diesel::insert_into(organization_reviews::table)
        .values((
            organization_reviews::id.eq(uuid::Uuid::now_v7().to_string()),
            organization_reviews::organization_id.eq(organization_id),
            organization_reviews::kind.eq(kind.as_str()),
            organization_reviews::comment.eq(comment),
            organization_reviews::version.eq(version),
            organization_reviews::author_id.eq(&author.id),
            organization_reviews::author_kind.eq(super::audit::actor_kind(author)),
            organization_reviews::created_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Who last submitted `organization` for review.
pub fn submitter(conn: &mut DbConnection, organization_id: &str) -> Result<Option<String>, ApiError> {
    Ok(organization_reviews::table
        .filter(organization_reviews::organization_id.eq(organization_id))
        .filter(organization_reviews::kind.eq(ReviewKind::Submitted.as_str()))
        .order((
            organization_reviews::created_at.desc(),
            organization_reviews::id.desc(),
        ))
        .select(organization_reviews::author_id)
        .first(conn)
        .optional()?)
}

type EntryRow = (String, String, Option<String>, i32, String, String, NaiveDateTime);

/// The thread of `organization`, oldest first.
pub fn thread(conn: &mut DbConnection, organization_id: &str) -> Result<Vec<ReviewEntry>, ApiError> {
    use organization_reviews as r;
    let rows: Vec<EntryRow> = r::table
        .filter(r::organization_id.eq(organization_id))
        .order((r::created_at, r::id))
        .select((
            r::id,
            r::kind,
            r::comment,
            r::version,
            r::author_id,
            r::author_kind,
            r::created_at,
        ))
        .load(conn)?;
    let ids: Vec<&str> = rows.iter().map(|row| row.4.as_str()).collect();
    let emails = emails(conn, &ids)?;
    rows.into_iter()
        .map(|(id, kind, comment, version, author_id, author_kind, at)| {
            Ok(ReviewEntry {
                id,
                kind: ReviewKind::parse(&kind)?,
                comment,
                version,
                author: author(&emails, author_id, &author_kind),
                created_at: at.and_utc(),
            })
        })
        .collect()
}

pub fn emails(conn: &mut DbConnection, ids: &[&str]) -> Result<HashMap<String, String>, ApiError> {
    let rows: Vec<(String, String)> = users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::email))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

pub(super) fn author(emails: &HashMap<String, String>, id: String, kind: &str) -> ReviewAuthor {
    let kind = match kind {
        "user" => CallerKind::User,
        "api_key" => CallerKind::ApiKey,
        _ => CallerKind::System,
    };
    ReviewAuthor {
        email: emails.get(&id).cloned(),
        id,
        kind,
    }
}

#[derive(QueryableByName)]
struct Waiting {
    #[diesel(sql_type = Text)]
    organization_id: String,
    #[diesel(sql_type = Text)]
    author_id: String,
    #[diesel(sql_type = Text)]
    author_kind: String,
    #[diesel(sql_type = Timestamp)]
    created_at: NaiveDateTime,
}

/// Where a page of the queue starts: after this submission time and organization id.
pub type QueueKey = (NaiveDateTime, String);

/// Up to `limit` organizations in review, by the time of their latest submission, oldest
/// first, after `after`; each with what changed against its last published version.
pub fn queue(
    conn: &mut DbConnection,
    after: Option<&QueueKey>,
    limit: i64,
) -> Result<Vec<QueueItem>, ApiError> {
    // The latest submission of each organization in review: no later submission exists.
    let mut sql = Sql::new(
        "SELECT r.organization_id, r.author_id, r.author_kind, r.created_at FROM organization_reviews r \
         JOIN organizations o ON o.id = r.organization_id \
         WHERE o.status = 'in_review' AND r.kind = 'submitted' AND NOT EXISTS ( \
           SELECT 1 FROM organization_reviews l WHERE l.organization_id = r.organization_id \
              AND l.kind = 'submitted' \
              AND (l.created_at > r.created_at OR (l.created_at = r.created_at AND l.id > r.id)))",
    );
    if let Some((at, id)) = after {
        sql.push(" AND (r.created_at > ")
            .bind(Value::Time(*at))
            .push(" OR (r.created_at = ")
            .bind(Value::Time(*at))
            .push(" AND r.organization_id > ")
            .bind(Value::Text(id.clone()))
            .push("))");
    }
    sql.push(" ORDER BY r.created_at, r.organization_id LIMIT ")
        .bind(Value::BigInt(limit));
    let waiting: Vec<(String, String, String, NaiveDateTime)> = sql
        .load::<Waiting>(conn)?
        .into_iter()
        .map(|w| (w.organization_id, w.author_id, w.author_kind, w.created_at))
        .collect();
    let ids: Vec<&str> = waiting.iter().map(|w| w.0.as_str()).collect();
    let orgs: HashMap<String, Organization> = super::organizations::find_many(conn, &ids)?
        .into_iter()
        .map(|org| (org.id.clone(), org))
        .collect();
    let published = published_states(conn, &ids)?;
    let authors: Vec<&str> = waiting.iter().map(|w| w.1.as_str()).collect();
    let emails = emails(conn, &authors)?;
    waiting
        .into_iter()
        .filter_map(|(id, author_id, author_kind, at)| {
            let org = orgs.get(&id)?;
            Some((org, author_id, author_kind, at))
        })
        .map(|(org, author_id, author_kind, at)| {
            let current = serde_json::to_value(&org.fields).map_err(ApiError::internal)?;
            let before = published.get(&org.id);
            Ok(QueueItem {
                reason: "in_review".into(),
                proposal: None,
                claim: None,
                organization: QueuedOrganization::of(org),
                submitted_by: author(&emails, author_id, &author_kind),
                submitted_at: at.and_utc(),
                version: org.version,
                published_version: before.map(|(version, _)| *version),
                changes: field_changes(before.map(|(_, fields)| fields), &current),
            })
        })
        .collect()
}

/// Per organization that was ever published, its version and editable fields as of its last
/// publication, from the audit trail's after-state.
fn published_states(
    conn: &mut DbConnection,
    ids: &[&str],
) -> Result<HashMap<String, (i32, serde_json::Value)>, ApiError> {
    let rows: Vec<(String, Option<String>)> = audit_events::table
        .filter(audit_events::entity_kind.eq(super::organizations::KIND))
        .filter(audit_events::entity_id.eq_any(ids))
        .filter(audit_events::action.eq("published"))
        .order(audit_events::position)
        .select((audit_events::entity_id, audit_events::after_state))
        .load(conn)?;
    // In position order, the last publication of each organization stays; erased states
    // (personal data requests) leave nothing to compare with.
    let latest: HashMap<String, String> = rows
        .into_iter()
        .filter_map(|(id, state)| Some((id, state?)))
        .collect();
    latest
        .into_iter()
        .map(|(id, state)| {
            let org: Organization = serde_json::from_str(&state).map_err(ApiError::internal)?;
            let fields = serde_json::to_value(&org.fields).map_err(ApiError::internal)?;
            Ok((id, (org.version, fields)))
        })
        .collect()
}
