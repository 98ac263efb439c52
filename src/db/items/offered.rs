//! Capabilities and their working languages (a child table written with each).

use super::*;

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = capabilities, treat_none_as_null = true)]
struct CapabilityRow {
    id: String,
    organization_id: String,
    service_code: String,
    description_fr: Option<String>,
    description_en: Option<String>,
    delivery_modes: String,
    capacity_seats: Option<i32>,
    capacity_fte: Option<i32>,
    capacity_as_of: Option<chrono::NaiveDate>,
    min_engagement_months: Option<i32>,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl Row for CapabilityRow {
    type Fields = CapabilityFields;

    fn from_item(item: &Item<CapabilityFields>) -> Self {
        let f = &item.fields;
        let description = f.description.clone().unwrap_or_default();
        let modes: Vec<&str> = f.delivery_modes.iter().map(|m| m.as_str()).collect();
        CapabilityRow {
            id: item.id.clone(),
            organization_id: item.organization_id.clone(),
            service_code: f.service_code.clone(),
            description_fr: description.fr,
            description_en: description.en,
            delivery_modes: modes.join(","),
            capacity_seats: f.capacity_seats,
            capacity_fte: f.capacity_fte,
            capacity_as_of: f.capacity_as_of,
            min_engagement_months: f.min_engagement_months,
            version: item.version,
            created_at: item.created_at.naive_utc(),
            updated_at: item.updated_at.naive_utc(),
        }
    }

    fn into_item(self) -> Result<Item<CapabilityFields>, ApiError> {
        let delivery_modes = self
            .delivery_modes
            .split(',')
            .filter(|m| !m.is_empty())
            .map(parse)
            .collect::<Result<_, _>>()?;
        let fields = CapabilityFields {
            service_code: self.service_code,
            description: bilingual(self.description_fr, self.description_en),
            delivery_modes,
            languages: Vec::new(),
            capacity_seats: self.capacity_seats,
            capacity_fte: self.capacity_fte,
            capacity_as_of: self.capacity_as_of,
            min_engagement_months: self.min_engagement_months,
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

    fn hydrate(conn: &mut DbConnection, rows: Vec<Self>) -> Result<Vec<Item<CapabilityFields>>, ApiError> {
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        let languages: Vec<(String, String, Option<i32>)> = capability_languages::table
            .filter(capability_languages::capability_id.eq_any(&ids))
            .select((
                capability_languages::capability_id,
                capability_languages::language,
                capability_languages::seats,
            ))
            .order((
                capability_languages::capability_id,
                capability_languages::language,
            ))
            .load(conn)?;
        let mut by_capability: HashMap<String, Vec<WorkingLanguage>> = HashMap::new();
        for (capability_id, code, seats) in languages {
            by_capability
                .entry(capability_id)
                .or_default()
                .push(WorkingLanguage { code, seats });
        }
        rows.into_iter()
            .map(|row| {
                let languages = by_capability.remove(&row.id).unwrap_or_default();
                row.into_item().map(|mut item| {
                    item.fields.languages = languages;
                    item
                })
            })
            .collect()
    }

    fn after_write(conn: &mut DbConnection, item: &Item<CapabilityFields>) -> Result<(), ApiError> {
        diesel::delete(capability_languages::table.filter(capability_languages::capability_id.eq(&item.id)))
            .execute(conn)?;
        Self::after_write_many(conn, std::slice::from_ref(item))
    }

    fn after_write_many(conn: &mut DbConnection, items: &[Item<CapabilityFields>]) -> Result<(), ApiError> {
        let rows: Vec<LanguageRow> = items
            .iter()
            .flat_map(|item| {
                item.fields.languages.iter().map(|language| LanguageRow {
                    capability_id: &item.id,
                    language: &language.code,
                    seats: language.seats,
                })
            })
            .collect();
        crate::db::batch_insert!(conn, capability_languages::table, rows)?;
        Ok(())
    }
}
row_store!(CapabilityFields, capabilities, CapabilityRow);

#[derive(Insertable)]
#[diesel(table_name = capability_languages)]
struct LanguageRow<'a> {
    capability_id: &'a str,
    language: &'a str,
    seats: Option<i32>,
}
