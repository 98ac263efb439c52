//! Sample firms, generated deterministically from their number: plainly marked as sample data
//! (the `is_sample` flag, a "Démo" name no real company has, a description that says so) and
//! varied enough for search and matching to have something to show.

use chrono::NaiveDate;

use crate::domain::items::{CapabilityFields, CertificationFields, MarketFields, WorkingLanguage};
use crate::domain::organization::{Bilingual, OrganizationFields};
use crate::domain::vocab::{DeliveryMode, MarketKind, OrganizationKind};

/// A firm and its records, before storage.
pub struct SampleFirm {
    pub fields: OrganizationFields,
    pub capabilities: Vec<CapabilityFields>,
    pub markets: Vec<MarketFields>,
    pub certifications: Vec<CertificationFields>,
}

/// A small deterministic generator (SplitMix64), so that sample `n` is always the same firm.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn range(&mut self, low: i32, high: i32) -> i32 {
        low + (self.next() % (high - low + 1) as u64) as i32
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const PLACES: [&str; 12] = [
    "Téranga",
    "Baobab",
    "Sahel",
    "Atlantique",
    "Gorée",
    "Lac Rose",
    "Casamance",
    "Saloum",
    "Ndar",
    "Cap-Vert",
    "Almadies",
    "Ngor",
];
const CITIES: [(&str, &str); 6] = [
    ("Dakar", "Dakar"),
    ("Thiès", "Thiès"),
    ("Saint-Louis", "Saint-Louis"),
    ("Ziguinchor", "Ziguinchor"),
    ("Mbour", "Thiès"),
    ("Rufisque", "Dakar"),
];
/// Services by profile: contact centres, back office, software, digital, knowledge work.
const PROFILES: [(&str, &[&str]); 5] = [
    (
        "Contact",
        &[
            "bpo.contact_center_inbound",
            "bpo.contact_center_outbound",
            "bpo.customer_support",
        ],
    ),
    (
        "Back-Office",
        &[
            "bpo.back_office",
            "bpo.data_entry",
            "bpo.finance_accounting",
            "bpo.payroll",
            "bpo.hr_outsourcing",
        ],
    ),
    (
        "Soft",
        &[
            "it.software_development",
            "it.web_development",
            "it.mobile_development",
            "it.software_testing",
            "it.hosting_cloud",
            "it.cybersecurity",
        ],
    ),
    (
        "Digital",
        &[
            "digital.translation_localisation",
            "digital.content_moderation",
            "digital.data_annotation",
            "digital.graphic_design",
            "digital.digital_marketing",
        ],
    ),
    (
        "Conseil",
        &[
            "it.consulting",
            "it.data_analytics",
            "kpo.market_research",
            "kpo.management_consulting",
            "kpo.research_analysis",
        ],
    ),
];
const MARKETS: [&str; 14] = [
    "FR", "BE", "CH", "CA", "US", "GB", "MA", "CI", "ES", "DE", "ML", "GN", "GA", "CM",
];
const EXTRA_LANGUAGES: [(&str, u64); 6] = [
    ("en", 60),
    ("wo", 50),
    ("ar", 15),
    ("es", 10),
    ("pt", 8),
    ("de", 5),
];

/// Sample firm number `n`.
pub fn firm(n: u64) -> SampleFirm {
    let mut dice = Dice(n.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x5EED);
    let (profile, services) = PROFILES[(n % PROFILES.len() as u64) as usize];
    let place = PLACES[(n / PROFILES.len() as u64 % PLACES.len() as u64) as usize];
    let (city, region) = *dice.pick(&CITIES);
    let is_bpo = matches!(profile, "Contact" | "Back-Office");
    let name = format!("Démo {place} {profile} {n:03}");

    let mut languages = vec![WorkingLanguage {
        code: "fr".into(),
        seats: None,
    }];
    for (code, percent) in EXTRA_LANGUAGES {
        if dice.chance(percent) {
            languages.push(WorkingLanguage {
                code: code.into(),
                seats: None,
            });
        }
    }
    let capability_count = 1 + dice.below(3);
    let capabilities = (0..capability_count)
        .map(|i| {
            let capacity = if is_bpo {
                dice.range(10, 500)
            } else {
                dice.range(5, 200)
            };
            let languages = languages
                .iter()
                .map(|l| WorkingLanguage {
                    code: l.code.clone(),
                    seats: is_bpo.then(|| capacity / languages.len() as i32),
                })
                .collect();
            let mut delivery_modes = vec![DeliveryMode::Offshore];
            for mode in [
                DeliveryMode::Nearshore,
                DeliveryMode::Remote,
                DeliveryMode::Onsite,
            ] {
                if dice.chance(30) {
                    delivery_modes.push(mode);
                }
            }
            CapabilityFields {
                service_code: services[(dice.below(services.len()) + i) % services.len()].into(),
                description: Some(Bilingual {
                    fr: Some(format!("Données de démonstration : service {i} de {name}.")),
                    en: Some(format!("Sample data: service {i} of {name}.")),
                }),
                delivery_modes,
                languages,
                capacity_seats: is_bpo.then_some(capacity),
                capacity_fte: (!is_bpo).then_some(capacity),
                capacity_as_of: NaiveDate::from_ymd_opt(2026, 1 + dice.range(0, 8) as u32, 1),
                min_engagement_months: Some(*dice.pick(&[1, 3, 6, 12])),
            }
        })
        .collect::<Vec<_>>();
    let mut countries: Vec<&str> = Vec::new();
    while countries.len() < 1 + dice.below(4) {
        let country = *dice.pick(&MARKETS);
        if !countries.contains(&country) {
            countries.push(country);
        }
    }
    let markets = countries
        .iter()
        .enumerate()
        .map(|(i, country)| MarketFields {
            country: (*country).into(),
            kind: if i == 0 || dice.chance(60) {
                MarketKind::Served
            } else {
                MarketKind::Target
            },
            since_year: Some(dice.range(2008, 2025)),
            reference_clients: Some(dice.range(0, 12)),
        })
        .collect();
    let mut certifications = Vec::new();
    let mut certify = |scheme: &str, dice: &mut Dice| {
        let from = dice.range(2019, 2025);
        certifications.push(CertificationFields {
            scheme: scheme.into(),
            certificate_number: Some(format!("DEMO-{n:05}-{}", certifications.len() + 1)),
            issuer: Some("Organisme de démonstration".into()),
            valid_from: NaiveDate::from_ymd_opt(from, 3, 1),
            valid_until: NaiveDate::from_ymd_opt(from + 3, 2, 28),
        });
    };
    for (scheme, percent, applies) in [
        ("iso_9001", 40, true),
        ("iso_iec_27001", 25, true),
        ("copc", 20, is_bpo),
        ("pci_dss", 10, is_bpo),
        ("cmmi_dev", 10, profile == "Soft"),
        ("iso_18295_1", 15, profile == "Contact"),
    ] {
        if applies && dice.chance(percent) {
            certify(scheme, &mut dice);
        }
    }
    SampleFirm {
        fields: OrganizationFields {
            kind: OrganizationKind::Firm,
            name: name.clone(),
            acronym: None,
            legal_name: None,
            description: Some(Bilingual {
                fr: Some(format!("Entreprise fictive (données de démonstration), {city}.")),
                en: Some(format!("Fictitious company (sample data), {city}.")),
            }),
            country: "SN".into(),
            region: Some(region.into()),
            city: Some(city.into()),
            website: None,
            email: None,
            phone: None,
            founded_year: Some(dice.range(1995, 2024)),
            employees: Some(dice.range(10, 1500)),
            registry_ids: Vec::new(),
            is_sample: true,
            internal_notes: None,
        },
        capabilities,
        markets,
        certifications,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_stable_and_marked() {
        let a = firm(7);
        assert_eq!(a.fields.name, firm(7).fields.name);
        assert!(a.fields.is_sample && a.fields.name.starts_with("Démo "));
        assert!(!a.capabilities.is_empty() && !a.markets.is_empty());
    }
}
