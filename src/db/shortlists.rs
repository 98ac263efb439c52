//! What a shortlist is read from, and the record of personal data leaving with one.

use std::collections::HashMap;

use serde::Serialize;

use super::audit::{self, Change};
use super::{DbConnection, buyer_matches, buyer_requests, items, organizations};
use crate::domain::buyer_request::{BuyerRequest, SavedMatch};
use crate::domain::caller::Caller;
use crate::domain::include::{Include, Records};
use crate::domain::organization::Organization;
use crate::domain::role::Role;
use crate::domain::shortlist::is_listed;
use crate::domain::visibility::Viewer;
use crate::error::ApiError;

/// The saved matches of a request in the agency's order, their organizations and the records
/// a shortlist shows (contacts only when asked for).
pub struct Sources {
    pub matches: Vec<SavedMatch>,
    pub organizations: Vec<Organization>,
    pub records: HashMap<String, Records>,
}

/// Reads what the shortlist of `request` is made of.
pub fn sources(
    conn: &mut DbConnection,
    request: &BuyerRequest,
    with_contacts: bool,
) -> Result<Sources, ApiError> {
    let matches: Vec<SavedMatch> = buyer_matches::of_request(conn, &request.id)?
        .into_iter()
        .filter(is_listed)
        .collect();
    let ids: Vec<&str> = matches.iter().map(|m| m.organization_id.as_str()).collect();
    let organizations = organizations::find_many(conn, &ids)?;
    let include = Include {
        capabilities: true,
        markets: true,
        certifications: true,
        contacts: with_contacts,
        ..Include::default()
    };
    let records = items::records_of(conn, &ids, include, Viewer::new(Role::Agency))?;
    Ok(Sources {
        matches,
        organizations,
        records,
    })
}

/// One contact person handed to a buyer.
#[derive(Serialize)]
pub struct Shared<'a> {
    pub organization_id: &'a str,
    pub contact_id: &'a str,
}

/// What the request's history keeps of a shortlist that carried contact persons: which, in
/// which format; the persons' details stay in their own records.
#[derive(Serialize)]
struct Handover<'a> {
    format: &'a str,
    contacts: &'a [Shared<'a>],
}

/// Records in the request's history that `actor` took these contact persons out of the
/// directory with a shortlist.
pub fn record_shared(
    conn: &mut DbConnection,
    request: &BuyerRequest,
    actor: &Caller,
    format: &str,
    contacts: &[Shared<'_>],
) -> Result<(), ApiError> {
    let change = Change {
        actor,
        entity_kind: buyer_requests::KIND,
        entity_id: &request.id,
        organization_id: None,
        programme_id: None,
        buyer_request_id: Some(&request.id),
        action: "contacts_shared",
    };
    audit::record(conn, change, None, Some(&Handover { format, contacts }))
}
