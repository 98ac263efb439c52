//! A shortlist a buyer can read: the firms the agency saved for a request, in its order, with
//! what a buyer needs to decide, in one language.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::buyer_request::{BuyerRequest, SavedMatch};
use super::include::Records;
use super::items::{CapabilityFields, ContactFields, Item};
use super::language::Language;
use super::organization::{Bilingual, Organization};
use super::reference::Reference;
use super::vocab::{MarketKind, MatchStatus, Status};

/// The forms of a shortlist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ShortlistFormat {
    /// JSON (the default).
    Json,
    /// CSV, UTF-8 with a byte order mark.
    Csv,
    /// An XLSX workbook with the request's summary at the top.
    Xlsx,
}

impl ShortlistFormat {
    /// The word `format=` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            ShortlistFormat::Json => "json",
            ShortlistFormat::Csv => "csv",
            ShortlistFormat::Xlsx => "xlsx",
        }
    }
}

/// `fr` or `en`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// French.
    Fr,
    /// English.
    En,
}

/// The request a shortlist answers, as the buyer reads it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShortlistRequest {
    /// The request's id.
    pub id: String,
    /// The buyer.
    pub buyer_name: String,
    /// The buyer's country (ISO 3166-1 alpha-2).
    pub buyer_country: String,
    /// The services asked for, with their labels.
    pub services: Vec<CodeLabel>,
    /// The day certificates are checked on: the start date, or the day the list was made.
    pub start_date: NaiveDate,
    /// The buyer's deadline, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<NaiveDate>,
}

/// A code with its label in the shortlist's language.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"code": "bpo.contact_center_inbound", "label": "Inbound contact centre"}))]
pub struct CodeLabel {
    /// The code.
    pub code: String,
    /// Its label.
    pub label: String,
}

/// A wanted service a firm offers.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferedService {
    /// The taxonomy code.
    pub code: String,
    /// Its label.
    pub label: String,
    /// Seats, where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seats: Option<i32>,
    /// Full-time equivalents, where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fte: Option<i32>,
    /// Working languages (ISO 639-1).
    pub languages: Vec<String>,
}

/// A certificate valid on the start date.
#[derive(Debug, Serialize, ToSchema)]
pub struct HeldCertification {
    /// The scheme's code.
    pub scheme: String,
    /// Its name.
    pub title: String,
    /// Last day of validity, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<NaiveDate>,
}

/// A person the firm agreed the agency may introduce to a buyer.
#[derive(Debug, Serialize, ToSchema)]
pub struct SharedContact {
    /// The contact's id.
    pub id: String,
    /// Full name.
    pub name: String,
    /// Position.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_title: Option<String>,
    /// Email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone, E.164.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// One firm of a shortlist.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShortlistFirm {
    /// 1 for the first firm.
    pub rank: usize,
    /// The firm's id.
    pub organization_id: String,
    /// Its name.
    pub name: String,
    /// Head office country (ISO 3166-1 alpha-2) and its name.
    pub country: CodeLabel,
    /// Head office city.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Public website.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Public email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Public phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Where its introduction stands.
    pub status: MatchStatus,
    /// Its score, 0 to 100, when it was saved.
    pub score: f64,
    /// Why, one sentence per criterion, in the shortlist's language.
    pub reasons: Vec<String>,
    /// The wanted services it offers.
    pub services: Vec<OfferedService>,
    /// Certificates valid on the start date.
    pub certifications: Vec<HeldCertification>,
    /// Countries where it serves clients (ISO 3166-1 alpha-2).
    pub markets: Vec<String>,
    /// Contact persons it agreed to share; only with `contacts=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Vec<SharedContact>>,
}

/// A shortlist for a buyer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Shortlist {
    /// The request.
    pub request: ShortlistRequest,
    /// `fr` or `en`.
    pub language: String,
    /// When it was made.
    pub generated_at: DateTime<Utc>,
    /// The firms, in the agency's order.
    pub firms: Vec<ShortlistFirm>,
}

/// Matches that reach a buyer: not those the agency declined or that were lost.
pub fn is_listed(saved: &SavedMatch) -> bool {
    !matches!(saved.status, MatchStatus::Declined | MatchStatus::Lost)
}

fn pick(text: &Bilingual, language: Language) -> String {
    let (first, second) = match language {
        Language::French => (&text.fr, &text.en),
        Language::English => (&text.en, &text.fr),
    };
    first.clone().or_else(|| second.clone()).unwrap_or_default()
}

/// Everything the shortlist is made of.
pub struct Parts<'a> {
    pub request: &'a BuyerRequest,
    /// The listed matches ([`is_listed`]) in the agency's order.
    pub matches: &'a [SavedMatch],
    pub organizations: &'a [Organization],
    pub records: &'a std::collections::HashMap<String, Records>,
    pub reference: &'a Reference,
    pub language: Language,
    pub with_contacts: bool,
    pub now: DateTime<Utc>,
}

impl Parts<'_> {
    fn label(&self, code: &str) -> String {
        self.reference.term(code).map_or_else(
            || code.to_owned(),
            |t| match self.language {
                Language::French => t.label_fr.clone(),
                Language::English => t.label_en.clone(),
            },
        )
    }

    fn country(&self, code: &str) -> CodeLabel {
        let label = self.reference.country_named(code).map_or_else(
            || code.to_owned(),
            |c| match self.language {
                Language::French => c.name_fr.clone(),
                Language::English => c.name_en.clone(),
            },
        );
        CodeLabel {
            code: code.to_owned(),
            label,
        }
    }

    fn offered(&self, capabilities: &[Item<CapabilityFields>]) -> Vec<OfferedService> {
        let wanted = &self.request.fields.criteria.services;
        capabilities
            .iter()
            .map(|c| &c.fields)
            .filter(|c| wanted.iter().any(|w| self.reference.covers(w, &c.service_code)))
            .map(|c| OfferedService {
                code: c.service_code.clone(),
                label: self.label(&c.service_code),
                seats: c.capacity_seats,
                fte: c.capacity_fte,
                languages: c.languages.iter().map(|l| l.code.clone()).collect(),
            })
            .collect()
    }

    fn shared(contacts: &[Item<ContactFields>]) -> Vec<SharedContact> {
        contacts
            .iter()
            .filter(|c| c.fields.shareable)
            .map(|c| SharedContact {
                id: c.id.clone(),
                name: c.fields.name.clone(),
                role_title: c.fields.role_title.clone(),
                email: c.fields.email.clone(),
                phone: c.fields.phone.clone(),
            })
            .collect()
    }

    /// The shortlist: listed matches of published firms, in the agency's order.
    pub fn build(&self) -> Shortlist {
        let start = self
            .request
            .fields
            .criteria
            .start_date
            .unwrap_or(self.now.date_naive());
        let empty = Records::default();
        let firms = self
            .matches
            .iter()
            .filter_map(|m| {
                let org = self.organizations.iter().find(|o| o.id == m.organization_id)?;
                (org.status == Status::Published).then_some((m, org))
            })
            .enumerate()
            .map(|(i, (saved, org))| {
                let records = self.records.get(&org.id).unwrap_or(&empty);
                let f = &org.fields;
                ShortlistFirm {
                    rank: i + 1,
                    organization_id: org.id.clone(),
                    name: f.name.clone(),
                    country: self.country(&f.country),
                    city: f.city.clone(),
                    website: f.website.clone(),
                    email: f.email.clone(),
                    phone: f.phone.clone(),
                    status: saved.status,
                    score: saved.evaluation.score,
                    reasons: saved
                        .evaluation
                        .breakdown
                        .iter()
                        .map(|b| pick(&b.reason, self.language))
                        .chain(
                            saved
                                .evaluation
                                .excluded_by
                                .iter()
                                .map(|e| pick(&e.reason, self.language)),
                        )
                        .collect(),
                    services: self.offered(records.capabilities.as_deref().unwrap_or_default()),
                    certifications: records
                        .certifications
                        .iter()
                        .flatten()
                        .map(|c| &c.fields)
                        .filter(|c| {
                            c.valid_from.is_none_or(|d| d <= start)
                                && c.valid_until.is_none_or(|d| d >= start)
                        })
                        .map(|c| HeldCertification {
                            scheme: c.scheme.clone(),
                            title: self.reference.scheme_title(&c.scheme).to_owned(),
                            valid_until: c.valid_until,
                        })
                        .collect(),
                    markets: records
                        .markets
                        .iter()
                        .flatten()
                        .filter(|m| m.fields.kind == MarketKind::Served)
                        .map(|m| m.fields.country.clone())
                        .collect(),
                    contacts: self
                        .with_contacts
                        .then(|| Self::shared(records.contacts.as_deref().unwrap_or_default())),
                }
            })
            .collect();
        Shortlist {
            request: ShortlistRequest {
                id: self.request.id.clone(),
                buyer_name: self.request.fields.buyer_name.clone(),
                buyer_country: self.request.fields.buyer_country.clone(),
                services: self
                    .request
                    .fields
                    .criteria
                    .services
                    .iter()
                    .map(|code| CodeLabel {
                        code: code.clone(),
                        label: self.label(code),
                    })
                    .collect(),
                start_date: start,
                deadline: self.request.fields.deadline,
            },
            language: self.language.code().to_owned(),
            generated_at: self.now,
            firms,
        }
    }
}
