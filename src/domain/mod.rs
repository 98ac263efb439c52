//! Domain types, validation rules and pure logic; no HTTP, no SQL.

pub mod buyer_request;
pub mod caller;
pub mod checks;
pub mod claim;
pub mod duplicates;
pub mod facets;
pub mod fieldset;
pub mod identity;
pub mod include;
pub mod items;
pub mod language;
pub mod lookup;
pub mod matching;
pub mod merge_patch;
pub mod organization;
pub mod programme;
#[cfg(test)]
mod properties;
pub mod proposal;
pub mod query_params;
pub mod reference;
pub mod request_query;
pub mod review;
pub mod role;
pub mod search;
pub mod security;
pub mod shortlist;
pub mod stats;
pub mod strategy;
pub mod validation;
pub mod validity;
pub mod verification;
pub mod visibility;
pub mod vocab;
