//! Matching firms to a foreign buyer's need: hard constraints rule firms out, named and weighted
//! criteria score the rest, and every point comes with its reason in French and English. Pure
//! functions; the database only narrows the candidates.

pub mod candidate;
pub mod criteria;
pub mod explain;
pub mod profile;
pub mod ranking;
pub mod scoring;
pub mod verification;

#[cfg(test)]
mod tests;
