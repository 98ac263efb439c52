//! The export strategy's entries and what they name.

diesel::table! {
    strategy_entries (id) {
        id -> Text,
        kind -> Text,
        strategy_id -> Nullable<Text>,
        visibility -> Text,
        is_sample -> Bool,
        status -> Text,
        level -> Nullable<Text>,
        theme -> Nullable<Text>,
        priority -> Nullable<Text>,
        lead_id -> Nullable<Text>,
        due_date -> Nullable<Date>,
        search_text -> Text,
        body -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    strategy_links (entry_id, link, target) {
        entry_id -> Text,
        link -> Text,
        target -> Text,
    }
}

diesel::joinable!(strategy_links -> strategy_entries (entry_id));
diesel::allow_tables_to_appear_in_same_query!(strategy_entries, strategy_links);
