//! Integration tests: the real server over HTTP, on SQLite and (when configured) PostgreSQL.

mod helpers;

mod access;
mod budgets;
mod changes;
mod compatibility;
mod compose;
mod concurrency;
mod configuration;
mod cors;
mod credentials;
mod directory;
mod examples;
mod health;
mod imports;
mod invitations;
mod keys;
mod languages;
mod lifecycle;
mod lockout;
mod login;
mod matching;
mod openapi;
mod oracle;
mod problems;
mod relevance;
mod screening;
mod search;
mod security_events;
mod sessions;
mod strategy;
mod tokens;
mod users;
