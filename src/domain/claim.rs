//! Claims to represent an organization: a person with a representative's account who is not
//! yet bound to one says which organization is theirs and on what evidence; a curator's
//! approval binds the account to it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::review::ReviewAuthor;
use super::validation::{Violations, text};
use crate::error::ApiError;

/// Longest evidence, in characters.
const MAX_EVIDENCE: usize = 5000;

/// Where a claim stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    /// Waiting for a curator.
    Pending,
    /// A curator approved it: the account represents the organization.
    Approved,
    /// A curator turned it down, saying why.
    Denied,
    /// Closed without a decision on it: another claim of the same person was approved.
    Withdrawn,
}

impl ClaimStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::Pending => "pending",
            ClaimStatus::Approved => "approved",
            ClaimStatus::Denied => "denied",
            ClaimStatus::Withdrawn => "withdrawn",
        }
    }

    /// The status of a stored name.
    pub fn parse(name: &str) -> Result<Self, ApiError> {
        [
            ClaimStatus::Pending,
            ClaimStatus::Approved,
            ClaimStatus::Denied,
            ClaimStatus::Withdrawn,
        ]
        .into_iter()
        .find(|status| status.as_str() == name)
        .ok_or_else(|| ApiError::internal(format!("unknown claim status `{name}`")))
    }
}

/// The body of a claim.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"evidence": "Je suis la gérante ; NINEA 004567890 au registre, courriel depuis le domaine de l'entreprise."}))]
pub struct ClaimRequest {
    /// Why the organization is yours, for the curator to check: 1 to 5,000 characters.
    pub evidence: String,
}

impl ClaimRequest {
    /// The evidence, checked.
    pub fn checked(self) -> Result<String, ApiError> {
        let mut v = Violations::default();
        let flat: String = self
            .evidence
            .chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .collect();
        v.check("evidence", text(&flat, 1, MAX_EVIDENCE));
        v.finish()?;
        Ok(self.evidence)
    }
}

/// A claim, as the claimant and curators see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Claim {
    /// Stable id.
    pub id: String,
    /// The organization claimed.
    pub organization_id: String,
    /// Who claims it.
    pub claimant: ReviewAuthor,
    /// Their evidence.
    pub evidence: String,
    /// Pending, approved, denied or withdrawn.
    pub status: ClaimStatus,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// Who decided it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<ReviewAuthor>,
    /// When.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<DateTime<Utc>>,
    /// The curator's reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision_comment: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_is_required_and_bounded() {
        let claim = |evidence: &str| {
            ClaimRequest {
                evidence: evidence.into(),
            }
            .checked()
        };
        assert!(claim("Gérante depuis 2015.\nNINEA au registre.").is_ok());
        assert!(claim("   ").is_err());
        assert!(claim(&"x".repeat(5001)).is_err());
        for status in [ClaimStatus::Pending, ClaimStatus::Withdrawn] {
            assert_eq!(ClaimStatus::parse(status.as_str()).unwrap(), status);
        }
    }
}
