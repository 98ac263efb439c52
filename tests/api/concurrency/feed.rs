//! A mirror that polls the change feed at its tip while many curators write.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use reqwest::Method;
use serde_json::Value;

use super::{CLIENTS, own_firm};
use crate::backend_test;
use crate::directory::every_organization;
use crate::helpers::{Client, concurrently};

/// Applies one page of the feed after `after` to `mirror`; returns `next_after` and `has_more`.
async fn poll(client: &Client, mirror: &mut BTreeMap<String, i64>, after: i64) -> (i64, bool) {
    let (status, _, page) = client
        .send(
            Method::GET,
            &format!("/v1/changes?after={after}&limit=50"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 200, "{page}");
    for change in page["items"].as_array().unwrap() {
        let id = change["organization_id"].as_str().unwrap().to_owned();
        if change["tombstone"].as_bool().unwrap() {
            mirror.remove(&id);
        } else {
            mirror.insert(id, change["organization"]["version"].as_i64().unwrap());
        }
    }
    (
        page["next_after"].as_i64().unwrap(),
        page["has_more"].as_bool().unwrap(),
    )
}

/// Mirrors polling side by side: each poll is a chance to pass a position not yet committed.
const MIRRORS: usize = 3;

backend_test!(a_mirror_polling_at_the_tip_misses_no_commit, |app| {
    const EACH: usize = 25;
    let curator = app.token_for("curator").await;
    // A server with a connection for every writer, so that their transactions overlap.
    let server = app.spawn_server(&["--pool-size", "16"]).await;
    let writer = crate::helpers::Client::new(&app.client, &server.address, &curator);
    let done = Arc::new(AtomicBool::new(false));
    // Mirrors poll as fast as they can for as long as the writers write.
    let mirrors: Vec<_> = (0..MIRRORS)
        .map(|_| {
            let (client, done) = (writer.clone(), done.clone());
            tokio::spawn(async move {
                let mut mirror = BTreeMap::new();
                let mut after = 0;
                let mut polls = 0;
                while !done.load(Ordering::Acquire) {
                    after = poll(&client, &mut mirror, after).await.0;
                    polls += 1;
                }
                (mirror, after, polls)
            })
        })
        .collect();
    let outcomes = concurrently(CLIENTS, |i| {
        let client = writer.clone();
        async move {
            for n in 0..EACH {
                let (status, tag, created) = client
                    .send(Method::POST, "/v1/organizations", Some(&own_firm(i, n)), None)
                    .await;
                if status != 201 {
                    return (status, ());
                }
                let path = format!("/v1/organizations/{}", created["id"].as_str().unwrap());
                let body = serde_json::json!({"city": "Thiès"});
                let (status, _, _) = client
                    .send(Method::PATCH, &path, Some(&body), tag.as_deref())
                    .await;
                if status != 200 {
                    return (status, ());
                }
            }
            (200, ())
        }
    })
    .await;
    done.store(true, Ordering::Release);
    outcomes.assert_all_succeeded();
    let directory: BTreeMap<String, i64> = every_organization(app, &curator, "limit=100")
        .await
        .iter()
        .map(|o: &Value| {
            (
                o["id"].as_str().unwrap().to_owned(),
                o["version"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(directory.len() >= CLIENTS * EACH);
    for polling in mirrors {
        let (mut mirror, mut after, polls) = polling.await.unwrap();
        assert!(polls > 1, "the mirror polled while the writers wrote");
        // Then it reads what is left, to the end.
        loop {
            let (next, more) = poll(&writer, &mut mirror, after).await;
            after = next;
            if !more {
                break;
            }
        }
        let stale: Vec<_> = directory
            .iter()
            .filter(|(id, version)| mirror.get(*id) != Some(version))
            .collect();
        assert!(
            stale.is_empty(),
            "{} organizations are stale in a mirror: {stale:?}",
            stale.len()
        );
        assert_eq!(mirror.len(), directory.len());
    }
    server.stop().await;
});
