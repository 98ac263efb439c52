//! Programmes.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::audit::{self, Change};
use super::schema::programmes;
use crate::domain::caller::Caller;
use crate::domain::organization::Bilingual;
use crate::domain::programme::{Programme, ProgrammeFields};
use crate::error::ApiError;

/// The audit name of programmes.
pub const KIND: &str = "programme";

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = programmes, treat_none_as_null = true)]
struct Row {
    id: String,
    slug: String,
    name: String,
    acronym: Option<String>,
    description_fr: Option<String>,
    description_en: Option<String>,
    start_year: Option<i32>,
    end_year: Option<i32>,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl Row {
    fn from_domain(p: &Programme) -> Self {
        let description = p.fields.description.clone().unwrap_or_default();
        Row {
            id: p.id.clone(),
            slug: p.slug.clone(),
            name: p.fields.name.clone(),
            acronym: p.fields.acronym.clone(),
            description_fr: description.fr,
            description_en: description.en,
            start_year: p.fields.start_year,
            end_year: p.fields.end_year,
            version: p.version,
            created_at: p.created_at.naive_utc(),
            updated_at: p.updated_at.naive_utc(),
        }
    }

    fn into_domain(self) -> Programme {
        let description =
            (self.description_fr.is_some() || self.description_en.is_some()).then_some(Bilingual {
                fr: self.description_fr,
                en: self.description_en,
            });
        Programme {
            id: self.id,
            slug: self.slug,
            fields: ProgrammeFields {
                name: self.name,
                acronym: self.acronym,
                description,
                start_year: self.start_year,
                end_year: self.end_year,
            },
            version: self.version,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        }
    }
}

/// The programme with this id, or with this slug when `key` has not the form of an id.
pub fn find(conn: &mut DbConnection, key: &str) -> Result<Option<Programme>, ApiError> {
    let row: Option<Row> = if crate::domain::checks::is_id_form(key) {
        programmes::table
            .find(key.to_ascii_lowercase())
            .select(Row::as_select())
            .first(conn)
            .optional()?
    } else {
        programmes::table
            .filter(programmes::slug.eq(key))
            .select(Row::as_select())
            .first(conn)
            .optional()?
    };
    Ok(row.map(Row::into_domain))
}

/// One page of programmes in id order, after `after`.
pub fn list(conn: &mut DbConnection, after: Option<&str>, limit: i64) -> Result<Vec<Programme>, ApiError> {
    let mut query = programmes::table
        .order(programmes::id)
        .limit(limit)
        .select(Row::as_select())
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(programmes::id.gt(after.to_owned()));
    }
    Ok(query.load(conn)?.into_iter().map(Row::into_domain).collect())
}

/// Stores a new programme (a taken slug is a 409) and records it.
pub fn insert(conn: &mut DbConnection, programme: &Programme, actor: &Caller) -> Result<(), ApiError> {
    diesel::insert_into(programmes::table)
        .values(Row::from_domain(programme))
        .execute(conn)?;
    audit::record(conn, change(programme, actor, "created"), None, Some(programme))
}

/// Replaces `before` by `after` unless it changed meanwhile (412), and records it.
pub fn save(
    conn: &mut DbConnection,
    before: &Programme,
    after: &Programme,
    actor: &Caller,
) -> Result<(), ApiError> {
    let updated = diesel::update(
        programmes::table
            .filter(programmes::id.eq(&before.id))
            .filter(programmes::version.eq(before.version)),
    )
    .set(Row::from_domain(after))
    .execute(conn)?;
    if updated == 0 {
        return Err(ApiError::PreconditionFailed);
    }
    audit::record(conn, change(after, actor, "updated"), Some(before), Some(after))
}

fn change<'a>(programme: &'a Programme, actor: &'a Caller, action: &'a str) -> Change<'a> {
    Change {
        actor,
        entity_kind: KIND,
        entity_id: &programme.id,
        organization_id: None,
        programme_id: Some(&programme.id),
        buyer_request_id: None,
        action,
    }
}
