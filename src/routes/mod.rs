//! HTTP routes. Handlers stay thin: they extract, call `auth`, `domain` or `db`, and shape
//! the answer.

mod api_keys;
mod auth;
mod health;
mod users;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented route; the OpenAPI document is collected from the same calls.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(auth::login)
        .service(auth::refresh)
        .service(auth::logout)
        .service(users::me)
        .service(users::change_password)
        .service(users::create_user)
        .service(users::list_users)
        .service(users::get_user)
        .service(users::update_user)
        .service(api_keys::create_api_key)
        .service(api_keys::list_api_keys)
        .service(api_keys::revoke_api_key);
}
