//! The export promotion agency's matchmaking desk: buyer requests, rankings, saved matches and
//! their outcomes, and the counts of what came of them.

pub mod directory_stats;
pub mod matches;
pub mod requests;
mod series_csv;
pub mod shortlist;
pub(crate) mod shortlist_files;
pub mod stats;
