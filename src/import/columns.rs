//! The columns of each kind of import row: their keys, their French and English headers, the
//! formats they take and an example. The template, the reader and the README all come from
//! this one table.

use crate::domain::checks::fold;
use crate::domain::vocab::{DeliveryMode, MarketKind, OrganizationKind, RelationshipKind};

/// A kind of row: one sheet of a workbook, or what one CSV file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sheet {
    /// Organizations themselves.
    Organizations,
    /// Export capabilities.
    Capabilities,
    /// Market presences.
    Markets,
    /// Certifications.
    Certifications,
    /// Contact persons.
    Contacts,
    /// Relationships to other organizations.
    Relationships,
}

impl Sheet {
    /// Every kind, in the order a workbook is read: organizations first, so that the other
    /// sheets can name the organizations it creates.
    pub const ALL: [Sheet; 6] = [
        Sheet::Organizations,
        Sheet::Capabilities,
        Sheet::Markets,
        Sheet::Certifications,
        Sheet::Contacts,
        Sheet::Relationships,
    ];

    /// The `kind` parameter's word, and the English sheet name.
    pub fn as_str(self) -> &'static str {
        match self {
            Sheet::Organizations => "organizations",
            Sheet::Capabilities => "capabilities",
            Sheet::Markets => "markets",
            Sheet::Certifications => "certifications",
            Sheet::Contacts => "contacts",
            Sheet::Relationships => "relationships",
        }
    }

    /// The French sheet name.
    pub fn french(self) -> &'static str {
        match self {
            Sheet::Organizations => "organisations",
            Sheet::Capabilities => "capacités",
            Sheet::Markets => "marchés",
            Sheet::Certifications => "certifications",
            Sheet::Contacts => "contacts",
            Sheet::Relationships => "relations",
        }
    }

    /// The kind a sheet name or `kind` parameter names, in either language, any case or accents.
    pub fn named(name: &str) -> Option<Sheet> {
        let name = fold_header(name);
        Sheet::ALL
            .into_iter()
            .find(|s| name == fold_header(s.as_str()) || name == fold_header(s.french()))
    }

    /// Its columns, in template order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Sheet::Organizations => ORGANIZATIONS,
            Sheet::Capabilities => CAPABILITIES,
            Sheet::Markets => MARKETS,
            Sheet::Certifications => CERTIFICATIONS,
            Sheet::Contacts => CONTACTS,
            Sheet::Relationships => RELATIONSHIPS,
        }
    }
}

/// What a column's cells hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Text, as written.
    Text,
    /// A whole number.
    Integer,
    /// A calendar date, `YYYY-MM-DD` or a date cell.
    Date,
    /// Words separated by `|`, `,` or `;`.
    List,
    /// Language codes, each optionally with seats: `fr:120 | wo:20`.
    Languages,
}

/// One column of a kind of row.
#[derive(Debug)]
pub struct Column {
    /// The field it fills, as the API names it.
    pub key: &'static str,
    /// French header.
    pub fr: &'static str,
    /// English header.
    pub en: &'static str,
    /// What its cells hold.
    pub format: Format,
    /// Whether a row that creates something must fill it.
    pub required: bool,
    /// The allowed values or the format, as the template's second header row shows them.
    pub hint: Hint,
    /// The template's example value.
    pub example: &'static str,
}

/// The allowed values of a column: a fixed text, or a closed vocabulary's words.
#[derive(Debug, Clone, Copy)]
pub enum Hint {
    /// A description of the format.
    Text(&'static str),
    /// The words of a vocabulary, listed at run time.
    Words(fn() -> Vec<&'static str>),
}

impl Column {
    /// The header the template writes: both languages.
    pub fn header(&self) -> String {
        if fold_header(self.fr) == fold_header(self.en) {
            self.fr.to_owned()
        } else {
            format!("{} / {}", self.fr, self.en)
        }
    }

    /// The template's second header row for this column.
    pub fn hint_text(&self) -> String {
        let hint = match self.hint {
            Hint::Text(text) => text.to_owned(),
            Hint::Words(words) => words().join(" | "),
        };
        if self.required {
            format!("obligatoire / required: {hint}")
        } else {
            hint
        }
    }

    /// Whether a header written in a file names this column: its key, its French or English
    /// header, or both as the template writes them; case, accents and spacing ignored.
    pub fn is_named(&self, header: &str) -> bool {
        let header = fold_header(header);
        [self.key, self.fr, self.en, &self.header()]
            .iter()
            .any(|name| fold_header(name) == header)
    }
}

/// A header as compared: folded (case, accents), punctuation and runs of spaces as one space.
pub fn fold_header(text: &str) -> String {
    let folded = fold(text);
    let spaced: String = folded
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '/' { c } else { ' ' })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn words<T: Copy + 'static>(all: &'static [T], word: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| word(*v)).collect()
}

const KEY_HINT: Hint = Hint::Text(
    "clé libre de la ligne, pour la nommer dans les autres feuilles / your own key for this row, to name it from the other sheets",
);
const ORGANIZATION_HINT: Hint =
    Hint::Text("clé de ligne, NINEA, RCCM, LEI ou slug / row key, NINEA, RCCM, LEI or slug");
const DATE_HINT: Hint = Hint::Text("AAAA-MM-JJ / YYYY-MM-DD");
const YEAR_HINT: Hint = Hint::Text("année, ex. 2012 / year, e.g. 2012");
const COUNT_HINT: Hint = Hint::Text("nombre entier / whole number");
const COUNTRY_HINT: Hint = Hint::Text("ISO 3166-1 alpha-2 (SN, FR, CA)");
const PHONE_HINT: Hint = Hint::Text("E.164 (+221338890000)");

const fn column(key: &'static str, fr: &'static str, en: &'static str, format: Format, hint: Hint) -> Column {
    Column {
        key,
        fr,
        en,
        format,
        required: false,
        hint,
        example: "",
    }
}

const fn text(key: &'static str, fr: &'static str, en: &'static str, example: &'static str) -> Column {
    Column {
        example,
        ..column(key, fr, en, Format::Text, Hint::Text("texte / text"))
    }
}

const fn required(column: Column) -> Column {
    Column {
        required: true,
        ..column
    }
}

const fn example(column: Column, example: &'static str) -> Column {
    Column { example, ..column }
}

const fn organization_column() -> Column {
    required(example(
        column(
            "organization",
            "Organisation",
            "Organization",
            Format::Text,
            ORGANIZATION_HINT,
        ),
        "004567890 2G3",
    ))
}

static ORGANIZATIONS: &[Column] = &[
    example(column("key", "Clé", "Key", Format::Text, KEY_HINT), "ets"),
    column(
        "slug",
        "Slug",
        "Slug",
        Format::Text,
        Hint::Text(
            "organisation existante à mettre à jour (facultatif) / existing organization to update (optional)",
        ),
    ),
    example(
        column(
            "ninea",
            "NINEA",
            "NINEA",
            Format::Text,
            Hint::Text("004567890 2G3"),
        ),
        "004567890 2G3",
    ),
    example(
        column(
            "rccm",
            "RCCM",
            "RCCM",
            Format::Text,
            Hint::Text("SN-DKR-2018-B-12345"),
        ),
        "SN-DKR-2012-B-4567",
    ),
    column(
        "lei",
        "LEI",
        "LEI",
        Format::Text,
        Hint::Text("ISO 17442, 20 caractères / 20 characters"),
    ),
    required(example(
        column(
            "kind",
            "Type",
            "Kind",
            Format::Text,
            Hint::Words(|| words(OrganizationKind::ALL, OrganizationKind::as_str)),
        ),
        "firm",
    )),
    required(text("name", "Nom", "Name", "Exemple Télé-Services")),
    text("acronym", "Sigle", "Acronym", "ETS"),
    text(
        "legal_name",
        "Raison sociale",
        "Legal name",
        "Exemple Télé-Services SARL",
    ),
    text(
        "description_fr",
        "Description (français)",
        "Description (French)",
        "Centre de contacts francophone à Dakar.",
    ),
    text(
        "description_en",
        "Description (anglais)",
        "Description (English)",
        "French-speaking contact centre in Dakar.",
    ),
    required(example(
        column("country", "Pays", "Country", Format::Text, COUNTRY_HINT),
        "SN",
    )),
    text("region", "Région", "Region", "Dakar"),
    text("city", "Ville", "City", "Dakar"),
    example(
        column(
            "website",
            "Site web",
            "Website",
            Format::Text,
            Hint::Text("https://…"),
        ),
        "https://example.sn",
    ),
    example(
        column(
            "email",
            "Courriel",
            "Email",
            Format::Text,
            Hint::Text("contact@…"),
        ),
        "contact@example.sn",
    ),
    example(
        column("phone", "Téléphone", "Phone", Format::Text, PHONE_HINT),
        "+221338890000",
    ),
    example(
        column(
            "founded_year",
            "Année de création",
            "Year founded",
            Format::Integer,
            YEAR_HINT,
        ),
        "2012",
    ),
    example(
        column("employees", "Effectif", "Employees", Format::Integer, COUNT_HINT),
        "180",
    ),
    column(
        "internal_notes",
        "Notes internes",
        "Internal notes",
        Format::Text,
        Hint::Text("jamais montrées aux partenaires / never shown to partners"),
    ),
];

static CAPABILITIES: &[Column] = &[
    organization_column(),
    required(example(
        column(
            "service_code",
            "Code du service",
            "Service code",
            Format::Text,
            Hint::Text("code de /v1/taxonomy / a /v1/taxonomy code"),
        ),
        "bpo.contact_center_inbound",
    )),
    text(
        "description_fr",
        "Description (français)",
        "Description (French)",
        "Service client en français.",
    ),
    text(
        "description_en",
        "Description (anglais)",
        "Description (English)",
        "French-language customer service.",
    ),
    required(example(
        column(
            "delivery_modes",
            "Modes de prestation",
            "Delivery modes",
            Format::List,
            Hint::Words(|| words(DeliveryMode::ALL, DeliveryMode::as_str)),
        ),
        "offshore",
    )),
    example(
        column(
            "languages",
            "Langues",
            "Languages",
            Format::Languages,
            Hint::Text("ISO 639-1[:postes/seats] séparés par | (fr:120 | wo:20)"),
        ),
        "fr:120 | wo:20",
    ),
    example(
        column("capacity_seats", "Postes", "Seats", Format::Integer, COUNT_HINT),
        "140",
    ),
    column("capacity_fte", "ETP", "FTE", Format::Integer, COUNT_HINT),
    example(
        column(
            "capacity_as_of",
            "Capacité au",
            "Capacity as of",
            Format::Date,
            DATE_HINT,
        ),
        "2026-09-30",
    ),
    example(
        column(
            "min_engagement_months",
            "Engagement minimum (mois)",
            "Minimum engagement (months)",
            Format::Integer,
            COUNT_HINT,
        ),
        "6",
    ),
];

static MARKETS: &[Column] = &[
    organization_column(),
    required(example(
        column("country", "Pays", "Country", Format::Text, COUNTRY_HINT),
        "FR",
    )),
    required(example(
        column(
            "kind",
            "Présence",
            "Presence",
            Format::Text,
            Hint::Words(|| words(MarketKind::ALL, MarketKind::as_str)),
        ),
        "served",
    )),
    example(
        column(
            "since_year",
            "Depuis (année)",
            "Since (year)",
            Format::Integer,
            YEAR_HINT,
        ),
        "2015",
    ),
    example(
        column(
            "reference_clients",
            "Clients de référence",
            "Reference clients",
            Format::Integer,
            COUNT_HINT,
        ),
        "4",
    ),
];

static CERTIFICATIONS: &[Column] = &[
    organization_column(),
    required(example(
        column(
            "scheme",
            "Référentiel",
            "Scheme",
            Format::Text,
            Hint::Text("code de /v1/certification-schemes / a /v1/certification-schemes code"),
        ),
        "iso_iec_27001",
    )),
    text(
        "certificate_number",
        "Numéro du certificat",
        "Certificate number",
        "IS 712345",
    ),
    text("issuer", "Organisme certificateur", "Issuer", "Bureau Veritas"),
    example(
        column("valid_from", "Valide du", "Valid from", Format::Date, DATE_HINT),
        "2024-03-02",
    ),
    example(
        column(
            "valid_until",
            "Valide jusqu'au",
            "Valid until",
            Format::Date,
            DATE_HINT,
        ),
        "2027-03-01",
    ),
];

static CONTACTS: &[Column] = &[
    organization_column(),
    required(text("name", "Nom", "Name", "Awa Ndiaye")),
    text("role_title", "Fonction", "Position", "Directrice commerciale"),
    example(
        column(
            "email",
            "Courriel",
            "Email",
            Format::Text,
            Hint::Text("prenom.nom@… / first.last@…"),
        ),
        "awa.ndiaye@example.sn",
    ),
    example(
        column("phone", "Téléphone", "Phone", Format::Text, PHONE_HINT),
        "+221771234567",
    ),
];

static RELATIONSHIPS: &[Column] = &[
    organization_column(),
    required(example(
        column(
            "kind",
            "Relation",
            "Relationship",
            Format::Text,
            Hint::Words(|| words(RelationshipKind::ALL, RelationshipKind::as_str)),
        ),
        "member_of",
    )),
    required(example(
        column(
            "target",
            "Organisation liée",
            "Related organization",
            Format::Text,
            Hint::Text("clé de ligne, NINEA, RCCM, LEI, slug ou id / row key, NINEA, RCCM, LEI, slug or id"),
        ),
        "optic",
    )),
    example(
        column("since", "Depuis", "Since", Format::Date, DATE_HINT),
        "2016-01-01",
    ),
    column("until", "Jusqu'au", "Until", Format::Date, DATE_HINT),
    text("source", "Source", "Source", "Liste des membres de l'OPTIC"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_in_either_language_whatever_the_case_and_accents() {
        let country = &ORGANIZATIONS[11];
        assert_eq!(country.key, "country");
        for header in ["Pays", "PAYS", "country", " Country ", "Pays / Country"] {
            assert!(country.is_named(header), "{header}");
        }
        assert!(!country.is_named("Ville"));
        let region = &ORGANIZATIONS[12];
        assert!(region.is_named("REGION") && region.is_named("région"));
        assert_eq!(Sheet::named("Capacites"), Some(Sheet::Capabilities));
        assert_eq!(Sheet::named("MARCHÉS"), Some(Sheet::Markets));
        assert_eq!(Sheet::named("firms"), None);
    }

    #[test]
    fn every_sheet_has_distinct_column_names() {
        for sheet in Sheet::ALL {
            let columns = sheet.columns();
            for (i, a) in columns.iter().enumerate() {
                for b in &columns[i + 1..] {
                    assert!(!b.is_named(a.fr) && !b.is_named(a.en), "{} {}", a.key, b.key);
                }
            }
        }
    }
}
