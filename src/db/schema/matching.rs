//! The agency's tables: buyer requests, their wanted services, and the firms saved for them.

diesel::table! {
    buyer_requests (id) {
        id -> Text,
        owner_id -> Text,
        buyer_name -> Text,
        buyer_country -> Text,
        buyer_sector -> Nullable<Text>,
        criteria -> Text,
        notes -> Nullable<Text>,
        status -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deadline -> Nullable<Date>,
        closed_at -> Nullable<Timestamp>,
        search_text -> Nullable<Text>,
    }
}

diesel::table! {
    buyer_request_services (request_id, service_code) {
        request_id -> Text,
        service_code -> Text,
    }
}

diesel::table! {
    buyer_matches (request_id, organization_id) {
        request_id -> Text,
        organization_id -> Text,
        status -> Text,
        note -> Nullable<Text>,
        score -> Double,
        evaluation -> Text,
        status_changed_by -> Text,
        status_changed_at -> Timestamp,
        version -> Integer,
        created_at -> Timestamp,
        introduced_at -> Nullable<Timestamp>,
        shortlist_position -> Nullable<Integer>,
        contract_value -> Nullable<BigInt>,
        contract_currency -> Nullable<Text>,
        contract_months -> Nullable<Integer>,
    }
}

diesel::joinable!(buyer_request_services -> buyer_requests (request_id));
diesel::joinable!(buyer_matches -> buyer_requests (request_id));
diesel::allow_tables_to_appear_in_same_query!(buyer_requests, buyer_request_services, buyer_matches);
diesel::allow_columns_to_appear_in_same_group_by_clause!(
    buyer_request_services::service_code,
    buyer_requests::buyer_country,
    buyer_matches::status,
);
