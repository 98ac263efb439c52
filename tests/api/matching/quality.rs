//! Ranking quality on the labelled fixture: for each request, the firms a careful analyst
//! would shortlist, graded 3 (ideal), 2 (good) or 1 (acceptable). Every graded firm must be in
//! the top 10, no result may break a hard constraint, and nDCG@10 over the set must reach 0.9.

use reqwest::Method;
use serde_json::{Value, json};

use super::fixture::{FIRMS, Firm, enter_all, start_date, until};
use super::{call, ranked_ids};
use crate::backend_test;

/// A request and its analyst's grades.
struct Case {
    criteria: Value,
    grades: &'static [(&'static str, u32)],
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            criteria: json!({"services": ["bpo.contact_center_inbound"], "required_languages": ["fr"],
                "required_certifications": ["iso_iec_27001"], "preferred_certifications": ["pci_dss"],
                "min_capacity": {"amount": 40, "unit": "seats"}, "markets": ["FR"], "start_date": start_date()}),
            grades: &[("F01", 3), ("F07", 3), ("F02", 2)],
        },
        Case {
            criteria: json!({"services": ["bpo"], "required_languages": ["es"], "preferred_languages": ["en"], "markets": ["ES"]}),
            grades: &[("F05", 3)],
        },
        Case {
            criteria: json!({"services": ["it.software_development", "it.mobile_development"], "required_languages": ["fr"],
                "preferred_languages": ["en"], "markets": ["CA"], "min_capacity": {"amount": 10, "unit": "fte"}}),
            grades: &[("F11", 3), ("F12", 2), ("F13", 1)],
        },
        Case {
            criteria: json!({"services": ["it.cybersecurity", "it.hosting_cloud"], "required_certifications": ["iso_iec_27001"],
                "preferred_languages": ["en"], "markets": ["BE"]}),
            grades: &[("F16", 3), ("F15", 2)],
        },
        Case {
            criteria: json!({"services": ["digital.data_annotation"], "required_languages": ["en"],
                "min_capacity": {"amount": 50, "unit": "fte"}, "markets": ["US"], "preferred_certifications": ["iso_iec_27001"]}),
            grades: &[("F20", 3)],
        },
        Case {
            criteria: json!({"services": ["bpo.finance_accounting", "bpo.payroll"], "required_languages": ["fr"],
                "markets": ["BE", "FR"], "preferred_certifications": ["iso_9001"]}),
            grades: &[("F25", 3), ("F26", 2)],
        },
        Case {
            criteria: json!({"services": ["bpo"], "required_languages": ["fr"]}),
            grades: &[
                ("F01", 2),
                ("F07", 2),
                ("F09", 2),
                ("F25", 2),
                ("F02", 1),
                ("F03", 1),
                ("F04", 1),
            ],
        },
        Case {
            criteria: json!({"services": ["digital.content_moderation"], "required_languages": ["ar"],
                "min_capacity": {"amount": 50, "unit": "fte"}}),
            grades: &[("F21", 3)],
        },
        Case {
            criteria: json!({"services": ["digital.translation_localisation"], "required_languages": ["pt"],
                "preferred_languages": ["es"], "delivery_modes": ["remote"]}),
            grades: &[("F19", 3)],
        },
        Case {
            criteria: json!({"services": ["bpo.contact_center_outbound"], "required_languages": ["en"],
                "min_capacity": {"amount": 100, "unit": "seats"}, "markets": ["GB", "US"], "delivery_modes": ["offshore"]}),
            grades: &[("F07", 3), ("F04", 2)],
        },
        Case {
            criteria: json!({"services": ["it.data_analytics", "kpo.market_research"], "required_languages": ["fr"],
                "markets": ["FR"], "preferred_certifications": ["iso_iec_27001"]}),
            grades: &[("F30", 3), ("F28", 2)],
        },
    ]
}

/// Discounted cumulative gain of graded firms in ranked order, over the first 10.
fn dcg(grades: impl Iterator<Item = u32>) -> f64 {
    grades
        .take(10)
        .enumerate()
        .map(|(i, grade)| (2f64.powi(grade as i32) - 1.0) / ((i + 2) as f64).log2())
        .sum()
}

/// Whether `firm` meets every hard constraint of `criteria` on `day`, checked independently
/// of the server from the fixture's own description.
fn meets(firm: &Firm, criteria: &Value, day: &str) -> Result<(), String> {
    let list = |name: &str| -> Vec<String> {
        criteria[name]
            .as_array()
            .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
            .unwrap_or_default()
    };
    let covers = |wanted: &String| {
        firm.services
            .iter()
            .any(|s| s == wanted || s.starts_with(&format!("{wanted}.")))
    };
    if !list("services").iter().any(covers) {
        return Err("offers no wanted service".into());
    }
    for language in list("required_languages") {
        if !firm.languages.contains(&language.as_str()) {
            return Err(format!("does not work in {language}"));
        }
    }
    for scheme in list("required_certifications") {
        if !firm
            .certificates
            .iter()
            .any(|(s, last)| *s == scheme && until(last).as_str() >= day)
        {
            return Err(format!("no valid {scheme} on {day}"));
        }
    }
    if let Some(amount) = criteria["min_capacity"]["amount"].as_i64() {
        let offered = match criteria["min_capacity"]["unit"].as_str() {
            Some("seats") => firm.seats,
            _ => firm.fte,
        };
        if offered.is_none_or(|offered| i64::from(offered) < amount) {
            return Err(format!("capacity {offered:?} below {amount}"));
        }
    }
    Ok(())
}

backend_test!(labelled_requests_are_ranked_as_an_analyst_would, |app| {
    let curator = app.token_for("curator").await;
    let agency = app.token_for("agency").await;
    let ids = enter_all(app, &curator, &FIRMS).await;
    let key_of = |id: &str| {
        ids.iter()
            .find(|(_, v)| v.as_str() == id)
            .map(|(k, _)| *k)
            .unwrap()
    };
    let mut total = 0.0;
    let cases = cases();
    for (n, case) in cases.iter().enumerate() {
        let body = json!({"criteria": case.criteria, "options": {"limit": 10}});
        let (status, answer) = call(app, Method::POST, "/v1/matches/preview", &agency, Some(&body)).await;
        assert_eq!(status, 200, "{answer}");
        let day = answer["reference_date"].as_str().unwrap();
        let ranked: Vec<&str> = ranked_ids(&answer, "results")
            .iter()
            .map(|id| key_of(id))
            .collect();
        for key in &ranked {
            let firm = FIRMS.iter().find(|f| f.key == *key).unwrap();
            if let Err(broken) = meets(firm, &case.criteria, day) {
                panic!("request {n}: {key} {broken}, yet ranked");
            }
        }
        for (key, _) in case.grades {
            assert!(
                ranked.contains(key),
                "request {n}: {key} missing from the top 10 {ranked:?}"
            );
        }
        let grade = |key: &str| case.grades.iter().find(|(k, _)| *k == key).map_or(0, |(_, g)| *g);
        let mut ideal: Vec<u32> = case.grades.iter().map(|(_, g)| *g).collect();
        ideal.sort_by(|a, b| b.cmp(a));
        let ndcg = dcg(ranked.iter().map(|k| grade(k))) / dcg(ideal.into_iter());
        eprintln!("request {n}: nDCG@10 {ndcg:.3} for {ranked:?}");
        total += ndcg;
    }
    let mean = total / cases.len() as f64;
    eprintln!("mean nDCG@10 over {} requests: {mean:.3}", cases.len());
    assert!(mean >= 0.9, "mean nDCG@10 {mean:.3}");
});
