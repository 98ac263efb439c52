//! HTTP plumbing shared by every route: middleware, extractors and the fallback service.

pub mod client;
pub mod etag;
pub mod fallback;
pub mod faults;
mod french;
pub mod gate;
pub mod json;
pub mod language;
pub mod pagination;
pub mod problem;
pub mod rate_limit;
pub mod request_id;
