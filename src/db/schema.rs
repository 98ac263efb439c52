//! Table definitions, kept by hand in step with `migrations/`.

mod duplicates;
mod matching;
mod representatives;
mod review;
mod strategy;
pub use duplicates::*;
pub use matching::*;
pub use representatives::*;
pub use review::*;
pub use strategy::*;

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        password_hash -> Text,
        role -> Text,
        organization_id -> Nullable<Text>,
        active -> Bool,
        token_generation -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        family_id -> Text,
        user_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Text,
        prefix -> Text,
        key_hash -> Text,
        label -> Text,
        role -> Text,
        user_id -> Nullable<Text>,
        organization_id -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
        rate_limit_per_minute -> Nullable<Integer>,
        rate_limit_burst -> Nullable<Integer>,
    }
}

diesel::table! {
    login_throttle (scope_key) {
        scope_key -> Text,
        failures -> Integer,
        window_started_at -> Timestamp,
    }
}

diesel::table! {
    one_time_tokens (id) {
        id -> Text,
        purpose -> Text,
        token_hash -> Text,
        email -> Text,
        role -> Nullable<Text>,
        organization_id -> Nullable<Text>,
        user_id -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    security_events (id) {
        id -> Text,
        occurred_at -> Timestamp,
        kind -> Text,
        user_id -> Nullable<Text>,
        email -> Nullable<Text>,
        address -> Text,
        actor_id -> Nullable<Text>,
        detail -> Nullable<Text>,
    }
}

diesel::table! {
    signing_keys (kid) {
        kid -> Text,
        secret -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(users, sessions, api_keys);

diesel::table! {
    countries (code) {
        code -> Text,
        name_fr -> Text,
        name_en -> Text,
    }
}

diesel::table! {
    languages (code) {
        code -> Text,
        name_fr -> Text,
        name_en -> Text,
    }
}

diesel::table! {
    certification_schemes (code) {
        code -> Text,
        name -> Text,
        label_fr -> Text,
        label_en -> Text,
    }
}

diesel::table! {
    taxonomy_terms (code) {
        code -> Text,
        parent_code -> Nullable<Text>,
        level -> Integer,
        position -> Integer,
        label_fr -> Text,
        label_en -> Text,
        isic_class -> Text,
        isic_label -> Text,
        ebops_code -> Text,
        ebops_label -> Text,
    }
}

diesel::table! {
    organizations (id) {
        id -> Text,
        slug -> Text,
        kind -> Text,
        name -> Text,
        acronym -> Nullable<Text>,
        legal_name -> Nullable<Text>,
        description_fr -> Nullable<Text>,
        description_en -> Nullable<Text>,
        country -> Text,
        region -> Nullable<Text>,
        city -> Nullable<Text>,
        website -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        founded_year -> Nullable<Integer>,
        employees -> Nullable<Integer>,
        status -> Text,
        is_sample -> Bool,
        internal_notes -> Nullable<Text>,
        verified_at -> Nullable<Timestamp>,
        verified_by -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        merged_into -> Nullable<Text>,
        verification_method -> Nullable<Text>,
        verification_note -> Nullable<Text>,
        verified_until -> Nullable<Date>,
        verification_lapsed_by -> Nullable<Text>,
    }
}

diesel::table! {
    match_profiles (organization_id) {
        organization_id -> Text,
        slug -> Text,
        name -> Text,
        verified_until -> Nullable<Timestamp>,
        records -> Text,
        terms -> Text,
        is_sample -> Bool,
    }
}

diesel::table! {
    registry_identifiers (scheme, value) {
        organization_id -> Text,
        scheme -> Text,
        value -> Text,
    }
}

diesel::table! {
    capabilities (id) {
        id -> Text,
        organization_id -> Text,
        service_code -> Text,
        description_fr -> Nullable<Text>,
        description_en -> Nullable<Text>,
        delivery_modes -> Text,
        capacity_seats -> Nullable<Integer>,
        capacity_fte -> Nullable<Integer>,
        capacity_as_of -> Nullable<Date>,
        min_engagement_months -> Nullable<Integer>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    capability_languages (capability_id, language) {
        capability_id -> Text,
        language -> Text,
        seats -> Nullable<Integer>,
    }
}

diesel::table! {
    market_presences (id) {
        id -> Text,
        organization_id -> Text,
        country -> Text,
        kind -> Text,
        since_year -> Nullable<Integer>,
        reference_clients -> Nullable<Integer>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    certifications (id) {
        id -> Text,
        organization_id -> Text,
        scheme -> Text,
        certificate_number -> Nullable<Text>,
        issuer -> Nullable<Text>,
        valid_from -> Nullable<Date>,
        valid_until -> Nullable<Date>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    contacts (id) {
        id -> Text,
        organization_id -> Text,
        name -> Text,
        role_title -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        shareable -> Bool,
    }
}

diesel::table! {
    relationships (id) {
        id -> Text,
        organization_id -> Text,
        kind -> Text,
        target_id -> Text,
        since -> Nullable<Date>,
        until -> Nullable<Date>,
        source -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    programmes (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        acronym -> Nullable<Text>,
        description_fr -> Nullable<Text>,
        description_en -> Nullable<Text>,
        start_year -> Nullable<Integer>,
        end_year -> Nullable<Integer>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    programme_participants (id) {
        id -> Text,
        programme_id -> Text,
        organization_id -> Text,
        role -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    audit_events (position) {
        position -> BigInt,
        occurred_at -> Timestamp,
        actor_id -> Text,
        actor_kind -> Text,
        entity_kind -> Text,
        entity_id -> Text,
        organization_id -> Nullable<Text>,
        programme_id -> Nullable<Text>,
        action -> Text,
        before_state -> Nullable<Text>,
        after_state -> Nullable<Text>,
        buyer_request_id -> Nullable<Text>,
        import_id -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    organizations,
    registry_identifiers,
    capabilities,
    capability_languages,
    market_presences,
    certifications,
    contacts,
    relationships,
    programmes,
    programme_participants,
    taxonomy_terms,
    match_profiles
);

diesel::table! {
    organization_representations (organization_id) {
        organization_id -> Text,
        status -> Text,
        format -> Integer,
        partner -> Text,
        staff -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(organization_representations, organizations);

diesel::table! {
    search_documents (organization_id) {
        organization_id -> Text,
        primary_text -> Text,
        secondary_text -> Text,
        body_text -> Text,
    }
}
