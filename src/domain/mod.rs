//! Domain types, validation rules and pure logic; no HTTP, no SQL.

pub mod identity;
pub mod role;
pub mod validation;
