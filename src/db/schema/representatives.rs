//! What firms' representatives send: change proposals, and claims to represent an organization.

diesel::table! {
    change_proposals (id) {
        id -> Text,
        organization_id -> Text,
        target -> Text,
        operation -> Text,
        record_id -> Nullable<Text>,
        base_version -> Nullable<Integer>,
        changes -> Nullable<Text>,
        comment -> Nullable<Text>,
        status -> Text,
        proposed_by -> Text,
        proposed_at -> Timestamp,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        decision_comment -> Nullable<Text>,
        applied_record_id -> Nullable<Text>,
    }
}

diesel::table! {
    organization_claims (id) {
        id -> Text,
        organization_id -> Text,
        user_id -> Text,
        evidence -> Text,
        status -> Text,
        created_at -> Timestamp,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        decision_comment -> Nullable<Text>,
    }
}

use super::{organizations, users};

diesel::joinable!(change_proposals -> organizations (organization_id));
diesel::joinable!(organization_claims -> organizations (organization_id));
diesel::joinable!(organization_claims -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(change_proposals, organizations);
diesel::allow_tables_to_appear_in_same_query!(organization_claims, organizations);
diesel::allow_tables_to_appear_in_same_query!(organization_claims, users);
