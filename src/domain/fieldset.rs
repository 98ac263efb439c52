//! `fields=`: sparse fieldsets, so that a portal showing a name and a city reads only those.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::error::ApiError;

/// The top-level properties of an organization as the lists, the export and the feed show it
/// (its records only with `include`).
pub const ORGANIZATION_PROPERTIES: &[&str] = &[
    "id",
    "slug",
    "kind",
    "name",
    "acronym",
    "legal_name",
    "description",
    "country",
    "region",
    "city",
    "website",
    "email",
    "phone",
    "founded_year",
    "employees",
    "registry_ids",
    "is_sample",
    "internal_notes",
    "status",
    "verification",
    "version",
    "created_at",
    "updated_at",
    "capabilities",
    "markets",
    "certifications",
    "relationships",
    "programmes",
    "contacts",
    "consultations",
    "actions",
];

/// What a read of one organization shows beyond [`ORGANIZATION_PROPERTIES`].
pub const DETAIL_PROPERTIES: &[&str] = &["related_from"];

/// The properties to keep; `id` always is, since a mirror cannot place an object without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fieldset(BTreeSet<String>);

impl Fieldset {
    /// Parses a comma-separated list of `allowed` names (the parameter may repeat: `into`
    /// gathers them).
    pub fn add(into: &mut Option<Fieldset>, value: &str, allowed: &[&[&str]]) -> Result<(), ApiError> {
        let set = &mut into
            .get_or_insert_with(|| Fieldset(BTreeSet::from(["id".to_owned()])))
            .0;
        for name in value.split(',').map(str::trim) {
            if !allowed.iter().any(|names| names.contains(&name)) {
                return Err(ApiError::BadRequest(format!(
                    "parameter `fields`: `{name}` is not a property; see the Organization schema"
                )));
            }
            set.insert(name.to_owned());
        }
        Ok(())
    }

    /// Drops from `object` every property not in the set.
    pub fn apply(&self, object: &mut Value) {
        if let Value::Object(map) = object {
            map.retain(|key, _| self.0.contains(key));
        }
    }

    /// `value` reduced to the set when there is one; whole otherwise, serialised as it is
    /// (a detour through `Value` would cost a tree per item and sort its keys).
    pub fn shape<T: serde::Serialize>(fields: Option<&Fieldset>, value: T) -> Result<Shaped<T>, ApiError> {
        let Some(fields) = fields else {
            return Ok(Shaped::Whole(value));
        };
        let mut json = serde_json::to_value(&value).map_err(ApiError::internal)?;
        fields.apply(&mut json);
        Ok(Shaped::Reduced(json))
    }
}

/// A representation as `fields=` left it.
#[derive(Debug, serde::Serialize)]
#[serde(untagged)]
pub enum Shaped<T> {
    /// No `fields=`: the whole representation.
    Whole(T),
    /// `id` and the named properties.
    Reduced(Value),
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_the_names_and_the_id() {
        let mut fields = None;
        Fieldset::add(&mut fields, "name, city", &[ORGANIZATION_PROPERTIES]).unwrap();
        let mut org = json!({"id": "a", "name": "N", "city": "Dakar", "country": "SN"});
        fields.unwrap().apply(&mut org);
        assert_eq!(org, json!({"id": "a", "name": "N", "city": "Dakar"}));
        assert!(Fieldset::add(&mut None, "nom", &[ORGANIZATION_PROPERTIES]).is_err());
        assert!(Fieldset::add(&mut None, "related_from", &[ORGANIZATION_PROPERTIES]).is_err());
    }
}
