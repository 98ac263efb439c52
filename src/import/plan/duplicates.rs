//! Likely duplicates among the organizations a file creates: of the directory's organizations,
//! looked up a chunk of rows at a time, and of the file's own earlier rows.

use std::collections::{HashMap, HashSet};

use crate::db::{self, DbConnection};
use crate::domain::duplicates::{self, Evidence, EvidenceKind, Facts, Key};
use crate::domain::organization::OrganizationFields;
use crate::error::ApiError;
use crate::import::cells::RowIn;
use crate::import::report::Problem;

/// What the directory and the file's earlier rows hold, by key.
#[derive(Default)]
pub struct Seen {
    /// Keys looked up in the directory.
    queried: HashSet<Key>,
    /// Of those, the organizations that have them.
    owners: HashMap<Key, Vec<String>>,
    /// The new organizations of earlier rows: their row and name.
    rows: HashMap<Key, Vec<(usize, String)>>,
}

impl Seen {
    /// Looks up, in batched reads, the keys these rows' cells give, so that a row costs no query
    /// of its own unless its checked fields give other keys.
    pub fn prefetch(&mut self, conn: &mut DbConnection, rows: &[RowIn]) -> Result<(), ApiError> {
        let keys: HashSet<Key> = rows
            .iter()
            .flat_map(|row| {
                duplicates::keys(Facts {
                    name: row.text("name").unwrap_or_default(),
                    website: row.text("website"),
                    email: row.text("email"),
                    phone: row.text("phone"),
                })
            })
            .filter(|key| !self.queried.contains(key))
            .collect();
        self.look_up(conn, keys.into_iter().collect())
    }

    fn look_up(&mut self, conn: &mut DbConnection, keys: Vec<Key>) -> Result<(), ApiError> {
        if keys.is_empty() {
            return Ok(());
        }
        self.owners.extend(db::duplicates::owners_of(conn, &keys)?);
        self.queried.extend(keys);
        Ok(())
    }

    /// The problem of a new organization that is likely a duplicate: of an earlier row (the
    /// first one found), else of an organization of the directory (the one with the most
    /// evidence). `new` holds the file's new organizations, written already in a commit and
    /// compared as rows instead.
    pub fn check(
        &mut self,
        conn: &mut DbConnection,
        row: &RowIn,
        fields: &OrganizationFields,
        new: &HashSet<String>,
    ) -> Result<Option<Problem>, ApiError> {
        let keys = db::duplicates::keys_of(fields);
        let earlier = keys.iter().find_map(|key| {
            self.rows.get(key)?.iter().find_map(|(line, name)| {
                let found = duplicates::evidence(std::slice::from_ref(key), &fields.name, name);
                found.into_iter().next().map(|evidence| (*line, evidence))
            })
        });
        for key in &keys {
            let rows = self.rows.entry(key.clone()).or_default();
            rows.push((row.line, fields.name.clone()));
        }
        if let Some((line, evidence)) = earlier {
            let message = format!("resembles row {line}: {}", describe(&evidence));
            return Ok(Some(row.problem(column(evidence.kind), message)));
        }
        let missing: Vec<Key> = keys
            .iter()
            .filter(|k| !self.queried.contains(*k))
            .cloned()
            .collect();
        self.look_up(conn, missing)?;
        let mut shared: HashMap<&str, Vec<Key>> = HashMap::new();
        for key in &keys {
            for id in self.owners.get(key).into_iter().flatten() {
                if !new.contains(id) {
                    shared.entry(id.as_str()).or_default().push(key.clone());
                }
            }
        }
        let ids: Vec<&str> = shared.keys().copied().collect();
        let mut best: Option<(String, String, Vec<Evidence>)> = None;
        for chunk in ids.chunks(500) {
            for other in db::duplicates::refs(conn, chunk)? {
                let evidence = duplicates::evidence(&shared[other.id.as_str()], &fields.name, &other.name);
                if evidence.len() > best.as_ref().map_or(0, |(.., e)| e.len()) {
                    best = Some((other.slug, other.name, evidence));
                }
            }
        }
        Ok(best.map(|(slug, name, evidence)| {
            let message = format!(
                "is likely a duplicate of `{slug}` ({name}): {}; set `allow_duplicate=true` to import it anyway",
                describe(&evidence[0])
            );
            row.problem(column(evidence[0].kind), message)
        }))
    }
}

/// The column a kind of evidence points to.
fn column(kind: EvidenceKind) -> &'static str {
    match kind {
        EvidenceKind::WebsiteDomain => "website",
        EvidenceKind::Phone => "phone",
        EvidenceKind::Email => "email",
        EvidenceKind::Name | EvidenceKind::SimilarName => "name",
    }
}

/// The evidence in words.
fn describe(evidence: &Evidence) -> String {
    match evidence.kind {
        EvidenceKind::WebsiteDomain => format!("the same website domain {}", evidence.value),
        EvidenceKind::Phone => format!("the same phone number {}", evidence.value),
        EvidenceKind::Email => format!("the same email {}", evidence.value),
        EvidenceKind::Name => {
            "the same name once case, accents, punctuation and legal forms are set aside".into()
        }
        EvidenceKind::SimilarName => format!(
            "a name alike by its letters (similarity {:.2})",
            evidence.similarity.unwrap_or_default()
        ),
    }
}
