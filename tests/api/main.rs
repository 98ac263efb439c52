//! Integration tests: the real server over HTTP, on SQLite and (when configured) PostgreSQL.

mod helpers;

mod compose;
mod configuration;
mod health;
mod lifecycle;
mod openapi;
mod problems;
