//! A page by relevance holds what its text matches to the other filters in one of two ways:
//! against the facet index in memory (once it has loaded) or in the database (while it
//! loads); so does a page in the order of a column, filtered on records. Both must give the
//! same pages.

use std::collections::HashMap;

use annuaire::db::search::{self, PageRequest, Passing, Position, Screen};
use annuaire::db::{Backend, DbConnection, PooledConnection};
use annuaire::domain::organization::Organization;
use annuaire::domain::reference::Reference;
use annuaire::domain::role::Role;
use annuaire::domain::search::{ListQuery, Purpose};
use annuaire::domain::visibility::Viewer;
use annuaire::error::ApiError;
use annuaire::facets::{FEW_PASSING, FacetIndex};
use diesel::sql_types::{BigInt, Text};
use diesel::{QueryableByName, RunQueryDsl};

use crate::backend_test;
use crate::helpers::{TestApp, loaded_index};

/// Searches with filters that keep from nearly all to none of the text's matches, in both
/// directions and over several pages.
const QUERIES: [(Role, &str, bool); 11] = [
    (Role::Partner, "q=demo&limit=50", true),
    (
        Role::Partner,
        "q=sahel&service=bpo&language=en&market=FR&limit=7",
        true,
    ),
    (
        Role::Partner,
        "q=sahel&service=bpo&language=en&market=FR&order=asc&limit=7",
        true,
    ),
    (
        Role::Partner,
        "q=demo&certification=iso_iec_27001&min_seats=100&limit=9",
        true,
    ),
    (
        Role::Partner,
        "q=teranga%20cont&employees_min=100&founded_to=2015",
        true,
    ),
    (Role::Partner, "q=sahel&sample=exclude", true),
    (Role::Partner, "q=gor&kind=firm", true),
    (Role::Curator, "q=conseil&status=draft", true),
    (Role::Curator, "q=atlantique&verified=true", true),
    (Role::Partner, "q=demo&kind=association", false),
    (Role::Partner, "q=sahel&language=fr&order=asc&limit=9", true),
];

/// `firms` synthetic firms and an index loaded from them, then the search fixture written
/// after it loaded: its firms reach the index as changes to catch up on.
async fn indexed(app: &TestApp, firms: u32) -> (PooledConnection, Reference, FacetIndex) {
    let curator = app.token_for("curator").await;
    app.seed_synthetic(firms).await;
    let url = app.db.url.clone();
    let loaded = tokio::task::spawn_blocking(move || loaded_index(&url))
        .await
        .unwrap();
    crate::search::fixture(app, &curator).await;
    loaded
}

/// Every page of `query` by relevance, screened in the database, and screened by `index`.
fn database_and_memory_pages(
    conn: &mut DbConnection,
    index: &FacetIndex,
    query: &ListQuery,
) -> (Vec<String>, Vec<String>) {
    let filters = &query.filters;
    let database = every_page(conn, query, |conn, page| {
        search::ranked(conn, filters, page, &Screen::Database)
    });
    let memory = every_page(conn, query, |conn, page| {
        index.screening(conn, filters, |conn, screen| {
            search::ranked(conn, filters, page, screen)
        })
    });
    (database, memory)
}

backend_test!(memory_and_database_screens_give_the_same_pages, |app| {
    let (mut conn, reference, index) = indexed(app, 2500).await;
    tokio::task::spawn_blocking(move || {
        let mut sizes = Vec::new();
        for (role, text, found) in QUERIES {
            let viewer = Viewer::new(role);
            let (query, _) = ListQuery::parse(text, &reference, viewer, Purpose::List).unwrap();
            let filters = &query.filters;
            let (database, memory) = database_and_memory_pages(&mut conn, &index, &query);
            assert_eq!(database, memory, "{text}");
            let passing = crate::oracle::passing(&mut conn, filters);
            let mut found_ids = database.clone();
            found_ids.retain(|id| passing.binary_search(id).is_err());
            assert!(found_ids.is_empty(), "{text}: {found_ids:?} fail the filters");
            sizes.push(passing.len());
            let listed = every_page(&mut conn, &query, |conn, page| {
                search::ranked(conn, filters, page, &Screen::Among(&passing))
            });
            assert_eq!(database, listed, "{text}, among the firms passing");
            let listed = Listed::new(&mut conn, passing);
            // A small share has PostgreSQL probe the passing firms; a large one, walk the text.
            for share in [0.01, 0.5] {
                let screen = Screen::Memory {
                    passing: &listed,
                    share,
                };
                let screened = every_page(&mut conn, &query, |conn, page| {
                    search::ranked(conn, filters, page, &screen)
                });
                assert_eq!(
                    database, screened,
                    "{text}, screened against a list, share {share}"
                );
            }
            assert_eq!(!database.is_empty(), found, "{text}: {database:?}");
        }
        // The index lists the firms passing when they are few, and tests matches otherwise.
        assert!(sizes.iter().any(|&n| n as u64 <= FEW_PASSING), "{sizes:?}");
        assert!(sizes.iter().any(|&n| n as u64 > FEW_PASSING), "{sizes:?}");
    })
    .await
    .unwrap();
});

/// Lists in the order of a column, filtered on records, which the facet index screens: from
/// many firms to none, in every order and direction, over several pages.
const SORTED: [(Role, &str); 8] = [
    (Role::Partner, "service=bpo&language=en&market=FR&limit=7"),
    (Role::Partner, "service=bpo&sort=name&limit=50"),
    (
        Role::Partner,
        "certification=iso_iec_27001&min_seats=100&order=desc&limit=9",
    ),
    (Role::Curator, "language=fr&sort=updated&limit=20"),
    (Role::Partner, "market=FR&sort=name&order=desc&limit=100"),
    (
        Role::Partner,
        "language=wo&employees_min=100&founded_to=2015&order=desc",
    ),
    (
        Role::Curator,
        "min_fte=50&employees_min=50&sort=updated&order=desc&limit=11",
    ),
    (Role::Partner, "kind=association&service=bpo"),
];

backend_test!(column_pages_screened_in_memory_are_the_database_pages, |app| {
    let (mut conn, reference, index) = indexed(app, 2500).await;
    tokio::task::spawn_blocking(move || {
        for (role, text) in SORTED {
            let viewer = Viewer::new(role);
            let (query, _) = ListQuery::parse(text, &reference, viewer, Purpose::List).unwrap();
            let filters = &query.filters;
            assert!(search::screens_in_memory(filters), "{text}");
            let database = every_page(&mut conn, &query, |conn, page| {
                search::sorted(conn, filters, page, &Screen::Database)
            });
            let memory = every_page(&mut conn, &query, |conn, page| {
                index.screening(conn, filters, |conn, screen| {
                    search::sorted(conn, filters, page, screen)
                })
            });
            assert_eq!(database, memory, "{text}");
            let passing = crate::oracle::passing(&mut conn, filters);
            let mut listed_ids = database.clone();
            listed_ids.sort();
            assert_eq!(
                listed_ids, passing,
                "{text}: the list is every firm passing, once"
            );
            let among = every_page(&mut conn, &query, |conn, page| {
                search::sorted(conn, filters, page, &Screen::Among(&passing))
            });
            assert_eq!(database, among, "{text}, among the firms passing");
            let listed = Listed::new(&mut conn, passing);
            // A share that is too high has a walk read more batches, each larger; one too low
            // to expect a batch to fill the page leaves the filters to the database.
            for share in [1.0, 0.5, 0.02, 0.0001] {
                let screen = Screen::Memory {
                    passing: &listed,
                    share,
                };
                let screened = every_page(&mut conn, &query, |conn, page| {
                    search::sorted(conn, filters, page, &screen)
                });
                assert_eq!(database, screened, "{text}, share {share}");
            }
            let found = text != "kind=association&service=bpo";
            assert_eq!(!database.is_empty(), found, "{text}: {database:?}");
        }
    })
    .await
    .unwrap();
});

/// Searches whose best tier PostgreSQL tells from the words of the names the index holds,
/// updated as firms are written after it loaded, each with whether its filters keep a sixth of
/// some thousands of firms (more than the index lists, few enough that the other tiers probe
/// them for the text) or nearly every firm (the other tiers walk the text's matches).
const NAMED: [(&str, bool); 5] = [
    ("q=atlantique&market=FR&limit=25", true),
    ("q=teleserv&market=FR&order=asc", true),
    ("q=sahel&market=FR&limit=40", true),
    ("q=teranga%20cont&limit=30", false),
    ("q=atlantique%20dem&order=asc&limit=45", false),
];

backend_test!(names_in_memory_give_the_best_tier_the_database_gives, |app| {
    let (mut conn, reference, index) = indexed(app, 9000).await;
    tokio::task::spawn_blocking(move || {
        for (text, probed) in NAMED {
            let viewer = Viewer::new(Role::Partner);
            let (query, _) = ListQuery::parse(text, &reference, viewer, Purpose::List).unwrap();
            let passing = crate::oracle::passing(&mut conn, &query.filters).len() as u64;
            assert!(passing > FEW_PASSING, "{text}: {passing} pass");
            assert_eq!(passing < 9000 / 4, probed, "{text}: {passing} pass");
            let (database, memory) = database_and_memory_pages(&mut conn, &index, &query);
            assert!(!database.is_empty(), "{text}");
            assert_eq!(database, memory, "{text}");
        }
    })
    .await
    .unwrap();
});

/// The firms passing a search's filters, from a list: a reference for what the facet index
/// knows of them.
struct Listed {
    /// In id order, PostgreSQL's document key.
    ids: Vec<String>,
    /// SQLite's search documents of those firms, by rowid.
    documents: HashMap<i64, String>,
}

#[derive(QueryableByName)]
struct Document {
    #[diesel(sql_type = BigInt)]
    rowid: i64,
    #[diesel(sql_type = Text)]
    organization_id: String,
}

impl Listed {
    fn new(conn: &mut DbConnection, mut ids: Vec<String>) -> Self {
        ids.sort();
        let documents = match conn.backend() {
            Backend::Sqlite => diesel::sql_query("SELECT rowid, organization_id FROM search_documents")
                .load::<Document>(conn)
                .unwrap()
                .into_iter()
                .filter(|d| ids.binary_search(&d.organization_id).is_ok())
                .map(|d| (d.rowid, d.organization_id))
                .collect(),
            Backend::Postgres => HashMap::new(),
        };
        Listed { ids, documents }
    }
}

impl Passing for Listed {
    fn passes(&self, id: &str) -> bool {
        self.ids
            .binary_search_by(|listed| listed.as_str().cmp(id))
            .is_ok()
    }

    fn document_passes(&self, rowid: i64) -> Option<String> {
        self.documents.get(&rowid).cloned()
    }

    fn ids_in_order(&self, after: Option<&str>, descending: bool, limit: usize) -> Option<Vec<String>> {
        let beyond = |id: &&String| {
            after.is_none_or(|a| {
                if descending {
                    id.as_str() < a
                } else {
                    id.as_str() > a
                }
            })
        };
        let ids = self.ids.iter().filter(beyond).cloned();
        Some(if descending {
            ids.rev().take(limit).collect()
        } else {
            ids.take(limit).collect()
        })
    }
}

/// The ids of every organization passing the filters of `text`, its text aside.
/// The ids of every page of `query`, in order.
fn every_page(
    conn: &mut DbConnection,
    query: &ListQuery,
    mut list: impl FnMut(
        &mut DbConnection,
        PageRequest<'_>,
    ) -> Result<(Vec<Organization>, Option<Position>), ApiError>,
) -> Vec<String> {
    let (mut ids, mut after) = (Vec::new(), None);
    loop {
        let page = PageRequest {
            sort: query.sort,
            descending: query.descending,
            after: after.as_ref(),
            limit: query.limit.into(),
        };
        let (organizations, next) = list(conn, page).unwrap();
        assert!(organizations.len() <= query.limit as usize);
        ids.extend(organizations.into_iter().map(|o| o.id));
        match next {
            Some(next) => after = Some(next),
            None => return ids,
        }
    }
}
