//! Roles, and which of them a route admits.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a user or API key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Users, keys, everything.
    Admin,
    /// Writes and publishes directory entries.
    Curator,
    /// The export promotion agency: reads everything, including contacts; buyer matching.
    Agency,
    /// Partner portals: published entries, public fields only.
    Partner,
    /// A firm's own representative, bound to its organization (the user's `organization_id`):
    /// reads that organization in full and proposes changes to it; sees others as partners do.
    Representative,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Curator,
        Role::Agency,
        Role::Partner,
        Role::Representative,
    ];

    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Curator => "curator",
            Role::Agency => "agency",
            Role::Partner => "partner",
            Role::Representative => "representative",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == value)
            .ok_or_else(|| {
                format!("unknown role `{value}`; expected admin, curator, agency, partner or representative")
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            assert_eq!(serde_json::to_value(role).unwrap(), role.as_str());
        }
        assert!("root".parse::<Role>().is_err());
    }
}
