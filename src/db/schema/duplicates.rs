//! The keys likely duplicates share, and the derived data still to be computed.

diesel::table! {
    duplicate_keys (organization_id, kind, value) {
        organization_id -> Text,
        kind -> Text,
        value -> Text,
    }
}

diesel::table! {
    pending_backfills (name) {
        name -> Text,
    }
}

use super::organizations;

diesel::joinable!(duplicate_keys -> organizations (organization_id));
diesel::allow_tables_to_appear_in_same_query!(duplicate_keys, organizations);

diesel::table! {
    duplicate_dismissals (first_id, second_id) {
        first_id -> Text,
        second_id -> Text,
        reason -> Nullable<Text>,
        dismissed_by -> Text,
        dismissed_at -> Timestamp,
    }
}
