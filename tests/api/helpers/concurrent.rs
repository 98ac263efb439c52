//! Many clients at once: the only way a test can find a race.

use std::collections::BTreeMap;
use std::future::Future;

use tokio::task::JoinSet;

/// What `n` concurrent clients got back: each client's status and value, by client number.
pub struct Outcomes<T> {
    pub each: Vec<(u16, T)>,
}

impl<T> Outcomes<T> {
    /// How many answers had each status.
    pub fn statuses(&self) -> BTreeMap<u16, usize> {
        let mut counts = BTreeMap::new();
        for (status, _) in &self.each {
            *counts.entry(*status).or_default() += 1;
        }
        counts
    }

    /// How many answered `status`.
    pub fn count(&self, status: u16) -> usize {
        self.each.iter().filter(|(s, _)| *s == status).count()
    }

    /// Fails unless every answer is a 2xx.
    pub fn assert_all_succeeded(&self) {
        let failed: Vec<u16> = self
            .each
            .iter()
            .map(|(s, _)| *s)
            .filter(|s| !(200..300).contains(s))
            .collect();
        assert!(
            failed.is_empty(),
            "{} of {} concurrent requests failed: {:?}",
            failed.len(),
            self.each.len(),
            self.statuses()
        );
    }

    /// Fails if any answer is a 5xx.
    pub fn assert_no_server_error(&self) {
        assert!(
            self.each.iter().all(|(s, _)| *s < 500),
            "a concurrent request got a 5xx: {:?}",
            self.statuses()
        );
    }

    /// The values of the clients that got `status`.
    pub fn with_status(&self, status: u16) -> impl Iterator<Item = &T> {
        self.each
            .iter()
            .filter(move |(s, _)| *s == status)
            .map(|(_, v)| v)
    }
}

/// Runs `client(i)` for i in 0..n, all at once on the runtime's threads, and waits for every
/// one. Each client returns the status it got and whatever the test wants to check after.
pub async fn concurrently<T, F, Fut>(n: usize, client: F) -> Outcomes<T>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut,
    Fut: Future<Output = (u16, T)> + Send + 'static,
{
    let mut set = JoinSet::new();
    for i in 0..n {
        let running = client(i);
        set.spawn(async move { (i, running.await) });
    }
    let mut each: Vec<Option<(u16, T)>> = (0..n).map(|_| None).collect();
    while let Some(joined) = set.join_next().await {
        let (i, outcome) = joined.expect("a concurrent client panicked");
        each[i] = Some(outcome);
    }
    Outcomes {
        each: each
            .into_iter()
            .map(|o| o.expect("every client answered"))
            .collect(),
    }
}

/// A caller that can be moved into a concurrent client: the HTTP client, the server's address
/// and a bearer token.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Client {
    pub fn new(http: &reqwest::Client, base: &str, token: &str) -> Self {
        Client {
            http: http.clone(),
            base: base.to_owned(),
            token: token.to_owned(),
        }
    }

    /// Sends a request with an optional JSON body and `If-Match`; returns the status, the
    /// `ETag` if any, and the body as JSON (`Null` when empty or not JSON).
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&serde_json::Value>,
        if_match: Option<&str>,
    ) -> (u16, Option<String>, serde_json::Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(body);
        }
        if let Some(tag) = if_match {
            request = request.header("If-Match", tag);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let tag = response
            .headers()
            .get("etag")
            .map(|v| v.to_str().unwrap().to_owned());
        let body = response.json().await.unwrap_or(serde_json::Value::Null);
        (status, tag, body)
    }
}
