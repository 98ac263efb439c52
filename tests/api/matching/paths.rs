//! The two ways a ranking is made: from the match profiles held in memory (once the index has
//! loaded) and from the database (while it loads). They must give the same answer.

use annuaire::db::matching;
use annuaire::domain::matching::criteria::{MatchCriteria, Weights};
use annuaire::domain::matching::ranking::Ranking;
use annuaire::domain::matching::scoring::Matcher;
use serde_json::Value;

use crate::helpers::loaded_index;

/// Ranks each need both ways over the database at `url` and compares the tops.
pub async fn database_and_memory_agree(url: &str, needs: Vec<(Value, usize)>) {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || {
        let (mut conn, reference, index) = loaded_index(&url);
        let today = chrono::Utc::now().date_naive();
        // The synthetic firms are samples: with them the rankings are full, without them the
        // two ways must agree on leaving them out.
        for ((need, limit), samples) in needs.into_iter().flat_map(|n| [(n.clone(), true), (n, false)]) {
            let criteria: MatchCriteria = serde_json::from_value(need.clone()).unwrap();
            let matcher = Matcher::new(&criteria, Weights::default(), &reference, today);
            let mut from_database = Ranking::new(&matcher, limit, true).with_samples(samples);
            matching::rank(&mut conn, &mut from_database).unwrap();
            let mut from_memory = Ranking::new(&matcher, limit, true).with_samples(samples);
            assert!(index.rank(&mut conn, &mut from_memory).unwrap());
            let answer = |ranking: Ranking<'_>| serde_json::to_value(ranking.finish()).unwrap();
            let (database, memory) = (answer(from_database), answer(from_memory));
            assert_eq!(
                database, memory,
                "the two rankings differ for {need} (samples: {samples})"
            );
            if samples {
                assert!(!database[0].as_array().unwrap().is_empty(), "{need}");
            }
        }
    })
    .await
    .unwrap();
}
