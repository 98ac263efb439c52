//! The sector's reference stakeholders, as DESIGN.md section 1 describes them and no further:
//! ASEPEX, OPTIC, the International Trade Centre, the Ministry in charge of Trade and SMEs, the
//! Netherlands as the funder of NTF IV, and the programmes NTF IV and Plan Sénégal Numérique.

use super::writer::Writer;
use crate::auth::Caller;
use crate::db::{self, DbConnection, organizations, programmes};
use crate::domain::checks::slugify;
use crate::domain::items::{ParticipationFields, RelationshipFields};
use crate::domain::organization::{Bilingual, OrganizationFields};
use crate::domain::programme::{Programme, ProgrammeFields};
use crate::domain::vocab::{OrganizationKind, ParticipantRole, RelationshipKind};
use crate::error::ApiError;

/// Where the facts come from.
const SOURCE: &str =
    "First sector consultation for an IT/BPO export strategy, Dakar, July 2018 (ITC, ASEPEX, OPTIC)";

fn bilingual(fr: &str, en: &str) -> Option<Bilingual> {
    Some(Bilingual {
        fr: Some(fr.into()),
        en: Some(en.into()),
    })
}

fn stakeholder(
    kind: OrganizationKind,
    name: &str,
    acronym: Option<&str>,
    country: &str,
    description: Option<Bilingual>,
) -> OrganizationFields {
    OrganizationFields {
        kind,
        name: name.into(),
        acronym: acronym.map(Into::into),
        legal_name: None,
        description,
        country: country.into(),
        region: None,
        city: None,
        website: None,
        email: None,
        phone: None,
        founded_year: None,
        employees: None,
        registry_ids: Vec::new(),
        is_sample: false,
        internal_notes: None,
    }
}

/// Loads the stakeholders unless they are there already. Returns whether it loaded them.
pub fn load_stakeholders(conn: &mut DbConnection) -> Result<bool, ApiError> {
    // Checked inside the write transaction, so two servers starting at once load it once.
    crate::db::write_transaction(conn, |conn| {
        if organizations::find(conn, "asepex")?.is_some() {
            return Ok(false);
        }
        let w = Writer::new();
        let asepex = w.organization(
            conn,
            Some("asepex"),
            stakeholder(
                OrganizationKind::PublicBody,
                "Agence Sénégalaise de Promotion des Exportations",
                Some("ASEPEX"),
                "SN",
                bilingual(
                    "L'agence de promotion des exportations du Sénégal.",
                    "Senegal's export promotion agency.",
                ),
            ),
        )?;
        let optic = w.organization(
            conn,
            Some("optic"),
            stakeholder(
                OrganizationKind::Association,
                "Organisation des Professionnels des TIC",
                Some("OPTIC"),
                "SN",
                bilingual(
                    "L'organisation des professionnels des TIC du Sénégal.",
                    "The body of Senegal's ICT professionals.",
                ),
            ),
        )?;
        let itc = w.organization(conn, Some("itc"), stakeholder(
            OrganizationKind::InternationalOrg,
            "International Trade Centre",
            Some("ITC"),
            "CH",
            bilingual(
                "Le Centre du commerce international, qui a tenu en juillet 2018 à Dakar, avec l'ASEPEX et l'OPTIC, la première consultation sectorielle pour une stratégie d'exportation IT/BPO.",
                "The International Trade Centre, which held in Dakar in July 2018, with ASEPEX and OPTIC, the first sector consultation for an IT/BPO export strategy.",
            ),
        ))?;
        let ministry = w.organization(conn, Some("ministere-commerce-pme"), stakeholder(
            OrganizationKind::PublicBody,
            "Ministère en charge du Commerce et des PME",
            None,
            "SN",
            bilingual(
                "Le ministère sous l'égide duquel s'est tenue la consultation sectorielle de 2018.",
                "The Ministry in charge of Trade and SMEs, under which the 2018 sector consultation was held.",
            ),
        ))?;
        let netherlands = w.organization(
            conn,
            Some("netherlands"),
            stakeholder(
                OrganizationKind::Donor,
                "Gouvernement des Pays-Bas",
                None,
                "NL",
                bilingual(
                    "Finance le programme Netherlands Trust Fund IV.",
                    "Funds the Netherlands Trust Fund IV programme.",
                ),
            ),
        )?;

        let relationship = |kind, target: &str| RelationshipFields {
            kind,
            target_id: target.to_owned(),
            since: chrono::NaiveDate::from_ymd_opt(2018, 7, 1),
            until: None,
            source: Some(SOURCE.into()),
        };
        w.item(
            conn,
            &itc.id,
            relationship(RelationshipKind::PartnerOf, &asepex.id),
        )?;
        w.item(
            conn,
            &itc.id,
            relationship(RelationshipKind::PartnerOf, &optic.id),
        )?;
        w.item(
            conn,
            &asepex.id,
            relationship(RelationshipKind::SupervisedBy, &ministry.id),
        )?;

        let ntf = programme(
            conn,
            ProgrammeFields {
                name: "Netherlands Trust Fund IV".into(),
                acronym: Some("NTF IV".into()),
                description: bilingual(
                    "Programme du Centre du commerce international financé par les Pays-Bas, dont relevait la consultation IT/BPO de 2018.",
                    "International Trade Centre programme funded by the Netherlands, of which the 2018 IT/BPO consultation was part.",
                ),
                start_year: None,
                end_year: None,
            },
        )?;
        programme(
            conn,
            ProgrammeFields {
                name: "Plan Sénégal Numérique 2016-2025".into(),
                acronym: Some("PSN".into()),
                description: bilingual(
                    "La stratégie numérique du gouvernement, dont relevait aussi la consultation IT/BPO de 2018.",
                    "The government's digital strategy, of which the 2018 IT/BPO consultation was also part.",
                ),
                start_year: Some(2016),
                end_year: Some(2025),
            },
        )?;
        for (org, role) in [
            (&netherlands, ParticipantRole::Funder),
            (&itc, ParticipantRole::Implementer),
            (&asepex, ParticipantRole::Partner),
            (&optic, ParticipantRole::Partner),
        ] {
            w.item(
                conn,
                &org.id,
                ParticipationFields {
                    programme_id: ntf.id.clone(),
                    role,
                },
            )?;
        }
        Ok(true)
    })
}

fn programme(conn: &mut DbConnection, fields: ProgrammeFields) -> Result<Programme, ApiError> {
    let now = db::now().and_utc();
    let programme = Programme {
        id: uuid::Uuid::now_v7().to_string(),
        slug: slugify(fields.acronym.as_deref().unwrap_or(&fields.name)),
        fields,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    programmes::insert(conn, &programme, &Caller::system())?;
    Ok(programme)
}
