//! Likely duplicates: the keys two entries for one organization would share, and how alike two
//! names are once case, accents, punctuation and legal forms are set aside.
//!
//! Exact keys (website domain, phone, public email, folded name) are evidence on their own.
//! Name blocks (the first and the last letters of the folded name) only gather candidates whose
//! names are then compared: a typo rarely falls in both, and comparing a handful of names is
//! cheaper than comparing every name of the directory.

use serde::Serialize;
use utoipa::ToSchema;

use super::checks::fold;
use super::identity::normalize_email;
use super::vocab::Status;

/// Normalized Levenshtein similarity from which two folded names count as alike.
pub const SIMILAR_NAMES: f64 = 0.85;

/// Letters of the folded name in a name block.
const BLOCK_LETTERS: usize = 5;

/// Legal forms of Senegalese (OHADA) and foreign companies, dropped from names before comparing:
/// "Teranga Services SARL" and "TERANGA SERVICES" are one firm.
const LEGAL_FORMS: &[&str] = &[
    "sarl", "sarlu", "suarl", "sa", "sas", "sasu", "snc", "scs", "gie", "scp", "ltd", "llc", "inc", "plc",
    "gmbh", "bv", "srl", "spa",
];

/// Hosts where many organizations have a page under one domain: sharing it proves nothing.
const SHARED_HOSTS: &[&str] = &[
    "facebook.com",
    "fb.com",
    "linkedin.com",
    "instagram.com",
    "twitter.com",
    "x.com",
    "youtube.com",
    "tiktok.com",
    "wa.me",
    "whatsapp.com",
    "linktr.ee",
    "google.com",
    "sites.google.com",
    "business.site",
    "wixsite.com",
    "wordpress.com",
    "blogspot.com",
    "github.io",
    "medium.com",
];

/// What a key is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyKind {
    /// The website's host, without `www.`.
    WebsiteDomain,
    /// The phone number's digits.
    Phone,
    /// The public email, normalized.
    Email,
    /// The folded name.
    Name,
    /// The first letters of the folded name, with its digits; gathers names to compare.
    NameHead,
    /// The last letters of the folded name, with its digits; gathers names to compare.
    NameTail,
}

impl KeyKind {
    /// Every kind.
    pub const ALL: [KeyKind; 6] = [
        KeyKind::WebsiteDomain,
        KeyKind::Phone,
        KeyKind::Email,
        KeyKind::Name,
        KeyKind::NameHead,
        KeyKind::NameTail,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyKind::WebsiteDomain => "website_domain",
            KeyKind::Phone => "phone",
            KeyKind::Email => "email",
            KeyKind::Name => "name",
            KeyKind::NameHead => "name_head",
            KeyKind::NameTail => "name_tail",
        }
    }

    /// The kind of a stored name.
    pub fn parse(name: &str) -> Option<KeyKind> {
        KeyKind::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// Whether sharing the key is evidence by itself (else names are compared).
    pub fn is_exact(self) -> bool {
        !matches!(self, KeyKind::NameHead | KeyKind::NameTail)
    }
}

/// One key of an organization.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    /// What it is made of.
    pub kind: KeyKind,
    /// Its value.
    pub value: String,
}

/// The facts of an organization its keys are drawn from.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// Usual name.
    pub name: &'a str,
    /// Website URL.
    pub website: Option<&'a str>,
    /// Public email.
    pub email: Option<&'a str>,
    /// Phone, E.164.
    pub phone: Option<&'a str>,
}

/// The keys of an organization, sorted (the order in which PostgreSQL locks them).
pub fn keys(facts: Facts<'_>) -> Vec<Key> {
    let mut keys = Vec::new();
    let mut push = |kind, value: Option<String>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            keys.push(Key { kind, value });
        }
    };
    push(KeyKind::WebsiteDomain, facts.website.and_then(website_domain));
    push(
        KeyKind::Phone,
        facts.phone.map(phone_digits).filter(|d| d.len() >= 8),
    );
    push(KeyKind::Email, facts.email.map(normalize_email));
    let name = folded_name(facts.name);
    // Blocks carry the name's digits: alike names must have the same numbers, and generated
    // names ("Démo 12", "Démo 13") then share no block.
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    let digits = numbers(&name);
    if letters.len() >= BLOCK_LETTERS {
        let block = |part: &[char]| format!("{}#{digits}", part.iter().collect::<String>());
        push(KeyKind::NameHead, Some(block(&letters[..BLOCK_LETTERS])));
        push(
            KeyKind::NameTail,
            Some(block(&letters[letters.len() - BLOCK_LETTERS..])),
        );
    }
    push(KeyKind::Name, Some(name));
    keys.sort();
    keys.dedup();
    keys
}

/// A name as duplicates are compared: folded (lower case, no accents), dots dropped (so that
/// `S.A.R.L.` is `sarl`), other punctuation as spaces, legal forms removed, one space between words.
pub fn folded_name(name: &str) -> String {
    let folded: String = fold(name)
        .chars()
        .filter(|c| *c != '.')
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    folded
        .split_whitespace()
        .filter(|word| !LEGAL_FORMS.contains(word))
        .collect::<Vec<_>>()
        .join(" ")
}

/// How alike two folded names are, when they are alike enough: numbers must agree, because
/// "Centre 2" and "Centre 3" are two centres however alike their letters.
pub fn similar_names(a: &str, b: &str) -> Option<f64> {
    if a.is_empty() || b.is_empty() || numbers(a) != numbers(b) {
        return None;
    }
    let score = strsim::normalized_levenshtein(a, b);
    (score >= SIMILAR_NAMES).then(|| (score * 100.0).round() / 100.0)
}

/// The numbers of a name, in order, joined by `-`: "1-12" and "11-2" are different numbers.
fn numbers(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_digit())
        .filter(|run| !run.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// The host of a website, lower case without `www.`; `None` for hosts many organizations share.
pub fn website_domain(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?.split(':').next()?;
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_owned();
    let shared = SHARED_HOSTS
        .iter()
        .any(|shared| host == *shared || host.ends_with(&format!(".{shared}")) && !hosts_sites(shared));
    (!shared && host.contains('.')).then_some(host)
}

/// Whether a shared host gives each site a subdomain of its own (which then tells sites apart).
fn hosts_sites(shared: &str) -> bool {
    matches!(
        shared,
        "wixsite.com" | "wordpress.com" | "blogspot.com" | "github.io" | "business.site"
    )
}

/// The digits of a phone number.
fn phone_digits(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}

/// What an organization is, in a list of duplicates.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OrganizationRef {
    /// Id.
    pub id: String,
    /// Slug.
    pub slug: String,
    /// Usual name.
    pub name: String,
    /// Lifecycle status.
    pub status: Status,
}

/// What two organizations share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// The same website host.
    WebsiteDomain,
    /// The same phone number.
    Phone,
    /// The same public email.
    Email,
    /// The same name once folded and without legal forms.
    Name,
    /// Names alike by their letters (`similarity` says how much).
    SimilarName,
}

/// One reason to believe two entries are one organization.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Evidence {
    /// What they share.
    pub kind: EvidenceKind,
    /// The value shared; for `similar_name`, the other organization's folded name.
    pub value: String,
    /// For `similar_name`: normalized Levenshtein similarity of the folded names, 0.85 to 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f64>,
}

/// An organization a new entry resembles, with why.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Candidate {
    /// The organization already in the directory.
    pub organization: OrganizationRef,
    /// What the two share, strongest first.
    pub evidence: Vec<Evidence>,
}

/// Two organizations of the directory that are likely one.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SuspectedPair {
    /// The one with the smaller id.
    pub first: OrganizationRef,
    /// The other.
    pub second: OrganizationRef,
    /// What they share, strongest first.
    pub evidence: Vec<Evidence>,
}

/// What a merge moved and dropped: the body of its history entry and of its answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct MergeRecord {
    /// The organization merged, now archived; its id and slug answer 301 to the survivor.
    pub merged: String,
    /// The survivor.
    pub into: String,
    /// Ids of the rows moved to the survivor, by kind (`capability`, `market`,
    /// `certification`, `contact`, `relationship`, `participation`; `buyer_match` by request).
    pub moved: std::collections::BTreeMap<String, Vec<String>>,
    /// Rows removed, by kind: those the survivor already had the like of, and links between
    /// the two organizations.
    pub dropped: std::collections::BTreeMap<String, Vec<String>>,
    /// Registry identifiers moved to the survivor (of schemes it lacked).
    pub registry_ids: Vec<String>,
}

/// The evidence two organizations' keys give, strongest first: shared exact keys, and a name
/// comparison when they only share a name block (or nothing exact about their names).
pub fn evidence(shared: &[Key], name: &str, other_name: &str) -> Vec<Evidence> {
    let mut found: Vec<Evidence> = shared
        .iter()
        .filter_map(|key| {
            let kind = match key.kind {
                KeyKind::WebsiteDomain => EvidenceKind::WebsiteDomain,
                KeyKind::Phone => EvidenceKind::Phone,
                KeyKind::Email => EvidenceKind::Email,
                KeyKind::Name => EvidenceKind::Name,
                KeyKind::NameHead | KeyKind::NameTail => return None,
            };
            Some(Evidence {
                kind,
                value: key.value.clone(),
                similarity: None,
            })
        })
        .collect();
    let same_name = found.iter().any(|e| e.kind == EvidenceKind::Name);
    let blocked = shared.iter().any(|key| !key.kind.is_exact());
    if blocked && !same_name {
        let (a, b) = (folded_name(name), folded_name(other_name));
        if let Some(similarity) = similar_names(&a, &b) {
            found.push(Evidence {
                kind: EvidenceKind::SimilarName,
                value: b,
                similarity: Some(similarity),
            });
        }
    }
    found.sort_by_key(|e| e.kind);
    found.dedup_by(|a, b| a.kind == b.kind && a.value == b.value);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_past_case_accents_punctuation_and_legal_forms() {
        assert_eq!(folded_name("Téranga Services S.A.R.L."), "teranga services");
        assert_eq!(folded_name("TERANGA-SERVICES (SARL)"), "teranga services");
        assert_eq!(folded_name("GIE Dakar Saisie"), "dakar saisie");
        assert_eq!(folded_name("SA"), "");
    }

    #[test]
    fn similar_names_need_agreeing_numbers() {
        assert!(similar_names("sonatel digital", "sonatell digital").is_some());
        assert!(similar_names("centre 2 dakar", "centre 3 dakar").is_none());
        assert!(similar_names("concurrent firm 1 12", "concurrent firm 11 2").is_none());
        assert!(similar_names("teranga services", "teranga solutions").is_none());
        assert!(similar_names("", "x").is_none());
    }

    #[test]
    fn shared_hosts_are_no_evidence_but_their_own_subdomains_are() {
        assert_eq!(
            website_domain("https://www.Teranga.sn/about"),
            Some("teranga.sn".into())
        );
        assert_eq!(website_domain("https://m.facebook.com/teranga"), None);
        assert_eq!(website_domain("https://facebook.com/teranga"), None);
        assert_eq!(
            website_domain("https://teranga.wixsite.com/site"),
            Some("teranga.wixsite.com".into())
        );
        assert_eq!(website_domain("https://wixsite.com"), None);
    }

    #[test]
    fn keys_and_evidence() {
        let keys = keys(Facts {
            name: "Teranga Services SARL",
            website: Some("https://teranga.sn"),
            email: Some("Contact@Teranga.sn"),
            phone: Some("+221338890000"),
        });
        let kinds: Vec<KeyKind> = keys.iter().map(|k| k.kind).collect();
        assert_eq!(kinds, KeyKind::ALL.to_vec());
        let head = [Key {
            kind: KeyKind::NameHead,
            value: "teran#".into(),
        }];
        let found = evidence(&head, "Teranga Services", "Teranga Servicess");
        assert_eq!(found[0].kind, EvidenceKind::SimilarName);
        assert!(evidence(&head, "Teranga Services", "Teranga Solutions").is_empty());
    }
}
