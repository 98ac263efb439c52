//! The controlled list of barrier themes, with their labels in French and English.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::vocab::vocabulary;

vocabulary! {
    /// What a barrier is about.
    Theme {
        /// Skills and training.
        Skills => "skills",
        /// Access to finance.
        Finance => "finance",
        /// Connectivity and the cost of bandwidth.
        Connectivity => "connectivity",
        /// Certification and quality.
        QualityCertification => "quality_certification",
        /// Market access and visibility.
        MarketAccess => "market_access",
        /// Data protection and the legal framework.
        LegalFramework => "legal_framework",
        /// Taxation.
        Taxation => "taxation",
        /// Coordination between the sector's actors.
        Coordination => "coordination",
    }
}

/// A theme with its labels.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThemeLabel {
    /// The code barriers carry.
    pub code: Theme,
    /// French label.
    pub name_fr: &'static str,
    /// English label.
    pub name_en: &'static str,
}

impl Theme {
    /// Its labels, French then English.
    pub fn labels(self) -> (&'static str, &'static str) {
        match self {
            Theme::Skills => ("Compétences", "Skills"),
            Theme::Finance => ("Accès au financement", "Access to finance"),
            Theme::Connectivity => (
                "Connectivité et coût de la bande passante",
                "Connectivity and cost of bandwidth",
            ),
            Theme::QualityCertification => ("Certification et qualité", "Certification and quality"),
            Theme::MarketAccess => ("Accès aux marchés et visibilité", "Market access and visibility"),
            Theme::LegalFramework => (
                "Protection des données et cadre juridique",
                "Data protection and legal framework",
            ),
            Theme::Taxation => ("Fiscalité", "Taxation"),
            Theme::Coordination => ("Coordination", "Coordination"),
        }
    }
}

/// Every theme with its labels, in the list's order.
pub fn all() -> Vec<ThemeLabel> {
    Theme::ALL
        .iter()
        .map(|&code| {
            let (name_fr, name_en) = code.labels();
            ThemeLabel {
                code,
                name_fr,
                name_en,
            }
        })
        .collect()
}
