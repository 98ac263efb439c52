//! Relationships between organizations, and participations in programmes.

use super::*;

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = relationships, treat_none_as_null = true)]
struct RelationshipRow {
    id: String,
    organization_id: String,
    kind: String,
    target_id: String,
    since: Option<chrono::NaiveDate>,
    until: Option<chrono::NaiveDate>,
    source: Option<String>,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl Row for RelationshipRow {
    type Fields = RelationshipFields;

    fn from_item(item: &Item<RelationshipFields>) -> Self {
        let f = item.fields.clone();
        RelationshipRow {
            id: item.id.clone(),
            organization_id: item.organization_id.clone(),
            kind: f.kind.as_str().to_owned(),
            target_id: f.target_id,
            since: f.since,
            until: f.until,
            source: f.source,
            version: item.version,
            created_at: item.created_at.naive_utc(),
            updated_at: item.updated_at.naive_utc(),
        }
    }

    fn into_item(self) -> Result<Item<RelationshipFields>, ApiError> {
        let fields = RelationshipFields {
            kind: parse(&self.kind)?,
            target_id: self.target_id,
            since: self.since,
            until: self.until,
            source: self.source,
        };
        Ok(item(
            self.id,
            self.organization_id,
            fields,
            self.version,
            self.created_at,
            self.updated_at,
        ))
    }
}
row_store!(RelationshipFields, relationships, RelationshipRow);

/// Relationships pointing at an organization from others.
pub fn relationships_to(
    conn: &mut DbConnection,
    organization_id: &str,
) -> Result<Vec<Item<RelationshipFields>>, ApiError> {
    let rows: Vec<RelationshipRow> = relationships::table
        .filter(relationships::target_id.eq(organization_id))
        .order(relationships::id)
        .select(RelationshipRow::as_select())
        .load(conn)?;
    rows.into_iter().map(Row::into_item).collect()
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = programme_participants, treat_none_as_null = true)]
struct ParticipationRow {
    id: String,
    programme_id: String,
    organization_id: String,
    role: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl Row for ParticipationRow {
    type Fields = ParticipationFields;

    fn from_item(item: &Item<ParticipationFields>) -> Self {
        ParticipationRow {
            id: item.id.clone(),
            programme_id: item.fields.programme_id.clone(),
            organization_id: item.organization_id.clone(),
            role: item.fields.role.as_str().to_owned(),
            version: item.version,
            created_at: item.created_at.naive_utc(),
            updated_at: item.updated_at.naive_utc(),
        }
    }

    fn into_item(self) -> Result<Item<ParticipationFields>, ApiError> {
        let fields = ParticipationFields {
            programme_id: self.programme_id,
            role: parse(&self.role)?,
        };
        Ok(item(
            self.id,
            self.organization_id,
            fields,
            self.version,
            self.created_at,
            self.updated_at,
        ))
    }
}
row_store!(ParticipationFields, programme_participants, ParticipationRow);

/// The participants of a programme.
pub fn participants_of(
    conn: &mut DbConnection,
    programme_id: &str,
) -> Result<Vec<Item<ParticipationFields>>, ApiError> {
    let rows: Vec<ParticipationRow> = programme_participants::table
        .filter(programme_participants::programme_id.eq(programme_id))
        .order(programme_participants::id)
        .select(ParticipationRow::as_select())
        .load(conn)?;
    rows.into_iter().map(Row::into_item).collect()
}
