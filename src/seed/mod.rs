//! Data the service loads itself: the sector's reference stakeholders and the record of its
//! export strategy on every start (once),
//! sample firms for demonstrations, and synthetic firms for benchmarks.

mod demo;
mod sample;
mod stakeholders;
mod strategy_record;
mod synthetic;
mod writer;

pub use demo::load_demo;
pub use stakeholders::load_stakeholders;
pub use strategy_record::{load_samples as load_strategy_samples, load_strategy_record};
pub use synthetic::load_synthetic;
