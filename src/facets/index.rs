//! Every organization's facet values and filtered columns, held as one bitset of organizations
//! per value: counting the firms per value under any filters is then a few passes over bitsets,
//! where SQL would group every match of every facet.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};

use super::Facets;
use super::bitset::Bitset;
use super::documents::Documents;
use super::names::{NameText, Names};
use super::ordinals::Ordinals;
use super::postings::{Holders, Period, Postings, ranked};
use super::profiles::Profiles;
use crate::db::search::Named;
use crate::domain::matching::candidate::Candidate;
use crate::domain::matching::criteria::MatchCriteria;
use crate::domain::reference::Reference;
use crate::domain::search::{Filters, SampleFilter};
use crate::domain::vocab::CapacityUnit;
use crate::error::ApiError;

/// Organizations read at a time when their names are tested for a text.
const NAMES_CHUNK: usize = 256;

/// What the index keeps of one organization, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    pub id: String,
    pub status: String,
    pub kind: String,
    pub country: String,
    pub region: Option<String>,
    pub employees: Option<i32>,
    pub founded_year: Option<i32>,
    pub verified: bool,
    pub sample: bool,
    pub updated_at: NaiveDateTime,
    /// The service code of each capability.
    pub services: Vec<String>,
    /// The working languages of its capabilities.
    pub languages: Vec<String>,
    /// Countries served or targeted.
    pub markets: Vec<String>,
    /// Per certificate, its scheme and validity: first and last day (`None`: open).
    pub certificates: Vec<(String, Option<NaiveDate>, Option<NaiveDate>)>,
    /// The largest capability, in seats and in full-time equivalents.
    pub max_seats: Option<i32>,
    pub max_fte: Option<i32>,
    /// The rowid of its search document, on SQLite.
    pub document: Option<i64>,
    /// The words of its names in its search document, on PostgreSQL.
    pub name_words: Option<Vec<String>>,
}

/// The columns filtered by bounds, per organization; [`ABSENT`] where a value is missing, which
/// keeps the row at 28 bytes where options would take 44.
#[derive(Debug, Clone, Copy)]
struct Numbers {
    employees: i32,
    founded_year: i32,
    max_seats: i32,
    max_fte: i32,
    updated_at: NaiveDateTime,
}

const ABSENT: i32 = i32::MIN;

impl Numbers {
    const UNKNOWN: Numbers = Numbers {
        employees: ABSENT,
        founded_year: ABSENT,
        max_seats: ABSENT,
        max_fte: ABSENT,
        updated_at: NaiveDateTime::MIN,
    };
}

/// An id as the API writes it.
fn hyphenated(id: u128) -> String {
    uuid::Uuid::from_u128(id).hyphenated().to_string()
}

/// `after` as the index keys ids: `None` when it is no id, `Some(None)` when there is none.
fn parsed(after: Option<&str>) -> Option<Option<u128>> {
    match after {
        Some(id) => Some(Some(uuid::Uuid::parse_str(id).ok()?.as_u128())),
        None => Some(None),
    }
}

/// Whether a stored value meets a lower bound; a missing value meets none.
fn at_least(value: i32, bound: Option<i32>) -> bool {
    bound.is_none_or(|b| value != ABSENT && value >= b)
}

/// Whether a stored value meets an upper bound; a missing value meets none.
fn at_most(value: i32, bound: Option<i32>) -> bool {
    bound.is_none_or(|b| value != ABSENT && value <= b)
}

const FACET_KIND: usize = 0;
const FACET_COUNTRY: usize = 1;
const FACET_SERVICE: usize = 2;
const FACET_LANGUAGE: usize = 3;
const FACET_MARKET: usize = 4;
const FACET_CERTIFICATION: usize = 5;

/// The facet values and filtered columns of every organization.
#[derive(Debug, Default)]
pub struct Index {
    /// The top-level category of each taxonomy code, and whether the code is a service (level 2).
    taxonomy: HashMap<String, (String, bool)>,
    ordinals: Ordinals,
    documents: Documents,
    names: Names,
    numbers: Vec<Numbers>,
    status: Postings,
    kind: Postings,
    country: Postings,
    region: Postings,
    verified: Bitset,
    sample: Bitset,
    service: Postings,
    category: Postings,
    language: Postings,
    market: Postings,
    certification: HashMap<String, Holders>,
    /// The day certificates are valid on.
    day: NaiveDate,
    /// The match profiles of published firms.
    profiles: Profiles,
}

impl Index {
    /// An empty index over the taxonomy of `reference`.
    pub fn new(reference: &Reference) -> Self {
        let taxonomy = reference
            .taxonomy
            .iter()
            .map(|t| {
                let category = t.parent_code.clone().unwrap_or_else(|| t.code.clone());
                (t.code.clone(), (category, t.level == 2))
            })
            .collect();
        Index {
            taxonomy,
            ..Index::default()
        }
    }

    /// An empty index over the same taxonomy.
    pub fn emptied(&self) -> Self {
        Index {
            taxonomy: self.taxonomy.clone(),
            day: self.day,
            ..Index::default()
        }
    }

    /// The ordinal of an organization, given to it the first time it is seen; and whether
    /// anything is known of it yet.
    fn ordinal(&mut self, id: &str) -> Result<(u32, bool), ApiError> {
        let key = uuid::Uuid::parse_str(id).map_err(ApiError::internal)?.as_u128();
        if let Some(ordinal) = self.ordinals.get(key) {
            return Ok((ordinal, true));
        }
        self.numbers.push(Numbers::UNKNOWN);
        Ok((self.ordinals.push(key), false))
    }

    /// Records an organization as it now is, replacing what was known of it.
    pub fn put(&mut self, facts: &Facts) -> Result<(), ApiError> {
        let (ordinal, known) = self.ordinal(&facts.id)?;
        if known {
            self.forget(ordinal);
        }
        if let Some(rowid) = facts.document {
            self.documents.set(rowid, ordinal);
        }
        match &facts.name_words {
            Some(words) => self.names.set(ordinal, words),
            None => self.names.clear(ordinal),
        }
        self.status.add(&facts.status, ordinal);
        self.kind.add(&facts.kind, ordinal);
        self.country.add(&facts.country, ordinal);
        if let Some(region) = &facts.region {
            self.region.add(region, ordinal);
        }
        if facts.verified {
            self.verified.insert(ordinal);
        }
        if facts.sample {
            self.sample.insert(ordinal);
        }
        for code in &facts.services {
            self.service.add(code, ordinal);
            if let Some((category, _)) = self.taxonomy.get(code) {
                self.category.add(category, ordinal);
            }
        }
        facts.languages.iter().for_each(|l| self.language.add(l, ordinal));
        facts.markets.iter().for_each(|m| self.market.add(m, ordinal));
        let mut periods: HashMap<&str, Vec<Period>> = HashMap::new();
        for (scheme, from, until) in &facts.certificates {
            periods.entry(scheme).or_default().push((*from, *until));
        }
        for (scheme, held) in periods {
            self.certification
                .entry(scheme.to_owned())
                .or_default()
                .set(ordinal, held, self.day);
        }
        let stored = |value: Option<i32>| value.unwrap_or(ABSENT);
        self.numbers[ordinal as usize] = Numbers {
            employees: stored(facts.employees),
            founded_year: stored(facts.founded_year),
            max_seats: stored(facts.max_seats),
            max_fte: stored(facts.max_fte),
            updated_at: facts.updated_at,
        };
        Ok(())
    }

    /// Forgets a deleted organization.
    pub fn remove(&mut self, id: &str) {
        if let Some(ordinal) = self.ordinal_of(id) {
            self.forget(ordinal);
            self.forget_profile(ordinal);
        }
    }

    /// Records the match profile of a published firm, replacing what was known of it.
    pub fn put_profile(&mut self, candidate: &Candidate) -> Result<(), ApiError> {
        let (ordinal, _) = self.ordinal(&candidate.organization_id)?;
        let ordinals = &self.ordinals;
        self.profiles
            .put(ordinal, candidate, |o| ordinals.id_of(o).unwrap_or_default())
    }

    /// Forgets the match profile of an organization that no longer has one.
    pub fn remove_profile(&mut self, id: &str) {
        if let Some(ordinal) = self.ordinal_of(id) {
            self.forget_profile(ordinal);
        }
    }

    fn forget_profile(&mut self, ordinal: u32) {
        let ordinals = &self.ordinals;
        self.profiles
            .remove(ordinal, |o| ordinals.id_of(o).unwrap_or_default());
    }

    /// Stops keeping profiles in name order while many change at once.
    pub fn unorder_profiles(&mut self) {
        self.profiles.unorder();
    }

    /// Puts profiles in name order again, and keeps them so.
    pub fn order_profiles(&mut self) {
        let ordinals = &self.ordinals;
        self.profiles.order(|o| ordinals.id_of(o).unwrap_or_default());
    }

    /// The match profiles of published firms.
    pub fn profiles(&self) -> &Profiles {
        &self.profiles
    }

    /// The id of the organization holding `ordinal`.
    pub fn id_of(&self, ordinal: u32) -> Option<String> {
        self.ordinals.id_of(ordinal).map(hyphenated)
    }

    /// The organizations that may meet a need: those offering one of `services` and, when
    /// `hard`, holding its required languages and certificates and enough capacity in some
    /// capability. A superset (the languages of any capability, certificates of any date): the
    /// matcher applies the exact constraints.
    pub fn match_candidates(&self, services: &[String], criteria: &MatchCriteria, hard: bool) -> Bitset {
        let mut found = self
            .service
            .any_of(services.iter().map(String::as_str))
            .unwrap_or_default();
        if !hard {
            return found;
        }
        for language in &criteria.required_languages {
            match self.language.holding(language) {
                Some(speakers) => found.intersect_with(speakers),
                None => return Bitset::default(),
            }
        }
        for scheme in &criteria.required_certifications {
            match self.certification.get(scheme) {
                Some(holders) => found.intersect_with(&holders.all),
                None => return Bitset::default(),
            }
        }
        if let Some(need) = criteria.min_capacity {
            found.retain(|ordinal| {
                let n = &self.numbers[ordinal as usize];
                let largest = match need.unit {
                    CapacityUnit::Seats => n.max_seats,
                    CapacityUnit::Fte => n.max_fte,
                };
                at_least(largest, Some(need.amount))
            });
        }
        found
    }

    fn forget(&mut self, ordinal: u32) {
        for postings in [
            &mut self.status,
            &mut self.kind,
            &mut self.country,
            &mut self.region,
            &mut self.service,
            &mut self.category,
            &mut self.language,
            &mut self.market,
        ] {
            postings.forget(ordinal);
        }
        self.names.clear(ordinal);
        self.verified.remove(ordinal);
        self.sample.remove(ordinal);
        self.certification.values_mut().for_each(|h| h.forget(ordinal));
    }

    /// The organizations passing every filter that no facet counts by.
    fn base(&self, f: &Filters) -> Bitset {
        let mut base = self
            .status
            .any_of(f.statuses.iter().map(|s| s.as_str()))
            .unwrap_or_default();
        if let Some(regions) = self.region.any_of(f.regions.iter().map(String::as_str)) {
            base.intersect_with(&regions);
        }
        if f.verified_only {
            base.intersect_with(&self.verified);
        }
        match f.sample {
            Some(SampleFilter::Only) => base.intersect_with(&self.sample),
            Some(SampleFilter::Exclude) => base.subtract(&self.sample),
            _ => {}
        }
        let bounded = [
            f.employees_min,
            f.employees_max,
            f.founded_from,
            f.founded_to,
            f.min_seats,
            f.min_fte,
        ]
        .iter()
        .any(Option::is_some)
            || f.updated_since.is_some();
        if bounded {
            base.retain(|ordinal| {
                let n = &self.numbers[ordinal as usize];
                at_least(n.employees, f.employees_min)
                    && at_most(n.employees, f.employees_max)
                    && at_least(n.founded_year, f.founded_from)
                    && at_most(n.founded_year, f.founded_to)
                    && at_least(n.max_seats, f.min_seats)
                    && at_least(n.max_fte, f.min_fte)
                    && f.updated_since.is_none_or(|since| n.updated_at >= since)
            });
        }
        base
    }

    /// The day certificates are counted valid on.
    pub fn day(&self) -> NaiveDate {
        self.day
    }

    /// Counts certificates valid on `day` from now on.
    pub fn move_to(&mut self, day: NaiveDate) {
        self.day = day;
        self.certification.values_mut().for_each(|h| h.move_to(day));
    }

    /// How many organizations the index has known, deleted ones included.
    pub fn len(&self) -> usize {
        self.ordinals.len()
    }

    /// The ordinal of an organization the index knows.
    pub fn ordinal_of(&self, id: &str) -> Option<u32> {
        let key = uuid::Uuid::parse_str(id).ok()?.as_u128();
        self.ordinals.get(key)
    }

    /// Up to `limit` ids of organizations in `among`, beyond `after` in id order (downwards when
    /// `descending`); `None` when `after` is no id.
    pub fn ids_in_order(
        &self,
        among: &Bitset,
        after: Option<&str>,
        descending: bool,
        limit: usize,
    ) -> Option<Vec<String>> {
        let after = parsed(after)?;
        let found = self
            .ordinals
            .in_order(after, descending, limit, |ordinal| among.contains(ordinal));
        Some(found.into_iter().map(|(_, id)| hyphenated(id)).collect())
    }

    /// Up to `wanted` organizations in `among` whose names hold every term, the last as a
    /// prefix, beyond `after` in id order (downwards when `descending`), reading at most
    /// `budget` of `among`; `None` when `after` is no id or the names of one read are unknown.
    pub fn names_in_order(
        &self,
        among: &Bitset,
        after: Option<&str>,
        descending: bool,
        wanted: usize,
        budget: usize,
        terms: &[String],
    ) -> Option<Named> {
        let mut after = parsed(after)?;
        let text = NameText::new(terms);
        let mut named = Named::default();
        let mut read = 0;
        while read < budget {
            // Read in chunks: a text the names hold densely fills the page within the first.
            let chunk = (budget - read).min(NAMES_CHUNK);
            let found = self
                .ordinals
                .in_order(after, descending, chunk, |ordinal| among.contains(ordinal));
            for &(ordinal, id) in &found {
                read += 1;
                after = Some(id);
                if self.names.hold(ordinal, &text)? {
                    named.holding.push(hyphenated(id));
                    if named.holding.len() == wanted {
                        named.read_on = Some(hyphenated(id));
                        return Some(named);
                    }
                }
            }
            if found.len() < chunk {
                return Some(named);
            }
        }
        named.read_on = after.map(hyphenated);
        Some(named)
    }

    /// The ordinal of the organization whose SQLite search document has `rowid`.
    pub fn ordinal_of_document(&self, rowid: i64) -> Option<u32> {
        self.documents.ordinal(rowid)
    }

    /// The holders of a scheme's certificates that count under `f`: valid ones on the index's
    /// day, unless the filters take expired ones too.
    fn certified(&self, scheme: &str, f: &Filters) -> Option<&Bitset> {
        let holders = self.certification.get(scheme)?;
        Some(if f.include_expired_certifications {
            &holders.all
        } else {
            &holders.valid
        })
    }

    /// Per faceted filter (in the order of the `FACET_*` constants), the organizations holding
    /// a chosen value; `None` where nothing is chosen.
    fn chosen(&self, f: &Filters) -> [Option<Bitset>; 6] {
        [
            self.kind.any_of(f.kinds.iter().map(|k| k.as_str())),
            self.country.any_of(f.countries.iter().map(String::as_str)),
            self.offering(&f.services),
            self.language.any_of(f.languages.iter().map(String::as_str)),
            self.market.any_of(f.markets.iter().map(String::as_str)),
            (!f.certifications.is_empty()).then(|| {
                let mut holders = Bitset::default();
                for scheme in &f.certifications {
                    if let Some(certified) = self.certified(scheme, f) {
                        holders.union_with(certified);
                    }
                }
                holders
            }),
        ]
    }

    /// The organizations offering any of `codes`, or `None` when the filter is not set. A
    /// category filter lists each service under it too, which the category's holders already
    /// count: one pass over them instead of one per service (ten for `bpo`).
    fn offering(&self, codes: &[String]) -> Option<Bitset> {
        let is_category = |code: &str| {
            self.taxonomy
                .get(code)
                .is_some_and(|(category, _)| category == code)
        };
        let covered = |code: &str| {
            self.taxonomy
                .get(code)
                .is_some_and(|(category, _)| category != code && codes.contains(category))
        };
        let categories = codes.iter().map(String::as_str).filter(|c| is_category(c));
        let services = codes
            .iter()
            .map(String::as_str)
            .filter(|c| !is_category(c) && !covered(c));
        match (self.category.any_of(categories), self.service.any_of(services)) {
            (Some(mut holders), Some(more)) => {
                holders.union_with(&more);
                Some(holders)
            }
            (holders, more) => holders.or(more),
        }
    }

    /// The organizations passing every filter of `f` but its text.
    pub fn passing(&self, f: &Filters) -> Bitset {
        let mut passing = self.base(f);
        for holders in self.chosen(f).iter().flatten() {
            passing.intersect_with(holders);
        }
        passing
    }

    /// Counts per value of each facet under `filters` (but their text: `matching_text` holds
    /// the organizations matching it, if any), each facet leaving out its own filter;
    /// certificates count when valid on the index's day unless the filters take expired ones.
    pub fn facets(&self, f: &Filters, matching_text: Option<&Bitset>) -> Facets {
        let chosen = self.chosen(f);
        let mut base = self.base(f);
        if let Some(matching) = matching_text {
            base.intersect_with(matching);
        }
        let without = |own: usize| {
            let mut within = base.clone();
            for (dimension, holders) in chosen.iter().enumerate() {
                if let Some(holders) = holders.as_ref().filter(|_| dimension != own) {
                    within.intersect_with(holders);
                }
            }
            within
        };
        let service_mask = without(FACET_SERVICE);
        let certification_mask = without(FACET_CERTIFICATION);
        let is_service = |code: &str| self.taxonomy.get(code).is_some_and(|&(_, leaf)| leaf);
        Facets {
            kind: self.kind.counts(&without(FACET_KIND), |_| true),
            country: self.country.counts(&without(FACET_COUNTRY), |_| true),
            service_category: self.category.counts(&service_mask, |_| true),
            service: self.service.counts(&service_mask, is_service),
            language: self.language.counts(&without(FACET_LANGUAGE), |_| true),
            market: self.market.counts(&without(FACET_MARKET), |_| true),
            certification: ranked(self.certification.keys().map(|scheme| {
                (
                    scheme.clone(),
                    self.certified(scheme, f)
                        .map_or(0, |holders| certification_mask.intersection_len(holders)),
                )
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::reference::TaxonomyTerm;
    use crate::domain::vocab::{OrganizationKind, Status};
    use crate::facets::Count;

    fn term(code: &str, parent: Option<&str>) -> TaxonomyTerm {
        TaxonomyTerm {
            code: code.into(),
            parent_code: parent.map(Into::into),
            level: if parent.is_some() { 2 } else { 1 },
            label_fr: code.into(),
            label_en: code.into(),
            isic_class: String::new(),
            isic_label: String::new(),
            ebops_code: String::new(),
            ebops_label: String::new(),
        }
    }

    fn firm(n: u128, country: &str, services: &[&str], until: Option<&str>) -> Facts {
        Facts {
            id: uuid::Uuid::from_u128(n).to_string(),
            status: "published".into(),
            kind: "firm".into(),
            country: country.into(),
            region: None,
            employees: Some(n as i32 * 10),
            founded_year: None,
            verified: false,
            sample: false,
            updated_at: NaiveDateTime::MIN,
            services: services.iter().map(|s| s.to_string()).collect(),
            languages: vec!["fr".into()],
            markets: Vec::new(),
            certificates: until
                .map(|u| ("iso_9001".to_owned(), None, u.parse().ok()))
                .into_iter()
                .collect(),
            max_seats: None,
            max_fte: None,
            document: Some(n as i64),
            name_words: None,
        }
    }

    fn counts(counts: &[Count]) -> Vec<(&str, i64)> {
        counts.iter().map(|c| (c.value.as_str(), c.count)).collect()
    }

    fn published() -> Filters {
        Filters {
            statuses: vec![Status::Published],
            ..Filters::default()
        }
    }

    #[test]
    fn counts_leave_out_their_own_filter_and_follow_changes() {
        let taxonomy = vec![
            term("bpo", None),
            term("bpo.inbound", Some("bpo")),
            term("it", None),
        ];
        let mut index = Index::new(&Reference::new(taxonomy, vec![], vec![], vec![]));
        index.move_to("2019-06-01".parse().unwrap());
        index
            .put(&firm(1, "SN", &["bpo.inbound"], Some("2027-01-01")))
            .unwrap();
        index.put(&firm(2, "SN", &["it"], Some("2020-01-01"))).unwrap();
        index.put(&firm(3, "CI", &["bpo.inbound", "it"], None)).unwrap();

        let f = Filters {
            countries: vec!["SN".into()],
            ..published()
        };
        assert_eq!(
            counts(&index.facets(&f, None).certification),
            [("iso_9001", 2)],
            "valid on 2019-06-01"
        );
        index.move_to("2026-06-01".parse().unwrap());
        let facets = index.facets(&f, None);
        assert_eq!(counts(&facets.country), [("SN", 2), ("CI", 1)]);
        assert_eq!(counts(&facets.service_category), [("bpo", 1), ("it", 1)]);
        assert_eq!(counts(&facets.service), [("bpo.inbound", 1)]);
        assert_eq!(
            counts(&facets.certification),
            [("iso_9001", 1)],
            "2020 has expired"
        );

        let f = Filters {
            certifications: vec!["iso_9001".into()],
            employees_max: Some(15),
            ..published()
        };
        assert_eq!(counts(&index.facets(&f, None).kind), [("firm", 1)]);
        let expired_too = Filters {
            include_expired_certifications: true,
            employees_max: None,
            ..f
        };
        assert_eq!(counts(&index.facets(&expired_too, None).kind), [("firm", 2)]);

        let mut moved = firm(1, "ML", &["it"], None);
        moved.kind = OrganizationKind::Association.as_str().into();
        index.put(&moved).unwrap();
        index.remove(&uuid::Uuid::from_u128(3).to_string());
        let facets = index.facets(&published(), None);
        assert_eq!(counts(&facets.country), [("ML", 1), ("SN", 1)]);
        assert_eq!(counts(&facets.kind), [("association", 1), ("firm", 1)]);
        assert_eq!(counts(&facets.service_category), [("it", 2)]);
        assert!(facets.certification.is_empty());
    }

    #[test]
    fn a_category_filter_passes_the_firms_of_every_service_under_it_and_the_other_codes_listed() {
        let taxonomy = vec![
            term("bpo", None),
            term("bpo.inbound", Some("bpo")),
            term("bpo.outbound", Some("bpo")),
            term("it", None),
            term("it.web", Some("it")),
        ];
        let reference = Reference::new(taxonomy, vec![], vec![], vec![]);
        let mut index = Index::new(&reference);
        index.put(&firm(1, "SN", &["bpo.inbound"], None)).unwrap();
        index.put(&firm(2, "SN", &["bpo"], None)).unwrap();
        index.put(&firm(3, "SN", &["bpo.outbound", "it"], None)).unwrap();
        index.put(&firm(4, "SN", &["it.web"], None)).unwrap();
        index.put(&firm(5, "SN", &["it"], None)).unwrap();
        let passing = |codes: &[&str]| {
            let services = codes.iter().flat_map(|c| reference.with_descendants(c)).collect();
            index
                .passing(&Filters {
                    services,
                    ..published()
                })
                .len()
        };
        assert_eq!(passing(&["bpo"]), 3);
        assert_eq!(passing(&["bpo", "it.web"]), 4);
        assert_eq!(passing(&["bpo.outbound", "it.web"]), 2);
        assert_eq!(passing(&["it"]), 3);
    }

    #[test]
    fn names_are_read_in_id_order_until_enough_hold_the_text_or_the_budget_is_spent() {
        let mut index = Index::new(&Reference::new(vec![], vec![], vec![], vec![]));
        for n in 1..=10 {
            let words = if n % 2 == 1 {
                "sahel digital"
            } else {
                "teranga conseil"
            };
            let mut facts = firm(n, if n == 3 { "ML" } else { "SN" }, &[], None);
            facts.name_words = Some(words.split(' ').map(str::to_owned).collect());
            index.put(&facts).unwrap();
        }
        let senegalese = index.passing(&Filters {
            countries: vec!["SN".into()],
            ..published()
        });
        let id = |n: u128| uuid::Uuid::from_u128(n).to_string();
        let ids = |ns: &[u128]| ns.iter().map(|&n| id(n)).collect::<Vec<_>>();
        let terms = |q: &str| q.split(' ').map(str::to_owned).collect::<Vec<_>>();
        let named = |after: Option<u128>, descending, wanted, budget, q: &str| {
            let after = after.map(id);
            index
                .names_in_order(
                    &senegalese,
                    after.as_deref(),
                    descending,
                    wanted,
                    budget,
                    &terms(q),
                )
                .unwrap()
        };

        let enough = named(None, false, 2, 100, "sahel");
        assert_eq!(enough.holding, ids(&[1, 5]), "3 does not pass");
        assert_eq!(enough.read_on, Some(id(5)));
        let spent = named(None, false, 10, 4, "teranga con");
        assert_eq!(spent.holding, ids(&[2, 4]));
        assert_eq!(spent.read_on, Some(id(5)), "four read: 1, 2, 4 and 5");
        let rest = named(Some(5), false, 10, 100, "teranga con");
        assert_eq!(rest.holding, ids(&[6, 8, 10]));
        assert_eq!(rest.read_on, None, "no firm left");
        let downwards = named(Some(9), true, 2, 100, "conseil");
        assert_eq!(downwards.holding, ids(&[8, 6]));
        assert!(
            named(None, false, 5, 100, "digi sahel").holding.is_empty(),
            "only the last term is a prefix"
        );

        let unnamed = firm(11, "SN", &[], None);
        index.put(&unnamed).unwrap();
        let all = index.passing(&published());
        assert_eq!(
            index.names_in_order(&all, Some(&id(10)), false, 5, 100, &terms("sahel")),
            None,
            "the names of 11 are unknown"
        );
    }
}
