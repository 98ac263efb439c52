//! Reference lists and the sector's stakeholders after first start.

use reqwest::Method;
use serde_json::Value;

use crate::backend_test;

backend_test!(controlled_lists_are_complete_and_readable_by_every_role, |app| {
    let admin = app.admin_token().await;
    let partner = crate::directory::partner_key(app, &admin).await;
    let get = async |path: &str| -> Vec<Value> {
        let response = app.authed(Method::GET, path, &partner).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        response.json().await.unwrap()
    };
    let taxonomy = get("/v1/taxonomy").await;
    let leaves: Vec<&Value> = taxonomy.iter().filter(|t| t["level"] == 2).collect();
    assert!(leaves.len() >= 25, "{} leaves", leaves.len());
    assert!(taxonomy.iter().any(|t| t["level"] == 1));
    for term in &taxonomy {
        for field in ["code", "label_fr", "label_en", "isic_class", "ebops_code"] {
            assert!(term[field].as_str().is_some_and(|v| !v.is_empty()), "{term}");
        }
    }
    let inbound = taxonomy
        .iter()
        .find(|t| t["code"] == "bpo.contact_center_inbound")
        .unwrap();
    assert_eq!(
        (inbound["isic_class"].as_str(), inbound["parent_code"].as_str()),
        (Some("8220"), Some("bpo"))
    );

    let countries = get("/v1/countries").await;
    assert!(countries.len() >= 249);
    assert!(
        countries
            .iter()
            .any(|c| c["code"] == "SN" && c["name_fr"] == "Sénégal")
    );
    let languages = get("/v1/languages").await;
    assert!(
        languages
            .iter()
            .any(|l| l["code"] == "wo" && l["name_en"] == "Wolof")
    );
    let schemes = get("/v1/certification-schemes").await;
    for code in [
        "iso_9001",
        "iso_iec_27001",
        "iso_iec_20000_1",
        "cmmi_dev",
        "copc",
        "pci_dss",
        "soc_2",
        "iso_22301",
    ] {
        assert!(schemes.iter().any(|s| s["code"] == code), "{code}");
    }
});

backend_test!(stakeholders_are_loaded_with_their_relationships, |app| {
    let admin = app.admin_token().await;
    let partner = crate::directory::partner_key(app, &admin).await;
    let read = async |slug: &str| -> Value {
        let response = app
            .authed(Method::GET, &format!("/v1/organizations/{slug}"), &partner)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{slug}");
        response.json().await.unwrap()
    };
    let asepex = read("asepex").await;
    assert_eq!(
        (asepex["acronym"].as_str(), asepex["status"].as_str()),
        (Some("ASEPEX"), Some("published"))
    );
    let optic = read("optic").await;
    let itc = read("itc").await;
    let ministry = read("ministere-commerce-pme").await;
    let netherlands = read("netherlands").await;
    assert_eq!(itc["name"], "International Trade Centre");
    assert_eq!(netherlands["kind"], "donor");

    let partners: Vec<&Value> = itc["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["target_id"])
        .collect();
    assert!(partners.contains(&&asepex["id"]) && partners.contains(&&optic["id"]));
    assert_eq!(asepex["relationships"][0]["target_id"], ministry["id"]);
    assert_eq!(asepex["related_from"][0]["organization_id"], itc["id"]);

    let ntf: Value = app
        .authed(Method::GET, "/v1/programmes/ntf-iv", &partner)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ntf["name"], "Netherlands Trust Fund IV");
    let roles: Vec<(String, String)> = ntf["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["organization_id"].as_str().unwrap().to_owned(),
                p["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for (org, role) in [
        (&netherlands, "funder"),
        (&itc, "implementer"),
        (&asepex, "partner"),
        (&optic, "partner"),
    ] {
        assert!(
            roles.contains(&(org["id"].as_str().unwrap().to_owned(), role.to_owned())),
            "{role}"
        );
    }
    let psn: Value = app
        .authed(Method::GET, "/v1/programmes/psn", &partner)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (psn["start_year"].as_i64(), psn["end_year"].as_i64()),
        (Some(2016), Some(2025))
    );
});
