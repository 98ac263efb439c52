//! The texts an organization is found by, kept beside it: rewritten when it or its
//! capabilities change, written in bulk for new ones.

use diesel::prelude::*;

use crate::db::schema::{search_documents, taxonomy_terms};
use crate::db::{DbConnection, organizations};
use crate::domain::items::CapabilityFields;
use crate::domain::search;
use crate::error::ApiError;

/// Recomputes the text an organization is found by, after it or its capabilities changed.
pub fn refresh(conn: &mut DbConnection, organization_id: &str) -> Result<(), ApiError> {
    let Some(org) = organizations::find(conn, organization_id)? else {
        return Ok(());
    };
    let capabilities = <CapabilityFields as crate::db::items::ItemStore>::load(conn, organization_id)?;
    let fields: Vec<CapabilityFields> = capabilities.into_iter().map(|c| c.fields).collect();
    let codes: Vec<&str> = fields.iter().map(|c| c.service_code.as_str()).collect();
    let labels: Vec<(String, String)> = taxonomy_terms::table
        .filter(taxonomy_terms::code.eq_any(&codes))
        .select((taxonomy_terms::label_fr, taxonomy_terms::label_en))
        .load(conn)?;
    let (primary, secondary, body) = search::document(&org.fields, &fields, &labels);
    // Rewritten in place: the document keeps its rowid, by which SQLite orders a relevance tier.
    let rewritten = diesel::update(search_documents::table.find(organization_id))
        .set((
            search_documents::primary_text.eq(&primary),
            search_documents::secondary_text.eq(&secondary),
            search_documents::body_text.eq(&body),
        ))
        .execute(conn)?;
    if rewritten == 0 {
        insert_documents(conn, &[(organization_id.to_owned(), (primary, secondary, body))])?;
    }
    Ok(())
}

/// Stores search documents for new organizations.
pub fn insert_documents(
    conn: &mut DbConnection,
    documents: &[(String, (String, String, String))],
) -> Result<(), ApiError> {
    let rows: Vec<_> = documents
        .iter()
        .map(|(id, (primary, secondary, body))| {
            (
                search_documents::organization_id.eq(id),
                search_documents::primary_text.eq(primary),
                search_documents::secondary_text.eq(secondary),
                search_documents::body_text.eq(body),
            )
        })
        .collect();
    crate::db::batch_insert!(conn, search_documents::table, rows)?;
    Ok(())
}
