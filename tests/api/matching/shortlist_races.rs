//! Shortlists exported while the agency moves the same request's firms: every move applies,
//! every export that carried a contact person is in the history.

use serde_json::json;

use super::shortlist::desk;
use crate::backend_test;

backend_test!(exports_and_moves_at_once_each_leave_their_trace, |app| {
    let desk = desk(app).await;
    let (list, firm) = (
        app.url(&format!(
            "/v1/buyer-requests/{}/shortlist?contacts=true&format=csv",
            desk.request
        )),
        app.url(&format!(
            "/v1/buyer-requests/{}/matches/{}",
            desk.request, desk.ids["F04"]
        )),
    );
    let outcomes = crate::helpers::concurrently(12, |i| {
        let (http, token) = (app.client.clone(), desk.agency.clone());
        let (list, firm) = (list.clone(), firm.clone());
        async move {
            let request = match i % 2 {
                0 => http.get(&list),
                _ => http.patch(&firm).json(&json!({"position": 3 + i})),
            };
            let response = request.bearer_auth(token).send().await.unwrap();
            (response.status().as_u16(), ())
        }
    })
    .await;
    outcomes.assert_all_succeeded();
    let history = app
        .read_json(
            &format!("/v1/buyer-requests/{}/history?limit=100", desk.request),
            &desk.agency,
        )
        .await;
    let shared = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "contacts_shared")
        .count();
    assert_eq!(shared, 6, "every export that carried a person is in the history");
});
