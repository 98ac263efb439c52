//! Data the service loads itself: the sector's reference stakeholders on every start (once),
//! sample firms for demonstrations, and synthetic firms for benchmarks.

mod demo;
mod sample;
mod stakeholders;
mod synthetic;
mod writer;

pub use demo::load_demo;
pub use stakeholders::load_stakeholders;
pub use synthetic::load_synthetic;
