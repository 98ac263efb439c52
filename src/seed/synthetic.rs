//! `annuaire seed --synthetic N`: many sample firms, fast, for benchmarks. Written in large
//! multi-row inserts without audit events; numbered after the firms already there.

use super::sample;
use crate::db::items::ItemStore;
use crate::db::{DbConnection, organizations};
use crate::domain::items::{CapabilityFields, CertificationFields, Item, MarketFields};
use crate::domain::matching::profile::MatchProfile;
use crate::domain::organization::Organization;
use crate::domain::search;
use crate::domain::vocab::Status;
use crate::error::ApiError;

/// Firms written per transaction.
const BATCH: u64 = 2_000;

/// Generates and stores `count` published sample firms with their records.
pub fn load_synthetic(conn: &mut DbConnection, count: u64, progress: impl Fn(u64)) -> Result<(), ApiError> {
    let now = crate::db::now().and_utc();
    let reference = crate::db::reference::load(conn)?;
    let labels = |fields: &CapabilityFields| {
        reference
            .term(&fields.service_code)
            .map(|t| (t.label_fr.clone(), t.label_en.clone()))
    };
    let start = organizations::count(conn)? as u64 + 1_000;
    let mut done = 0;
    while done < count {
        let size = BATCH.min(count - done);
        let mut orgs = Vec::with_capacity(size as usize);
        let (mut capabilities, mut markets, mut certifications) = (Vec::new(), Vec::new(), Vec::new());
        let mut documents = Vec::with_capacity(size as usize);
        let mut profiles = Vec::with_capacity(size as usize);
        for n in start + done..start + done + size {
            let firm = sample::firm(n);
            let id = uuid::Uuid::now_v7().to_string();
            let service_labels: Vec<(String, String)> = firm.capabilities.iter().filter_map(labels).collect();
            documents.push((
                id.clone(),
                search::document(&firm.fields, &firm.capabilities, &service_labels),
            ));
            let dated: Vec<_> = firm.capabilities.iter().map(|c| (c, now.date_naive())).collect();
            profiles.push(MatchProfile::new(&dated, &firm.certifications, &firm.markets));
            capabilities.extend(firm.capabilities.into_iter().map(|f| Item::new(&id, f, now)));
            markets.extend(firm.markets.into_iter().map(|f| Item::new(&id, f, now)));
            certifications.extend(firm.certifications.into_iter().map(|f| Item::new(&id, f, now)));
            orgs.push(Organization {
                slug: format!("synthetic-{n}"),
                id,
                fields: firm.fields,
                status: Status::Published,
                verification: None,
                version: 1,
                created_at: now,
                updated_at: now,
                records: Default::default(),
            });
        }
        crate::db::write_transaction(conn, |conn| {
            organizations::insert_many(conn, &orgs)?;
            CapabilityFields::insert_many(conn, &capabilities)?;
            MarketFields::insert_many(conn, &markets)?;
            CertificationFields::insert_many(conn, &certifications)?;
            crate::db::search::insert_documents(conn, &documents)?;
            let matched: Vec<_> = orgs.iter().zip(profiles.drain(..)).collect();
            crate::db::match_profiles::insert_many(conn, &matched)?;
            let ids: Vec<String> = orgs.iter().map(|o| o.id.clone()).collect();
            crate::db::audit::record_created_many(conn, &ids, "created")?;
            crate::db::audit::record_created_many(conn, &ids, "published")
        })?;
        done += size;
        progress(done);
    }
    // Fresh statistics, so that the query planners see the data as it now is.
    crate::db::analyze(conn)
}
