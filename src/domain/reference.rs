//! The controlled lists, held in memory: they change only with migrations, and every write
//! checks its codes against them.

use std::collections::HashMap;

use serde::Serialize;
use utoipa::ToSchema;

/// A term of the service taxonomy.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaxonomyTerm {
    /// Stable code, dotted by level, such as `bpo.contact_center_inbound`.
    #[schema(example = "bpo.contact_center_inbound")]
    pub code: String,
    /// The broader term; `null` at the top level.
    pub parent_code: Option<String>,
    /// 1 for top-level categories, 2 for services.
    pub level: i32,
    /// French label.
    pub label_fr: String,
    /// English label.
    pub label_en: String,
    /// The ISIC Rev.4 class (or group, at the top level).
    #[schema(example = "8220")]
    pub isic_class: String,
    /// Its ISIC title.
    pub isic_label: String,
    /// The EBOPS 2010 service category, so that figures line up with trade statistics.
    #[schema(example = "SJ35")]
    pub ebops_code: String,
    /// Its EBOPS title.
    pub ebops_label: String,
}

/// An entry of a coded list (countries, languages, certification schemes).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CodedName {
    /// The code: ISO 3166-1 alpha-2, ISO 639-1, or the scheme's code.
    #[schema(example = "SN")]
    pub code: String,
    /// French name.
    #[schema(example = "Sénégal")]
    pub name_fr: String,
    /// English name.
    #[schema(example = "Senegal")]
    pub name_en: String,
}

/// Every controlled list.
#[derive(Debug, Default)]
pub struct Reference {
    /// The taxonomy, parents before children.
    pub taxonomy: Vec<TaxonomyTerm>,
    /// ISO 3166-1 countries.
    pub countries: Vec<CodedName>,
    /// ISO 639-1 languages.
    pub languages: Vec<CodedName>,
    /// Certification schemes.
    pub schemes: Vec<CodedName>,
    country_index: HashMap<String, usize>,
    language_index: HashMap<String, usize>,
    scheme_index: HashMap<String, usize>,
    terms: HashMap<String, usize>,
}

impl Reference {
    /// Indexes the lists as loaded from the database.
    pub fn new(
        taxonomy: Vec<TaxonomyTerm>,
        countries: Vec<CodedName>,
        languages: Vec<CodedName>,
        schemes: Vec<CodedName>,
    ) -> Self {
        Reference {
            country_index: index(countries.iter().map(|c| &c.code)),
            language_index: index(languages.iter().map(|l| &l.code)),
            scheme_index: index(schemes.iter().map(|s| &s.code)),
            terms: index(taxonomy.iter().map(|t| &t.code)),
            taxonomy,
            countries,
            languages,
            schemes,
        }
    }

    /// Checks an ISO 3166-1 alpha-2 code.
    pub fn country(&self, code: &str) -> Result<(), String> {
        known(
            self.country_index.contains_key(code),
            "an ISO 3166-1 alpha-2 country code such as SN",
        )
    }

    /// Checks an ISO 639-1 code.
    pub fn language(&self, code: &str) -> Result<(), String> {
        known(
            self.language_index.contains_key(code),
            "an ISO 639-1 language code such as fr or wo",
        )
    }

    /// Checks a certification scheme code.
    pub fn scheme(&self, code: &str) -> Result<(), String> {
        known(
            self.scheme_index.contains_key(code),
            "a certification scheme code from /v1/certification-schemes",
        )
    }

    /// Checks a taxonomy code (any level).
    pub fn service(&self, code: &str) -> Result<(), String> {
        known(self.terms.contains_key(code), "a service code from /v1/taxonomy")
    }

    /// A taxonomy term.
    pub fn term(&self, code: &str) -> Option<&TaxonomyTerm> {
        self.terms.get(code).map(|&i| &self.taxonomy[i])
    }

    /// A country by its code.
    pub fn country_named(&self, code: &str) -> Option<&CodedName> {
        self.country_index.get(code).map(|&i| &self.countries[i])
    }

    /// A language by its code.
    pub fn language_named(&self, code: &str) -> Option<&CodedName> {
        self.language_index.get(code).map(|&i| &self.languages[i])
    }

    /// A certification scheme's own name (such as `ISO/IEC 27001`), the same in every language.
    pub fn scheme_title<'a>(&'a self, code: &'a str) -> &'a str {
        // The scheme list carries the scheme's name as its English name, its field as French.
        self.scheme_index
            .get(code)
            .map_or(code, |&i| self.schemes[i].name_en.as_str())
    }

    /// Whether `wanted` is `offered` or one of its broader terms.
    pub fn covers(&self, wanted: &str, offered: &str) -> bool {
        let mut code = Some(offered);
        while let Some(current) = code {
            if current == wanted {
                return true;
            }
            code = self.term(current).and_then(|t| t.parent_code.as_deref());
        }
        false
    }

    /// The code itself and every code below it.
    pub fn with_descendants(&self, code: &str) -> Vec<String> {
        let mut codes = vec![code.to_owned()];
        let mut index = 0;
        while index < codes.len() {
            let parent = codes[index].clone();
            codes.extend(
                self.taxonomy
                    .iter()
                    .filter(|t| t.parent_code.as_deref() == Some(parent.as_str()))
                    .map(|t| t.code.clone()),
            );
            index += 1;
        }
        codes
    }
}

fn index<'a>(codes: impl Iterator<Item = &'a String>) -> HashMap<String, usize> {
    codes.enumerate().map(|(i, code)| (code.clone(), i)).collect()
}

fn known(found: bool, what: &str) -> Result<(), String> {
    if found {
        Ok(())
    } else {
        Err(format!("unknown code; expected {what}"))
    }
}
