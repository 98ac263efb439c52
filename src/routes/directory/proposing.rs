//! What a proposal would do, worked out against the directory as it is: the same checks as the
//! curators' own writes (merge patch, validation, links), then, on approval, the same writes.

use serde_json::Value;

use super::items::check_links;
use crate::auth::Caller;
use crate::db::items::{self, ItemStore};
use crate::db::proposals::ProposalRow;
use crate::db::{self, DbConnection, Pool, organizations};
use crate::domain::items::{
    CapabilityFields, CertificationFields, ContactFields, Item, MarketFields, ParticipationFields,
    RelationshipFields,
};
use crate::domain::merge_patch;
use crate::domain::organization::Organization;
use crate::domain::proposal::{ProposalOperation, ProposalStatus, ProposalTarget};
use crate::domain::reference::Reference;
use crate::domain::review::{FieldChange, ReviewKind, field_changes};
use crate::domain::verification as verifying;
use crate::error::ApiError;

/// The parts of a proposal that say what it does.
#[derive(Debug, Clone)]
pub struct Intent {
    /// The target.
    pub target: ProposalTarget,
    /// The operation.
    pub operation: ProposalOperation,
    /// The record, for a record's update or removal.
    pub record_id: Option<String>,
    /// The version it was made against.
    pub base_version: Option<i32>,
    /// The patch or the new record's fields.
    pub changes: Option<Value>,
}

impl Intent {
    /// The intent of a stored proposal.
    pub fn of(row: &ProposalRow) -> Result<Self, ApiError> {
        Ok(Intent {
            target: row.target()?,
            operation: row.operation()?,
            record_id: row.record_id.clone(),
            base_version: row.base_version,
            changes: row.changes()?,
        })
    }
}

/// When a proposal is worked out, which says what a moved version means: a proposal being
/// made names a version no longer there (412); one being approved is in conflict (409).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Moment {
    Proposing,
    Approving,
}

impl Moment {
    fn moved(self, current: Option<i32>, base: Option<i32>) -> ApiError {
        match (self, current) {
            (Moment::Proposing, None) => ApiError::invalid("record_id", "no such record"),
            (Moment::Proposing, Some(_)) => ApiError::PreconditionFailed,
            (Moment::Approving, _) => crate::domain::proposal::conflict(current, base),
        }
    }
}

/// Errors about the proposed fields name them under `changes`.
fn under_changes(err: ApiError) -> ApiError {
    match err {
        ApiError::Validation(mut errors) => {
            for error in &mut errors {
                error.field = match error.field.is_empty() {
                    true => "changes".into(),
                    false => format!("changes.{}", error.field),
                };
            }
            ApiError::Validation(errors)
        }
        other => other,
    }
}

/// The organization as the proposal would leave it.
fn organization_after(
    reference: &Reference,
    org: &Organization,
    intent: &Intent,
    moment: Moment,
) -> Result<Organization, ApiError> {
    if intent.base_version != Some(org.version) {
        return Err(moment.moved(Some(org.version), intent.base_version));
    }
    let patch = intent.changes.clone().unwrap_or(Value::Null);
    let fields = merge_patch::apply(&org.fields, patch).map_err(under_changes)?;
    fields.validate(reference).map_err(under_changes)?;
    let now = db::now().and_utc();
    let changed = Organization {
        fields,
        version: org.version + 1,
        updated_at: now,
        ..org.clone()
    };
    Ok(verifying::after_change(org, changed, now.date_naive()))
}

/// A record write the proposal would make.
enum Planned<F> {
    Create(Item<F>),
    Update(Item<F>, Item<F>),
    Remove(Item<F>),
}

async fn plan<F: ItemStore>(
    pool: &Pool,
    reference: &Reference,
    org: &Organization,
    intent: &Intent,
    moment: Moment,
) -> Result<Planned<F>, ApiError> {
    let changes = intent.changes.clone().unwrap_or(Value::Null);
    if intent.operation == ProposalOperation::Create {
        let fields: F = merge_patch::read(changes).map_err(under_changes)?;
        fields.validate(reference).map_err(under_changes)?;
        check_links(pool, org, &fields).await.map_err(under_changes)?;
        return Ok(Planned::Create(Item::new(&org.id, fields, db::now().and_utc())));
    }
    let (organization_id, id) = (org.id.clone(), intent.record_id.clone().unwrap_or_default());
    let found = db::run(pool, move |conn| items::find::<F>(conn, &organization_id, &id)).await?;
    let Some(before) = found else {
        return Err(moment.moved(None, intent.base_version));
    };
    if intent.base_version != Some(before.version) {
        return Err(moment.moved(Some(before.version), intent.base_version));
    }
    if intent.operation == ProposalOperation::Remove {
        return Ok(Planned::Remove(before));
    }
    let fields = merge_patch::apply(&before.fields, changes).map_err(under_changes)?;
    fields.validate(reference).map_err(under_changes)?;
    check_links(pool, org, &fields).await.map_err(under_changes)?;
    let after = Item {
        fields,
        version: before.version + 1,
        updated_at: db::now().and_utc(),
        ..before.clone()
    };
    Ok(Planned::Update(before, after))
}

/// Checks a proposal being made: it must apply to the directory as it is now.
pub async fn check(
    pool: &Pool,
    reference: &Reference,
    org: &Organization,
    intent: &Intent,
) -> Result<(), ApiError> {
    macro_rules! planned {
        ($fields:ty) => {
            plan::<$fields>(pool, reference, org, intent, Moment::Proposing)
                .await
                .map(|_| ())
        };
    }
    match intent.target {
        ProposalTarget::Organization => {
            organization_after(reference, org, intent, Moment::Proposing).map(|_| ())
        }
        ProposalTarget::Capabilities => planned!(CapabilityFields),
        ProposalTarget::Markets => planned!(MarketFields),
        ProposalTarget::Certifications => planned!(CertificationFields),
        ProposalTarget::Contacts => planned!(ContactFields),
        ProposalTarget::Relationships => planned!(RelationshipFields),
        ProposalTarget::Programmes => planned!(ParticipationFields),
    }
}

/// A write that lost a race to another one is a proposal in conflict, not a stale read.
fn moved_meanwhile(err: ApiError) -> ApiError {
    match err {
        ApiError::PreconditionFailed => {
            ApiError::Conflict("The proposal is in conflict: its target changed as it was approved.".into())
        }
        other => other,
    }
}

/// Applies an approved proposal and records the decision, in one transaction; returns the
/// id of the record a `create` made.
pub async fn approve(
    pool: &Pool,
    reference: &Reference,
    org: Organization,
    row: ProposalRow,
    comment: Option<String>,
    caller: Caller,
) -> Result<Option<String>, ApiError> {
    let intent = Intent::of(&row)?;
    let conflict = Moment::Approving;
    macro_rules! records {
        ($fields:ty) => {{
            let planned = plan::<$fields>(pool, reference, &org, &intent, conflict).await?;
            db::transaction(pool, move |conn| {
                let made = match &planned {
                    Planned::Create(item) => {
                        items::create(conn, item, &caller).map(|_| Some(item.id.clone()))
                    }
                    Planned::Update(before, after) => {
                        items::update(conn, before, after, &caller).map(|_| None)
                    }
                    Planned::Remove(item) => items::delete(conn, item, &caller).map(|_| None),
                }
                .map_err(moved_meanwhile)?;
                decided(conn, &row, comment.as_deref(), made.as_deref(), &caller)?;
                Ok(made)
            })
            .await
        }};
    }
    match intent.target {
        ProposalTarget::Organization => {
            let after = organization_after(reference, &org, &intent, conflict)?;
            db::transaction(pool, move |conn| {
                organizations::save(conn, &org, &after, "updated", &caller).map_err(moved_meanwhile)?;
                decided(conn, &row, comment.as_deref(), None, &caller)?;
                Ok(None)
            })
            .await
        }
        ProposalTarget::Capabilities => records!(CapabilityFields),
        ProposalTarget::Markets => records!(MarketFields),
        ProposalTarget::Certifications => records!(CertificationFields),
        ProposalTarget::Contacts => records!(ContactFields),
        ProposalTarget::Relationships => records!(RelationshipFields),
        ProposalTarget::Programmes => records!(ParticipationFields),
    }
}

/// Records the approval on the proposal and in the organization's review thread, at the
/// version the change made.
fn decided(
    conn: &mut DbConnection,
    row: &ProposalRow,
    comment: Option<&str>,
    made: Option<&str>,
    caller: &Caller,
) -> Result<(), ApiError> {
    db::proposals::decide(conn, &row.id, ProposalStatus::Approved, comment, made, caller)?;
    let org = organizations::find(conn, &row.organization_id)?.ok_or(ApiError::NotFound)?;
    db::reviews::record(
        conn,
        &org.id,
        ReviewKind::ProposalApproved,
        comment,
        org.version,
        caller,
    )
}

/// Whether a pending proposal is in conflict with the directory now, and what it changes
/// against what is there.
pub fn assess(
    conn: &mut DbConnection,
    org: &Organization,
    intent: &Intent,
) -> Result<(bool, Vec<FieldChange>), ApiError> {
    fn record<F: ItemStore>(
        conn: &mut DbConnection,
        org: &Organization,
        intent: &Intent,
    ) -> Result<(bool, Vec<FieldChange>), ApiError> {
        let changes = intent.changes.clone().unwrap_or(Value::Null);
        let current = match &intent.record_id {
            Some(id) => items::find::<F>(conn, &org.id, id)?,
            None => None,
        };
        let as_json = |fields: &F| serde_json::to_value(fields).map_err(ApiError::internal);
        Ok(match (intent.operation, current) {
            (ProposalOperation::Create, _) => (false, field_changes(None, &changes)),
            (_, None) => (true, Vec::new()),
            (ProposalOperation::Remove, Some(item)) => (
                intent.base_version != Some(item.version),
                field_changes(Some(&as_json(&item.fields)?), &Value::Null),
            ),
            (ProposalOperation::Update, Some(item)) => {
                let after = merge_patch::apply(&item.fields, changes).ok();
                let listed = match &after {
                    Some(after) => field_changes(Some(&as_json(&item.fields)?), &as_json(after)?),
                    None => Vec::new(),
                };
                (intent.base_version != Some(item.version), listed)
            }
        })
    }
    match intent.target {
        ProposalTarget::Organization => {
            let changes = intent.changes.clone().unwrap_or(Value::Null);
            let before = serde_json::to_value(&org.fields).map_err(ApiError::internal)?;
            let listed = match merge_patch::apply(&org.fields, changes) {
                Ok(after) => field_changes(
                    Some(&before),
                    &serde_json::to_value(after).map_err(ApiError::internal)?,
                ),
                Err(_) => Vec::new(),
            };
            Ok((intent.base_version != Some(org.version), listed))
        }
        ProposalTarget::Capabilities => record::<CapabilityFields>(conn, org, intent),
        ProposalTarget::Markets => record::<MarketFields>(conn, org, intent),
        ProposalTarget::Certifications => record::<CertificationFields>(conn, org, intent),
        ProposalTarget::Contacts => record::<ContactFields>(conn, org, intent),
        ProposalTarget::Relationships => record::<RelationshipFields>(conn, org, intent),
        ProposalTarget::Programmes => record::<ParticipationFields>(conn, org, intent),
    }
}
