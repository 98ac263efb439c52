//! The library's own view of a test's database, for tests that compare what a server computes
//! in memory (the facet index) with what it computes in the database.

use annuaire::db::{self, PooledConnection};
use annuaire::domain::reference::Reference;
use annuaire::facets::FacetIndex;

/// A connection to the database at `url`, its reference data, and a facet index loaded from
/// it. Blocks: call it from `spawn_blocking`.
pub fn loaded_index(url: &str) -> (PooledConnection, Reference, FacetIndex) {
    let pool = db::connect(&url.parse().unwrap(), 1).unwrap();
    let mut conn = pool.get().unwrap();
    let reference = db::reference::load(&mut conn).unwrap();
    let index = FacetIndex::new(&reference);
    index.load(&mut conn).unwrap();
    (conn, reference, index)
}
