//! HTTP routes. Handlers stay thin: they extract, call `auth`, `domain` or `db`, and shape
//! the answer.

mod api_keys;
mod auth;
mod changes;
mod directory;
mod health;
mod import_body;
mod imports;
mod invitations;
mod matching;
mod security_events;
mod strategy;
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
        .service(api_keys::revoke_api_key)
        .service(security_events::list_security_events)
        .service(invitations::create_invitation)
        .service(invitations::accept_invitation)
        .service(invitations::issue_password_reset)
        .service(invitations::reset_password)
        .service(imports::xlsx_template)
        .service(imports::csv_template)
        .service(imports::create_import)
        .service(imports::list_imports)
        .service(imports::get_import)
        .service(imports::cancel_import)
        .configure(directory_routes)
        .configure(matching_routes)
        .configure(strategy_routes);
}

fn strategy_routes(cfg: &mut ServiceConfig) {
    use strategy::{actions, barriers, consultations, export, strategies};
    cfg.service(consultations::create_consultation)
        .service(consultations::list_consultations)
        .service(consultations::get_consultation)
        .service(consultations::update_consultation)
        .service(consultations::delete_consultation)
        .service(consultations::consultation_history)
        .service(barriers::barrier_themes)
        .service(barriers::create_barrier)
        .service(barriers::list_barriers)
        // Before `/v1/barriers/{id}`, which would take `summary` for an id.
        .service(barriers::barrier_summary)
        .service(barriers::get_barrier)
        .service(barriers::update_barrier)
        .service(barriers::delete_barrier)
        .service(barriers::barrier_history)
        .service(strategies::create_strategy)
        .service(strategies::list_strategies)
        .service(strategies::get_strategy)
        .service(strategies::update_strategy)
        .service(strategies::delete_strategy)
        .service(strategies::strategy_progress)
        .service(strategies::strategy_history)
        .service(actions::create_action)
        .service(actions::list_actions)
        // Before `/v1/strategies/{id}/actions/{action_id}`, which would take `export`.
        .service(export::export_actions)
        .service(actions::get_action)
        .service(actions::update_action)
        .service(actions::delete_action)
        .service(actions::action_history);
}

fn matching_routes(cfg: &mut ServiceConfig) {
    use matching::{directory_stats, matches, requests, shortlist, stats};
    cfg.service(requests::create_buyer_request)
        .service(requests::list_buyer_requests)
        .service(requests::get_buyer_request)
        .service(requests::update_buyer_request)
        .service(requests::delete_buyer_request)
        .service(requests::buyer_request_history)
        .service(matches::rank_for_request)
        .service(matches::list_saved_matches)
        .service(matches::save_match)
        .service(matches::update_match)
        .service(matches::preview_matches)
        .service(shortlist::get_shortlist)
        .service(stats::matching_stats)
        .service(directory_stats::get_directory_stats);
}

fn directory_routes(cfg: &mut ServiceConfig) {
    use directory::{
        claims, duplicates, merges, organizations as orgs, programmes, proposals, reference, reviews, search,
        verifications, *,
    };
    cfg.service(reference::taxonomy)
        .service(reference::countries)
        .service(reference::languages)
        .service(reference::certification_schemes)
        .service(orgs::create_organization)
        .service(search::list_organizations)
        .service(search::organization_facets)
        .service(changes::changes)
        .service(search::export_organizations)
        .service(get_organization)
        .service(orgs::update_organization)
        .service(organization_history)
        .service(orgs::submit_organization)
        .service(orgs::publish_organization)
        .service(orgs::unpublish_organization)
        .service(orgs::archive_organization)
        .service(orgs::verify_organization)
        .service(reviews::approve_organization)
        .service(reviews::request_changes)
        .service(reviews::list_reviews)
        .service(reviews::add_review_comment)
        .service(reviews::review_queue)
        .service(duplicates::list_duplicates)
        .service(duplicates::dismiss_pair)
        .service(duplicates::lift_dismissal)
        .service(merges::merge_organization)
        .service(verifications::due_verifications)
        .service(proposals::create_proposal)
        .service(proposals::list_proposals)
        .service(proposals::get_proposal)
        .service(proposals::approve_proposal)
        .service(proposals::reject_proposal)
        .service(proposals::withdraw_proposal)
        .service(claims::create_claim)
        .service(claims::list_claims)
        .service(claims::get_claim)
        .service(claims::approve_claim)
        .service(claims::deny_claim)
        .service(list_capabilities)
        .service(create_capability)
        .service(get_capability)
        .service(update_capability)
        .service(delete_capability)
        .service(list_markets)
        .service(create_market)
        .service(get_market)
        .service(update_market)
        .service(delete_market)
        .service(list_certifications)
        .service(create_certification)
        .service(get_certification)
        .service(update_certification)
        .service(delete_certification)
        .service(list_contacts)
        .service(create_contact)
        .service(get_contact)
        .service(update_contact)
        .service(delete_contact)
        .service(list_relationships)
        .service(create_relationship)
        .service(get_relationship)
        .service(update_relationship)
        .service(delete_relationship)
        .service(list_participations)
        .service(create_participation)
        .service(get_participation)
        .service(update_participation)
        .service(delete_participation)
        .service(programmes::create_programme)
        .service(programmes::list_programmes)
        .service(programmes::get_programme)
        .service(programmes::update_programme);
}
