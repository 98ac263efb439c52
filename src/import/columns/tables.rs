//! The columns of each kind of row, in template order.

use super::{Column, Format, Hint};
use crate::domain::vocab::{DeliveryMode, MarketKind, OrganizationKind, RelationshipKind};

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

pub(super) static ORGANIZATIONS: &[Column] = &[
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

pub(super) static CAPABILITIES: &[Column] = &[
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

pub(super) static MARKETS: &[Column] = &[
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

pub(super) static CERTIFICATIONS: &[Column] = &[
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

pub(super) static CONTACTS: &[Column] = &[
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

pub(super) static RELATIONSHIPS: &[Column] = &[
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
