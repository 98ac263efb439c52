//! `annuaire seed --demo`: about sixty published sample firms, through the audited write path.

use super::sample;
use super::writer::Writer;
use crate::db::{DbConnection, organizations};
use crate::error::ApiError;

/// How many sample firms the demonstration set holds.
pub const DEMO_FIRMS: u64 = 60;

/// Loads the demonstration firms unless they are there already. Returns how many it loaded.
pub fn load_demo(conn: &mut DbConnection) -> Result<u64, ApiError> {
    let first = sample::firm(1);
    let slug = crate::domain::checks::slugify(&first.fields.name);
    // The check is inside the write transaction, so two servers starting at once on one
    // database cannot both load the set.
    crate::db::write_transaction(conn, |conn| {
        if organizations::find(conn, &slug)?.is_some() {
            return Ok(0);
        }
        let writer = Writer::new();
        for n in 1..=DEMO_FIRMS {
            let firm = sample::firm(n);
            let org = writer.organization(conn, None, firm.fields)?;
            for capability in firm.capabilities {
                writer.item(conn, &org.id, capability)?;
            }
            for market in firm.markets {
                writer.item(conn, &org.id, market)?;
            }
            for certification in firm.certifications {
                writer.item(conn, &org.id, certification)?;
            }
        }
        super::strategy_record::load_samples(conn)?;
        Ok(DEMO_FIRMS)
    })
}
