//! The sector's own record of its export strategy, and no more than the record states: the
//! first consultation (Dakar, 4 and 5 July 2018), the second as it was planned (September
//! 2018), and the strategy shell within Plan Sénégal Numérique 2016-2025. No barrier or
//! action is loaded as fact; the demonstration set carries examples marked `is_sample`.

use chrono::NaiveDate;

use crate::auth::Caller;
use crate::db::{self, DbConnection, organizations, programmes, strategy};
use crate::domain::organization::Bilingual;
use crate::domain::strategy::action::{ActionFields, ActionStatus, Indicator, Priority};
use crate::domain::strategy::barrier::{BarrierFields, BarrierStatus, Level, Severity};
use crate::domain::strategy::consultation::{
    ConsultationFields, ConsultationStatus, DatePrecision, Organizer, OrganizerRole, Stage,
    UnlistedParticipants,
};
use crate::domain::strategy::plan::{StrategyFields, StrategyStatus};
use crate::domain::strategy::themes::Theme;
use crate::domain::strategy::{Entry, EntryFields, EntryFilter, Visibility};
use crate::error::ApiError;

/// The backfill the strategy migration queues, so that databases seeded before it get the
/// record too.
pub const BACKFILL: &str = "strategy_record";

fn bilingual(fr: &str, en: &str) -> Bilingual {
    Bilingual {
        fr: Some(fr.into()),
        en: Some(en.into()),
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a calendar date")
}

fn store<F: EntryFields>(
    conn: &mut DbConnection,
    fields: F,
    is_sample: bool,
    strategy_id: Option<String>,
) -> Result<String, ApiError> {
    let entry = Entry::new(fields, strategy_id, is_sample, db::now().and_utc());
    strategy::insert(conn, &entry, &Caller::system())?;
    Ok(entry.id)
}

fn id_of(conn: &mut DbConnection, slug: &str) -> Result<Option<String>, ApiError> {
    Ok(organizations::find(conn, slug)?.map(|org| org.id))
}

/// Loads the record once (a queued backfill), once the stakeholders it names are there.
pub fn load_strategy_record(conn: &mut DbConnection) -> Result<usize, ApiError> {
    db::backfills::run_once(conn, BACKFILL, |conn| {
        let programme = |conn: &mut DbConnection, slug: &str| -> Result<Option<String>, ApiError> {
            Ok(programmes::find(conn, slug)?.map(|p| p.id))
        };
        let ntf = programme(conn, "ntf-iv")?;
        let psn = programme(conn, "psn")?;
        let mut organizers = Vec::new();
        for (slug, role) in [
            ("itc", OrganizerRole::Convener),
            ("asepex", OrganizerRole::CoOrganizer),
            ("optic", OrganizerRole::CoOrganizer),
            ("ministere-commerce-pme", OrganizerRole::UnderTheAegisOf),
        ] {
            if let Some(organization_id) = id_of(conn, slug)? {
                organizers.push(Organizer {
                    organization_id,
                    role,
                });
            }
        }
        store(
            conn,
            ConsultationFields {
                title: bilingual(
                    "Première consultation du secteur IT/BPO",
                    "First consultation of the IT/BPO sector",
                ),
                summary: Some(bilingual(
                    "Tenue par le Centre du commerce international avec l'ASEPEX et l'OPTIC, sous l'égide du ministère en charge du Commerce et des PME, dans le cadre du programme NTF IV et du Plan Sénégal Numérique 2016-2025, pour identifier les obstacles à la compétitivité à l'export du secteur à trois niveaux : les entreprises, l'écosystème institutionnel, et le cadre réglementaire et juridique.",
                    "Held by the International Trade Centre with ASEPEX and OPTIC, under the aegis of the Ministry in charge of Trade and SMEs, within NTF IV and Plan Sénégal Numérique 2016-2025, to identify what holds back the sector's export competitiveness at three levels: the firms, the institutional ecosystem, and the regulatory and legal framework.",
                )),
                stage: Stage::Diagnostic,
                status: ConsultationStatus::Held,
                starts_on: date(2018, 7, 4),
                ends_on: Some(date(2018, 7, 5)),
                date_precision: DatePrecision::Day,
                place: Some("Dakar".into()),
                programme_id: ntf.clone(),
                organizers,
                participants: Vec::new(),
                unlisted_participants: UnlistedParticipants::default(),
                visibility: Visibility::Published,
                internal_notes: None,
            },
            false,
            None,
        )?;
        store(
            conn,
            ConsultationFields {
                title: bilingual(
                    "Deuxième consultation du secteur IT/BPO",
                    "Second consultation of the IT/BPO sector",
                ),
                summary: Some(bilingual(
                    "Prévue pour septembre 2018, pour valider le diagnostic de la première consultation et définir le plan d'action de la stratégie d'exportation du secteur.",
                    "Planned for September 2018, to validate the first consultation's diagnostic and define the action plan of the sector's export strategy.",
                )),
                stage: Stage::Validation,
                status: ConsultationStatus::Planned,
                starts_on: date(2018, 9, 1),
                ends_on: Some(date(2018, 9, 30)),
                date_precision: DatePrecision::Month,
                place: None,
                programme_id: ntf,
                organizers: Vec::new(),
                participants: Vec::new(),
                unlisted_participants: UnlistedParticipants::default(),
                visibility: Visibility::Published,
                internal_notes: None,
            },
            false,
            None,
        )?;
        store(
            conn,
            StrategyFields {
                title: bilingual(
                    "Stratégie d'exportation du secteur IT/BPO",
                    "IT/BPO sector export strategy",
                ),
                summary: None,
                framework: Some("Plan Sénégal Numérique 2016-2025".into()),
                programme_id: psn,
                start_year: None,
                end_year: None,
                status: StrategyStatus::InPreparation,
                objectives: Vec::new(),
                visibility: Visibility::Published,
                internal_notes: None,
            },
            false,
            None,
        )?;
        Ok(3)
    })
}

/// Example barriers and actions for demonstrations, marked `is_sample`, published so that a
/// partner's view shows them too. Loaded with the demonstration firms.
pub fn load_samples(conn: &mut DbConnection) -> Result<(), ApiError> {
    let filter = EntryFilter {
        drafts: true,
        ..EntryFilter::default()
    };
    let Some(plan) = strategy::list::<StrategyFields>(conn, &filter, None, 1)?
        .into_iter()
        .next()
    else {
        return Ok(());
    };
    let bandwidth = store(
        conn,
        BarrierFields {
            statement: bilingual(
                "Exemple : coût élevé de la bande passante internationale pour les centres de contacts.",
                "Example: high cost of international bandwidth for contact centres.",
            ),
            level: Level::Institutional,
            theme: Theme::Connectivity,
            services: vec!["bpo".into()],
            consultations: Vec::new(),
            severity: Severity::High,
            status: BarrierStatus::Identified,
            visibility: Visibility::Published,
            internal_notes: None,
        },
        true,
        None,
    )?;
    store(
        conn,
        BarrierFields {
            statement: bilingual(
                "Exemple : peu d'entreprises certifiées ISO/IEC 27001.",
                "Example: few firms certified ISO/IEC 27001.",
            ),
            level: Level::Firm,
            theme: Theme::QualityCertification,
            services: Vec::new(),
            consultations: Vec::new(),
            severity: Severity::Medium,
            status: BarrierStatus::Identified,
            visibility: Visibility::Published,
            internal_notes: None,
        },
        true,
        None,
    )?;
    let lead_id = id_of(conn, "optic")?;
    let partner_ids = id_of(conn, "asepex")?.into_iter().collect();
    store(
        conn,
        ActionFields {
            objective: None,
            title: bilingual(
                "Exemple : négocier un tarif de bande passante pour les exportateurs de services.",
                "Example: negotiate a bandwidth tariff for service exporters.",
            ),
            description: None,
            barriers: vec![bandwidth],
            lead_id,
            partner_ids,
            start_date: Some(date(2027, 1, 1)),
            due_date: Some(date(2027, 12, 31)),
            status: ActionStatus::Planned,
            priority: Priority::High,
            budget: None,
            funder_id: None,
            indicators: vec![Indicator {
                name: "Exemple : coût mensuel d'un lien de 100 Mbit/s".into(),
                unit: "XOF".into(),
                baseline: 1_500_000.0,
                target: 750_000.0,
                measurements: Vec::new(),
            }],
            visibility: Visibility::Published,
            internal_notes: None,
        },
        true,
        Some(plan.id),
    )?;
    Ok(())
}
