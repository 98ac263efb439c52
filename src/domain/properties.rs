//! Property tests of the pure rules whose inputs are wide: merge patches, text folding, slugs
//! and the formats of codes and registry identifiers. Each property is checked against an
//! oracle written here independently (a regular expression, a diff, arithmetic by hand), not
//! against the function's own steps.

use proptest::prelude::*;
use regex::Regex;
use serde_json::{Map, Value};

use super::checks::{fold, is_id_form, lei, ninea, phone, rccm, slugify};
use super::merge_patch::apply;

/// JSON documents without `null` (a merge patch cannot state a null member).
fn document() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "[a-zé ]{0,6}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
            prop::collection::btree_map("[a-d]", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn object() -> impl Strategy<Value = Value> {
    prop::collection::btree_map("[a-d]", document(), 0..4)
        .prop_map(|m| Value::Object(m.into_iter().collect()))
}

/// The merge patch that turns `from` into `to` (RFC 7396, section 2, read backwards).
fn diff(from: &Map<String, Value>, to: &Map<String, Value>) -> Value {
    let mut patch = Map::new();
    for key in from.keys().filter(|k| !to.contains_key(*k)) {
        patch.insert(key.clone(), Value::Null);
    }
    for (key, wanted) in to {
        match (from.get(key), wanted) {
            (Some(old), new) if old == new => {}
            (Some(Value::Object(old)), Value::Object(new)) => {
                patch.insert(key.clone(), diff(old, new));
            }
            // A new object is sent whole: members of an old non-object are nothing to clear.
            _ => {
                patch.insert(key.clone(), wanted.clone());
            }
        }
    }
    Value::Object(patch)
}

/// ISO 7064 mod 97-10 over the decimal expansion, nine digits at a time.
fn mod97(text: &str) -> u64 {
    let digits: String = text
        .chars()
        .map(|c| c.to_digit(36).expect("alphanumeric").to_string())
        .collect();
    let mut remainder = 0u64;
    for chunk in digits.as_bytes().chunks(9) {
        let chunk = std::str::from_utf8(chunk).unwrap();
        remainder = format!("{remainder}{chunk}").parse::<u64>().unwrap() % 97;
    }
    remainder
}

/// Latin text as the sector writes it: ASCII, French and other Western accents, ligatures,
/// capitals of each, punctuation and a few characters outside Latin.
fn latin_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            prop::char::range('\u{20}', '\u{7e}'),
            prop::char::range('\u{c0}', '\u{17f}'),
            prop::sample::select(vec!['Œ', 'œ', 'Æ', 'æ', 'ß', 'İ', 'ẞ', '’', 'ا', '中']),
        ],
        0..40,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #[test]
    fn a_diff_applied_as_a_merge_patch_gives_the_target(from in object(), to in object()) {
        let patch = diff(from.as_object().unwrap(), to.as_object().unwrap());
        prop_assert_eq!(apply::<Value>(&from, patch).unwrap(), to);
    }

    #[test]
    fn a_merge_patch_is_idempotent_and_keeps_what_it_does_not_name(
        doc in object(),
        patch in prop::collection::btree_map("[a-f]", prop_oneof![Just(Value::Null), document()], 0..4),
    ) {
        let patch = Value::Object(patch.into_iter().collect());
        let once = apply::<Value>(&doc, patch.clone()).unwrap();
        prop_assert_eq!(&apply::<Value>(&once, patch.clone()).unwrap(), &once);
        for (key, value) in doc.as_object().unwrap() {
            match patch.get(key) {
                None => prop_assert_eq!(once.get(key), Some(value)),
                Some(Value::Null) => prop_assert!(once.get(key).is_none()),
                Some(_) => {}
            }
        }
    }

    #[test]
    fn a_body_that_is_not_an_object_is_refused(body in document()) {
        prop_assume!(!body.is_object());
        prop_assert!(apply::<Value>(&Value::Object(Map::new()), body).is_err());
    }

    #[test]
    fn folding_is_idempotent_and_lower_case(text in latin_text()) {
        let folded = fold(&text);
        prop_assert_eq!(fold(&folded), folded.clone(), "fold({:?})", text);
        prop_assert_eq!(folded.to_lowercase(), folded.clone());
        // Capitals and their small letters fold alike, so a query matches either (for the
        // letters whose case maps both ways: not the long s, whose capital is S).
        prop_assume!(text.to_uppercase().to_lowercase() == text.to_lowercase());
        prop_assert_eq!(fold(&text.to_uppercase()), fold(&text.to_lowercase()), "{:?}", text);
    }

    #[test]
    fn folding_ascii_only_lowers_it(text in "[ -~]{0,40}") {
        prop_assert_eq!(fold(&text), text.to_ascii_lowercase());
    }

    #[test]
    fn slugs_are_lower_case_words_never_ids(name in prop_oneof![
        latin_text(),
        "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
    ]) {
        let slug = slugify(&name);
        let shape = Regex::new(r"^[a-z0-9]+(-[a-z0-9]+)*$").unwrap();
        prop_assert!(shape.is_match(&slug), "{:?} gave {:?}", name, slug);
        prop_assert!(!is_id_form(&slug), "{:?}", name);
        prop_assert_eq!(slugify(&slug), slug.clone());
    }

    #[test]
    fn phone_numbers_are_e164(text in prop_oneof!["[+]?[0-9 ]{0,17}", "\\PC{0,17}"]) {
        let e164 = Regex::new(r"^\+[1-9][0-9]{7,14}$").unwrap();
        prop_assert_eq!(phone(&text).is_ok(), e164.is_match(&text), "{:?}", text);
    }

    #[test]
    fn registry_identifiers_follow_their_grammar(
        ninea_text in prop_oneof!["[0-9]{5,10}( [0-9A-Za-z]{2,4})?", "\\PC{0,14}"],
        rccm_text in prop_oneof!["[A-Z]{2}-[A-Z]{2,4}-[0-9]{3,5}-[A-Za-z]-[0-9]{0,9}", "\\PC{0,22}"],
    ) {
        let ninea_shape = Regex::new(r"^[0-9]{7,9}( [0-9][A-Z][0-9])?$").unwrap();
        prop_assert_eq!(ninea(&ninea_text).is_ok(), ninea_shape.is_match(&ninea_text), "{:?}", ninea_text);
        let rccm_shape = Regex::new(r"^SN-[A-Z]{3}-[0-9]{4}-[A-Z]-[0-9]{1,8}$").unwrap();
        prop_assert_eq!(rccm(&rccm_text).is_ok(), rccm_shape.is_match(&rccm_text), "{:?}", rccm_text);
    }

    #[test]
    fn leis_carry_their_check_digits(body in "[0-9A-Z]{18}", other in "[0-9A-Z]{20}") {
        let check = 98 - mod97(&format!("{body}00"));
        let valid = format!("{body}{check:02}");
        prop_assert!(lei(&valid).is_ok(), "{}", valid);
        prop_assert_eq!(lei(&other).is_ok(), mod97(&other) == 1, "{}", other);
        prop_assert!(lei(&valid.to_lowercase()).is_err() || valid == valid.to_lowercase());
    }
}

mod queries {
    use proptest::prelude::*;

    use crate::domain::reference::{CodedName, Reference, TaxonomyTerm};
    use crate::domain::role::Role;
    use crate::domain::search::{ListQuery, Purpose, terms};
    use crate::domain::visibility::Viewer;
    use crate::domain::vocab::Status;
    use crate::error::ApiError;

    fn named(code: &str) -> CodedName {
        CodedName {
            code: code.into(),
            name_fr: code.into(),
            name_en: code.into(),
        }
    }

    fn reference() -> Reference {
        let term = |code: &str, parent: Option<&str>| TaxonomyTerm {
            code: code.into(),
            parent_code: parent.map(Into::into),
            level: if parent.is_some() { 2 } else { 1 },
            label_fr: code.into(),
            label_en: code.into(),
            isic_class: String::new(),
            isic_label: String::new(),
            ebops_code: String::new(),
            ebops_label: String::new(),
        };
        Reference::new(
            vec![term("bpo", None), term("bpo.contact_center_inbound", Some("bpo"))],
            vec![named("SN"), named("FR")],
            vec![named("fr"), named("wo")],
            vec![named("iso_9001")],
        )
    }

    /// A parameter name the API knows, or one it does not, with a value of either kind.
    fn pair() -> impl Strategy<Value = (String, String)> {
        let name = prop_oneof![
            prop::sample::select(vec![
                "q",
                "kind",
                "status",
                "country",
                "region",
                "service",
                "language",
                "market",
                "certification",
                "expired_certifications",
                "min_seats",
                "min_fte",
                "employees_min",
                "employees_max",
                "founded_from",
                "founded_to",
                "verified",
                "sample",
                "updated_since",
                "sort",
                "order",
                "limit",
                "cursor",
                "format",
            ])
            .prop_map(str::to_owned),
            "\\PC{0,8}",
        ];
        let value = prop_oneof![
            prop::sample::select(vec![
                "SN",
                "fr",
                "bpo",
                "firm",
                "draft",
                "published",
                "-1",
                "0",
                "100",
                "101",
                "2200",
                "true",
                "include",
                "only",
                "relevance",
                "name",
                "desc",
                "csv",
                "2026-12-02T00:00:00Z",
                "",
            ])
            .prop_map(str::to_owned),
            "\\PC{0,12}",
            any::<i64>().prop_map(|n| n.to_string()),
        ];
        (name, value)
    }

    fn encode(pairs: &[(String, String)]) -> String {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    }

    proptest! {
        #[test]
        fn every_query_string_is_parsed_or_refused_as_a_bad_request(
            pairs in prop::collection::vec(pair(), 0..8),
            raw in "\\PC{0,40}",
        ) {
            let reference = reference();
            for query in [encode(&pairs), raw.clone()] {
                for purpose in [Purpose::List, Purpose::Facets, Purpose::Export] {
                    for role in [Role::Admin, Role::Partner] {
                        match ListQuery::parse(&query, &reference, Viewer::new(role), purpose) {
                            Ok((parsed, _)) => {
                                prop_assert!((1..=100).contains(&parsed.limit));
                                if role == Role::Partner {
                                    prop_assert!(
                                        parsed.filters.statuses.iter().all(|s| *s == Status::Published),
                                        "{query}"
                                    );
                                }
                            }
                            Err(ApiError::BadRequest(_)) => {}
                            Err(other) => prop_assert!(false, "{query}: {other:?}"),
                        }
                    }
                }
            }
        }

        #[test]
        fn a_limit_is_accepted_exactly_when_in_bounds(limit in -5i64..200) {
            let parsed = ListQuery::parse(&format!("limit={limit}"), &reference(), Viewer::new(Role::Admin), Purpose::List);
            match parsed {
                Ok((query, _)) => prop_assert_eq!(i64::from(query.limit), limit),
                Err(_) => prop_assert!(!(1..=100).contains(&limit)),
            }
        }

        #[test]
        fn search_terms_are_few_short_folded_words(q in "\\PC{0,200}") {
            let words = terms(&q).unwrap();
            prop_assert!(words.len() <= 8);
            for word in words {
                prop_assert!(!word.is_empty() && word.chars().count() <= 50);
                prop_assert!(word.chars().all(char::is_alphanumeric), "{word:?}");
                prop_assert_eq!(super::fold(&word), word.clone());
            }
        }
    }
}
