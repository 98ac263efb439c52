//! Market presences, certifications and contacts: one row each.

use super::*;

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = market_presences, treat_none_as_null = true)]
struct MarketRow {
    id: String,
    organization_id: String,
    country: String,
    kind: String,
    since_year: Option<i32>,
    reference_clients: Option<i32>,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl Row for MarketRow {
    type Fields = MarketFields;

    fn from_item(item: &Item<MarketFields>) -> Self {
        let f = &item.fields;
        MarketRow {
            id: item.id.clone(),
            organization_id: item.organization_id.clone(),
            country: f.country.clone(),
            kind: f.kind.as_str().to_owned(),
            since_year: f.since_year,
            reference_clients: f.reference_clients,
            version: item.version,
            created_at: item.created_at.naive_utc(),
            updated_at: item.updated_at.naive_utc(),
        }
    }

    fn into_item(self) -> Result<Item<MarketFields>, ApiError> {
        let fields = MarketFields {
            country: self.country,
            kind: parse(&self.kind)?,
            since_year: self.since_year,
            reference_clients: self.reference_clients,
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
row_store!(MarketFields, market_presences, MarketRow);

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = certifications, treat_none_as_null = true)]
struct CertificationRow {
    id: String,
    organization_id: String,
    scheme: String,
    certificate_number: Option<String>,
    issuer: Option<String>,
    valid_from: Option<chrono::NaiveDate>,
    valid_until: Option<chrono::NaiveDate>,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl Row for CertificationRow {
    type Fields = CertificationFields;

    fn from_item(item: &Item<CertificationFields>) -> Self {
        let f = item.fields.clone();
        CertificationRow {
            id: item.id.clone(),
            organization_id: item.organization_id.clone(),
            scheme: f.scheme,
            certificate_number: f.certificate_number,
            issuer: f.issuer,
            valid_from: f.valid_from,
            valid_until: f.valid_until,
            version: item.version,
            created_at: item.created_at.naive_utc(),
            updated_at: item.updated_at.naive_utc(),
        }
    }

    fn into_item(self) -> Result<Item<CertificationFields>, ApiError> {
        let fields = CertificationFields {
            scheme: self.scheme,
            certificate_number: self.certificate_number,
            issuer: self.issuer,
            valid_from: self.valid_from,
            valid_until: self.valid_until,
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
row_store!(CertificationFields, certifications, CertificationRow);

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = contacts, treat_none_as_null = true)]
struct ContactRow {
    id: String,
    organization_id: String,
    name: String,
    role_title: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    shareable: bool,
}

impl Row for ContactRow {
    type Fields = ContactFields;

    fn from_item(item: &Item<ContactFields>) -> Self {
        let f = item.fields.clone();
        ContactRow {
            id: item.id.clone(),
            organization_id: item.organization_id.clone(),
            name: f.name,
            role_title: f.role_title,
            email: f.email,
            phone: f.phone,
            version: item.version,
            created_at: item.created_at.naive_utc(),
            updated_at: item.updated_at.naive_utc(),
            shareable: f.shareable,
        }
    }

    fn into_item(self) -> Result<Item<ContactFields>, ApiError> {
        let fields = ContactFields {
            name: self.name,
            role_title: self.role_title,
            email: self.email,
            phone: self.phone,
            shareable: self.shareable,
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
row_store!(ContactFields, contacts, ContactRow);
