//! Closed vocabularies of the directory, stored and serialised as snake_case words.

/// Declares an enum of snake_case words with its `as_str`, `FromStr`, serde and OpenAPI forms.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
                 serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every word, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and serialised word.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;

            fn from_str(value: &str) -> Result<Self, String> {
                $name::ALL.iter().copied().find(|v| v.as_str() == value).ok_or_else(|| {
                    let words: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                    format!("must be one of {}", words.join(", "))
                })
            }
        }
    };
}

vocabulary! {
    /// What an organization is.
    OrganizationKind {
        /// A company delivering IT/BPO services.
        Firm => "firm",
        /// A ministry or public agency.
        PublicBody => "public_body",
        /// A professional body or association.
        Association => "association",
        /// An international organization.
        InternationalOrg => "international_org",
        /// A funder.
        Donor => "donor",
        /// A school or training centre.
        TrainingInstitution => "training_institution",
    }
}

vocabulary! {
    /// Where a record is in its life: only `published` ones reach partners.
    Status {
        /// Being written; visible to staff only.
        Draft => "draft",
        /// Submitted for review; visible to staff only.
        InReview => "in_review",
        /// Public.
        Published => "published",
        /// Withdrawn for good; visible to staff only.
        Archived => "archived",
    }
}

vocabulary! {
    /// How a service is delivered to a foreign client.
    DeliveryMode {
        /// From Senegal to a distant market.
        Offshore => "offshore",
        /// From Senegal to a nearby market (same time zone band).
        Nearshore => "nearshore",
        /// At the client's premises.
        Onsite => "onsite",
        /// By people working remotely.
        Remote => "remote",
    }
}

vocabulary! {
    /// An organization's presence in a market.
    MarketKind {
        /// Clients served there.
        Served => "served",
        /// A market the organization is aiming for.
        Target => "target",
        /// An office there.
        Office => "office",
    }
}

vocabulary! {
    /// How one organization relates to another.
    RelationshipKind {
        /// Member of an association.
        MemberOf => "member_of",
        /// Partner of.
        PartnerOf => "partner_of",
        /// Under the supervision of.
        SupervisedBy => "supervised_by",
        /// Funded by.
        FundedBy => "funded_by",
        /// Implements (a project or policy of).
        Implements => "implements",
    }
}

vocabulary! {
    /// The part an organization plays in a programme.
    ParticipantRole {
        /// Provides the money.
        Funder => "funder",
        /// Carries it out.
        Implementer => "implementer",
        /// Takes part.
        Partner => "partner",
        /// Backs it politically.
        Sponsor => "sponsor",
    }
}

vocabulary! {
    /// Kinds of registry identifier.
    RegistryScheme {
        /// Senegal's tax and statistical identifier (NINEA).
        Ninea => "ninea",
        /// Senegal's trade and personal property credit register number (RCCM).
        Rccm => "rccm",
        /// Legal Entity Identifier (ISO 17442).
        Lei => "lei",
    }
}

vocabulary! {
    /// Where a buyer request stands. `closed_won`, `closed_lost` and `cancelled` are final.
    RequestStatus {
        /// Recorded; firms being looked for.
        Open => "open",
        /// Firms chosen and being introduced.
        Shortlisting => "shortlisting",
        /// The buyer contracted a proposed firm.
        ClosedWon => "closed_won",
        /// The buyer contracted no proposed firm.
        ClosedLost => "closed_lost",
        /// The buyer withdrew the need.
        Cancelled => "cancelled",
    }
}

vocabulary! {
    /// Where the introduction of one firm to a buyer stands. `declined`, `won` and `lost` are
    /// final.
    MatchStatus {
        /// Saved from a ranking.
        Proposed => "proposed",
        /// Kept for the buyer.
        Shortlisted => "shortlisted",
        /// Put in touch with the buyer.
        Introduced => "introduced",
        /// Set aside, by the agency, the firm or the buyer.
        Declined => "declined",
        /// The buyer contracted the firm.
        Won => "won",
        /// The buyer chose otherwise after the introduction.
        Lost => "lost",
    }
}

vocabulary! {
    /// The unit of a capacity.
    CapacityUnit {
        /// Contact-centre seats.
        Seats => "seats",
        /// Full-time equivalents.
        Fte => "fte",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_and_unknown_ones_list_the_choices() {
        for kind in OrganizationKind::ALL {
            assert_eq!(kind.as_str().parse::<OrganizationKind>(), Ok(*kind));
        }
        let err = "company".parse::<OrganizationKind>().unwrap_err();
        assert!(err.contains("firm, public_body"), "{err}");
        assert_eq!(serde_json::to_value(Status::InReview).unwrap(), "in_review");
    }
}

vocabulary! {
    /// How a curator checked an organization against its sources.
    VerificationMethod {
        /// Looked up in a public register (NINEA, RCCM, LEI).
        RegistryLookup => "registry_lookup",
        /// Checked documents the organization sent.
        DocumentCheck => "document_check",
        /// Visited its premises.
        SiteVisit => "site_visit",
        /// Called it.
        Phone => "phone",
    }
}

vocabulary! {
    /// What changed since a verification, so that it no longer vouches for the entry.
    LapseCause {
        /// The usual name.
        Name => "name",
        /// The registry identifiers.
        RegistryIds => "registry_ids",
        /// A capability's capacity figures.
        Capacity => "capacity",
    }
}

pub(crate) use vocabulary;
