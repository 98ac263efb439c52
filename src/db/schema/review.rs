//! The review tables: each organization's thread of submissions, decisions and comments.

diesel::table! {
    organization_reviews (id) {
        id -> Text,
        organization_id -> Text,
        kind -> Text,
        comment -> Nullable<Text>,
        version -> Integer,
        author_id -> Text,
        author_kind -> Text,
        created_at -> Timestamp,
    }
}

use super::organizations;

diesel::joinable!(organization_reviews -> organizations (organization_id));
diesel::allow_tables_to_appear_in_same_query!(organization_reviews, organizations);
