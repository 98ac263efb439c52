//! Review of directory entries: the thread of submissions, decisions and comments on an
//! organization, the queue of what waits for a decision, and the four-eyes rule.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::caller::CallerKind;
use super::validation::{Violations, text};
use super::vocab::OrganizationKind;
use crate::error::ApiError;

/// Longest review comment, in characters.
const MAX_COMMENT: usize = 5000;

/// What an entry of a review thread records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewKind {
    /// The entry was sent for review.
    Submitted,
    /// A reviewer approved it; it was published.
    Approved,
    /// A reviewer sent it back to draft, saying why.
    ChangesRequested,
    /// A remark, with no change of status.
    Comment,
    /// A curator approved and applied a representative's proposal.
    ProposalApproved,
    /// A curator turned down a representative's proposal, saying why.
    ProposalRejected,
}

impl ReviewKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewKind::Submitted => "submitted",
            ReviewKind::Approved => "approved",
            ReviewKind::ChangesRequested => "changes_requested",
            ReviewKind::Comment => "comment",
            ReviewKind::ProposalApproved => "proposal_approved",
            ReviewKind::ProposalRejected => "proposal_rejected",
        }
    }

    /// The kind of a stored name.
    pub fn parse(name: &str) -> Result<Self, ApiError> {
        [
            ReviewKind::Submitted,
            ReviewKind::Approved,
            ReviewKind::ChangesRequested,
            ReviewKind::Comment,
            ReviewKind::ProposalApproved,
            ReviewKind::ProposalRejected,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == name)
        .ok_or_else(|| ApiError::internal(format!("unknown review kind `{name}`")))
    }
}

/// The body of a review decision or remark.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"comment": "Le NINEA ne correspond pas au registre ; merci de le corriger."}))]
pub struct ReviewComment {
    /// What the reviewer says, 1 to 5,000 characters; line breaks allowed. Required to request
    /// changes and for a remark, optional on approval.
    #[serde(default)]
    pub comment: Option<String>,
}

impl ReviewComment {
    /// The comment, checked; `required` makes its absence a 422.
    pub fn checked(self, required: bool) -> Result<Option<String>, ApiError> {
        let mut v = Violations::default();
        match &self.comment {
            None if required => v.add("comment", "is required: say what must change"),
            None => {}
            Some(comment) => {
                // Line breaks and tabs are the comment's own layout; other controls are not text.
                let flat: String = comment
                    .chars()
                    .map(|c| if matches!(c, '\n' | '\r' | '\t') { ' ' } else { c })
                    .collect();
                v.check("comment", text(&flat, 1, MAX_COMMENT));
            }
        }
        v.finish()?;
        Ok(self.comment)
    }
}

/// Who wrote an entry of a thread.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ReviewAuthor {
    /// The user's or API key's id.
    pub id: String,
    /// User, API key or the service itself.
    pub kind: CallerKind,
    /// The user's email, when the author is a user that still exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// One entry of an organization's review thread.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ReviewEntry {
    /// Stable id.
    pub id: String,
    /// Submission, decision or remark.
    pub kind: ReviewKind,
    /// What was said, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The organization's version the entry speaks of (after the move it records).
    pub version: i32,
    /// Who wrote it.
    pub author: ReviewAuthor,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// An organization's review thread, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewThread {
    /// The entries, oldest first.
    pub items: Vec<ReviewEntry>,
}

/// A field whose value differs from the published version.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(example = json!({"field": "city", "published": "Dakar", "proposed": "Thiès"}))]
pub struct FieldChange {
    /// The field's name, as in the organization's representation.
    pub field: String,
    /// Its published value; absent when it had none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<Value>,
    /// Its value now; absent when it was cleared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed: Option<Value>,
}

/// The fields (of an organization's editable fields, as JSON objects) that differ between
/// the published version and now, in field order of `current`. Everything set is a change
/// for an entry never published.
pub fn field_changes(published: Option<&Value>, current: &Value) -> Vec<FieldChange> {
    let empty = serde_json::Map::new();
    let before = published.and_then(Value::as_object).unwrap_or(&empty);
    let after = current.as_object().unwrap_or(&empty);
    let mut names: Vec<&String> = after.keys().collect();
    names.extend(before.keys().filter(|k| !after.contains_key(*k)));
    let meaningful = |v: Option<&Value>| v.filter(|v| !v.is_null()).cloned();
    names
        .into_iter()
        .filter_map(|name| {
            let (was, now) = (meaningful(before.get(name)), meaningful(after.get(name)));
            (was != now).then(|| FieldChange {
                field: name.clone(),
                published: was,
                proposed: now,
            })
        })
        .collect()
}

/// The organization an item of the review queue is about.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueuedOrganization {
    /// Its id.
    pub id: String,
    /// Its slug.
    pub slug: String,
    /// Its name now.
    pub name: String,
    /// What it is.
    pub kind: OrganizationKind,
}

impl QueuedOrganization {
    /// The organization as the queue names it.
    pub fn of(org: &super::organization::Organization) -> Self {
        QueuedOrganization {
            id: org.id.clone(),
            slug: org.slug.clone(),
            name: org.fields.name.clone(),
            kind: org.fields.kind,
        }
    }
}

/// The proposal an item of the review queue is.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueuedProposal {
    /// Its id: approve or reject it at `/v1/proposals/{id}/…`.
    pub id: String,
    /// The organization's fields, or a kind of its records.
    pub target: super::proposal::ProposalTarget,
    /// Update, create or remove.
    pub operation: super::proposal::ProposalOperation,
    /// The record updated or removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    /// Whether the version it was made against moved: approval would refuse it.
    pub in_conflict: bool,
}

/// The claim an item of the review queue is.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueuedClaim {
    /// Its id: approve or deny it at `/v1/claims/{id}/…`.
    pub id: String,
    /// The claimant's evidence.
    pub evidence: String,
}

/// Something waiting for a reviewer's decision.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueueItem {
    /// What waits: `in_review`, an entry submitted for review; `proposal`, a change a firm's
    /// representative proposed; `claim`, a person's claim to represent the organization.
    pub reason: String,
    /// For `proposal`: which one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposal: Option<QueuedProposal>,
    /// For `claim`: which one, with its evidence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim: Option<QueuedClaim>,
    /// The organization.
    pub organization: QueuedOrganization,
    /// Who asked for the review.
    pub submitted_by: ReviewAuthor,
    /// When they asked; the queue is in this order, oldest first.
    pub submitted_at: DateTime<Utc>,
    /// The organization's version now.
    pub version: i32,
    /// The version partners last saw, if it was ever published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_version: Option<i32>,
    /// The organization's fields that differ from that published version (every field set,
    /// for an entry never published); for a proposal, what it changes (record fields for a
    /// record) against what is there now.
    pub changes: Vec<FieldChange>,
}

impl QueueItem {
    /// Where the queue's order puts it: the time it was asked for, then the id of what waits.
    pub fn key(&self) -> (DateTime<Utc>, &str) {
        let id = match (&self.proposal, &self.claim) {
            (Some(proposal), _) => proposal.id.as_str(),
            (None, Some(claim)) => claim.id.as_str(),
            (None, None) => self.organization.id.as_str(),
        };
        (self.submitted_at, id)
    }
}

/// How reviews are decided, from the settings.
#[derive(Debug, Clone, Copy)]
pub struct ReviewRules {
    /// Whoever submitted an entry cannot approve it.
    pub four_eyes: bool,
    /// Days a verification stays in force.
    pub verification_valid_days: u32,
}

/// The thread entry an action writes, if any: submissions and decisions on entries in review.
pub fn entry_of(action: super::organization::Action, from: super::vocab::Status) -> Option<ReviewKind> {
    use super::organization::Action;
    match action {
        Action::Submit => Some(ReviewKind::Submitted),
        Action::RequestChanges => Some(ReviewKind::ChangesRequested),
        _ if action.approves_review(from) => Some(ReviewKind::Approved),
        _ => None,
    }
}

/// The four-eyes rule: whether `reviewer` may decide on an entry `submitter` sent for review.
pub fn may_decide(four_eyes: bool, submitter: Option<&str>, reviewer: &str) -> Result<(), ApiError> {
    if four_eyes && submitter == Some(reviewer) {
        return Err(ApiError::Conflict(
            "You submitted this entry for review; under the four-eyes rule another curator must decide on it."
                .into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changes_list_set_changed_and_cleared_fields_only() {
        let published = json!({"name": "A", "city": "Dakar", "phone": "+221", "website": null});
        let current = json!({"name": "A", "city": "Thiès", "region": "Thiès", "website": null});
        let changes = field_changes(Some(&published), &current);
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["city", "region", "phone"]);
        assert_eq!(changes[2].proposed, None);
        assert_eq!(field_changes(None, &json!({"name": "A"})).len(), 1);
    }

    #[test]
    fn comments_are_checked_and_required_when_asked() {
        let none = ReviewComment::default();
        assert!(none.clone().checked(true).is_err());
        assert_eq!(none.checked(false).unwrap(), None);
        let lines = ReviewComment {
            comment: Some("Ligne 1\nLigne 2".into()),
        };
        assert!(lines.checked(true).is_ok());
        for bad in ["   ", "a\u{0}b"] {
            let comment = ReviewComment {
                comment: Some(bad.into()),
            };
            assert!(comment.checked(true).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_submitter_cannot_decide_under_four_eyes() {
        assert!(may_decide(true, Some("u1"), "u1").is_err());
        assert!(may_decide(true, Some("u1"), "u2").is_ok());
        assert!(may_decide(false, Some("u1"), "u1").is_ok());
        assert!(may_decide(true, None, "u1").is_ok());
    }
}
