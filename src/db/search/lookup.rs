//! The exact lookups' conditions: registry identifiers through their unique index, website
//! hosts over the lowercased website.

use super::super::sql::{Sql, Value};
use crate::domain::lookup::website_patterns;
use crate::domain::search::Filters;

/// `AND …` for `registry_id` and `domain`, each OR within itself.
pub(super) fn conditions(sql: &mut Sql, f: &Filters) {
    if !f.registry_ids.is_empty() {
        sql.push(" AND EXISTS (SELECT 1 FROM registry_identifiers r WHERE r.organization_id = o.id AND (");
        for (i, id) in f.registry_ids.iter().enumerate() {
            sql.push(if i == 0 {
                "(r.scheme = "
            } else {
                " OR (r.scheme = "
            })
            .bind(Value::Text(id.scheme.as_str().to_owned()))
            .push(" AND r.value = ")
            .bind(Value::Text(id.value.clone()))
            .push(")");
        }
        sql.push("))");
    }
    if !f.domains.is_empty() {
        sql.push(" AND (");
        for (i, pattern) in f
            .domains
            .iter()
            .flat_map(|host| website_patterns(host))
            .enumerate()
        {
            sql.push(if i == 0 {
                "LOWER(o.website) LIKE "
            } else {
                " OR LOWER(o.website) LIKE "
            })
            .bind(Value::Text(pattern));
        }
        sql.push(")");
    }
}
