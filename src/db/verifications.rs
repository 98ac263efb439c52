//! Verifications that are due: lapsed, or lapsing soon.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::organizations as o;
use crate::domain::duplicates::OrganizationRef;
use crate::domain::verification::DueVerification;
use crate::domain::vocab::Status;
use crate::error::ApiError;

type Row = (
    String,
    String,
    String,
    String,
    chrono::NaiveDateTime,
    Option<String>,
    Option<NaiveDate>,
    Option<String>,
);

/// Organizations (archived ones aside) whose verification's last day in force is on or before
/// `by`, soonest first, after `after` (a last day and an id), at most `limit`.
pub fn due(
    conn: &mut DbConnection,
    by: NaiveDate,
    today: NaiveDate,
    after: Option<(NaiveDate, String)>,
    limit: i64,
) -> Result<Vec<DueVerification>, ApiError> {
    let mut query = o::table
        .filter(o::verified_until.le(by))
        .filter(o::status.ne(Status::Archived.as_str()))
        .order((o::verified_until, o::id))
        .select((
            o::id,
            o::slug,
            o::name,
            o::status,
            o::verified_at.assume_not_null(),
            o::verification_method,
            o::verified_until,
            o::verification_lapsed_by,
        ))
        .limit(limit)
        .into_boxed();
    if let Some((day, id)) = after {
        query = query.filter(
            o::verified_until
                .gt(day)
                .or(o::verified_until.eq(day).and(o::id.gt(id))),
        );
    }
    let rows: Vec<Row> = query.load(conn)?;
    rows.into_iter()
        .map(
            |(id, slug, name, status, verified_at, method, until, lapsed_by)| {
                let valid_until =
                    until.ok_or_else(|| ApiError::internal("a due verification without its last day"))?;
                Ok(DueVerification {
                    organization: OrganizationRef {
                        id,
                        slug,
                        name,
                        status: status.parse().map_err(ApiError::internal)?,
                    },
                    verified_at: verified_at.and_utc(),
                    method: method
                        .map(|m| m.parse())
                        .transpose()
                        .map_err(ApiError::internal)?,
                    valid_until,
                    in_force: crate::domain::verification::in_force(valid_until, today),
                    lapsed_by: lapsed_by
                        .map(|c| c.parse())
                        .transpose()
                        .map_err(ApiError::internal)?,
                })
            },
        )
        .collect()
}
