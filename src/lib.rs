//! annuaire: the stakeholder directory of Senegal's IT/BPO export sector, as a JSON REST API.

pub mod auth;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod facets;
pub mod http;
pub mod import;
pub mod openapi;
pub mod routes;
pub mod seed;
pub mod server;
pub mod signing;
pub mod telemetry;
