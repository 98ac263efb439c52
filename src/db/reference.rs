//! Loads the controlled lists.

use diesel::prelude::*;

use super::DbConnection;
use super::schema::{certification_schemes, countries, languages, taxonomy_terms};
use crate::domain::reference::{CodedName, Reference, TaxonomyTerm};
use crate::error::ApiError;

type TermRow = (
    String,
    Option<String>,
    i32,
    String,
    String,
    String,
    String,
    String,
    String,
);

/// Every list, in display order.
pub fn load(conn: &mut DbConnection) -> Result<Reference, ApiError> {
    let terms: Vec<TermRow> = taxonomy_terms::table
        .select((
            taxonomy_terms::code,
            taxonomy_terms::parent_code,
            taxonomy_terms::level,
            taxonomy_terms::label_fr,
            taxonomy_terms::label_en,
            taxonomy_terms::isic_class,
            taxonomy_terms::isic_label,
            taxonomy_terms::ebops_code,
            taxonomy_terms::ebops_label,
        ))
        .order((taxonomy_terms::level, taxonomy_terms::position))
        .load(conn)?;
    let taxonomy = terms
        .into_iter()
        .map(
            |(
                code,
                parent_code,
                level,
                label_fr,
                label_en,
                isic_class,
                isic_label,
                ebops_code,
                ebops_label,
            )| {
                TaxonomyTerm {
                    code,
                    parent_code,
                    level,
                    label_fr,
                    label_en,
                    isic_class,
                    isic_label,
                    ebops_code,
                    ebops_label,
                }
            },
        )
        .collect();
    let named = |rows: Vec<(String, String, String)>| {
        rows.into_iter()
            .map(|(code, name_fr, name_en)| CodedName {
                code,
                name_fr,
                name_en,
            })
            .collect()
    };
    let countries = named(
        countries::table
            .select((countries::code, countries::name_fr, countries::name_en))
            .order(countries::code)
            .load(conn)?,
    );
    let languages = named(
        languages::table
            .select((languages::code, languages::name_fr, languages::name_en))
            .order(languages::code)
            .load(conn)?,
    );
    let schemes = named(
        certification_schemes::table
            .select((
                certification_schemes::code,
                certification_schemes::label_fr,
                certification_schemes::name,
            ))
            .order(certification_schemes::code)
            .load(conn)?,
    );
    Ok(Reference::new(taxonomy, countries, languages, schemes))
}
