//! Field formats shared by the directory's records. Each check returns the message of a 422.

use chrono::{Datelike, NaiveDate};

/// An absolute http(s) URL of at most 300 characters, with a host and no spaces.
pub fn url(value: &str) -> Result<(), String> {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or_default());
    let valid = value.len() <= 300
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        && host.is_some_and(|h| h.contains('.') && !h.starts_with('.') && !h.ends_with('.'));
    if valid {
        Ok(())
    } else {
        Err("must be an http(s) URL such as https://asepex.sn".into())
    }
}

/// A phone number in E.164: `+`, a country code, at most 15 digits in all.
pub fn phone(value: &str) -> Result<(), String> {
    let digits = value.strip_prefix('+').unwrap_or_default();
    let valid = (8..=15).contains(&digits.len())
        && digits.chars().all(|c| c.is_ascii_digit())
        && !digits.starts_with('0');
    if valid {
        Ok(())
    } else {
        Err("must be in E.164 form, such as +221338890000".into())
    }
}

/// A year from 1900 to next year.
pub fn year(value: i32) -> Result<(), String> {
    let next = chrono::Utc::now().year() + 1;
    if (1900..=next).contains(&value) {
        Ok(())
    } else {
        Err(format!("must be a year from 1900 to {next}"))
    }
}

/// A count from 0 to `max`.
pub fn count(value: i32, max: i32) -> Result<(), String> {
    if (0..=max).contains(&value) {
        Ok(())
    } else {
        Err(format!("must be between 0 and {max}"))
    }
}

/// A date from 2000 to 2100: what a business date in this directory can be.
pub fn plausible_date(value: NaiveDate) -> Result<(), String> {
    if (2000..=2100).contains(&value.year()) {
        Ok(())
    } else {
        Err("must be a date from 2000 to 2100".into())
    }
}

/// `from` is on or before `until` when both are given.
pub fn date_order(from: Option<NaiveDate>, until: Option<NaiveDate>) -> Result<(), String> {
    match (from, until) {
        (Some(from), Some(until)) if from > until => Err("must not be before the start date".into()),
        _ => Ok(()),
    }
}

/// NINEA: 7 to 9 digits, optionally followed by the 3-character tax code (digit, letter, digit),
/// as in `004567890` or `004567890 2G3`.
pub fn ninea(value: &str) -> Result<(), String> {
    let (number, cofi) = match value.split_once(' ') {
        Some((number, cofi)) => (number, Some(cofi)),
        None => (value, None),
    };
    let number_ok = (7..=9).contains(&number.len()) && number.chars().all(|c| c.is_ascii_digit());
    let cofi_ok = cofi.is_none_or(|c| {
        let c: Vec<char> = c.chars().collect();
        c.len() == 3 && c[0].is_ascii_digit() && c[1].is_ascii_uppercase() && c[2].is_ascii_digit()
    });
    if number_ok && cofi_ok {
        Ok(())
    } else {
        Err("must be a NINEA: 7 to 9 digits, optionally a space and a code like 2G3".into())
    }
}

/// RCCM: `SN-` + court (3 letters) + `-` + year + `-` + form letter + `-` + number,
/// as in `SN-DKR-2018-B-12345`.
pub fn rccm(value: &str) -> Result<(), String> {
    let parts: Vec<&str> = value.split('-').collect();
    let valid = parts.len() == 5
        && parts[0] == "SN"
        && parts[1].len() == 3
        && parts[1].chars().all(|c| c.is_ascii_uppercase())
        && parts[2].len() == 4
        && parts[2].chars().all(|c| c.is_ascii_digit())
        && parts[3].len() == 1
        && parts[3].chars().all(|c| c.is_ascii_uppercase())
        && (1..=8).contains(&parts[4].len())
        && parts[4].chars().all(|c| c.is_ascii_digit());
    if valid {
        Ok(())
    } else {
        Err("must be an RCCM number such as SN-DKR-2018-B-12345".into())
    }
}

/// LEI (ISO 17442): 18 letters or digits and two check digits (ISO 7064 mod 97-10).
pub fn lei(value: &str) -> Result<(), String> {
    let invalid = || Err("must be a 20-character LEI with valid check digits".to_owned());
    if value.len() != 20
        || !value
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
    {
        return invalid();
    }
    let remainder = value.chars().fold(0u64, |acc, c| {
        let digits = c.to_digit(36).unwrap_or_default();
        if digits >= 10 {
            (acc * 100 + u64::from(digits)) % 97
        } else {
            (acc * 10 + u64::from(digits)) % 97
        }
    });
    if remainder == 1 { Ok(()) } else { invalid() }
}

/// Text as search compares it: lower case, accents removed.
///
/// Lowered before the accents are removed, so that a capital whose small letter is in the
/// table (`Æ`, `ẞ`) folds as that small letter does, and folding twice changes nothing.
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .flat_map(fold_accent)
        .collect()
}

/// A URL-safe identifier derived from a name: lower-case ASCII words joined by hyphens.
///
/// A slug never has the form of an id (see [`is_id_form`]): a name written as a UUID gives
/// its hex digits without the hyphens, so that no slug can shadow another record's id.
pub fn slugify(name: &str) -> String {
    let slug = slug_of(name);
    if is_id_form(&slug) {
        slug.replace('-', "")
    } else {
        slug
    }
}

/// Whether `text` has the form of a record id: a UUID in its hyphenated form (8-4-4-4-12
/// hexadecimal digits, either case). Lookups by such a text match ids only, never slugs.
pub fn is_id_form(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

fn slug_of(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    let slug: String = slug.chars().take(80).collect();
    if slug.is_empty() {
        "organization".into()
    } else {
        slug.trim_end_matches('-').to_owned()
    }
}

/// The letter without its accent, for the accented letters of French and Wolof.
fn fold_accent(c: char) -> impl Iterator<Item = char> {
    let folded = match c {
        'à' | 'â' | 'ä' | 'á' | 'ã' => "a",
        'À' | 'Â' | 'Ä' | 'Á' | 'Ã' => "A",
        'é' | 'è' | 'ê' | 'ë' => "e",
        'É' | 'È' | 'Ê' | 'Ë' => "E",
        'î' | 'ï' | 'í' => "i",
        'Î' | 'Ï' | 'Í' => "I",
        'ô' | 'ö' | 'ó' | 'õ' => "o",
        'Ô' | 'Ö' | 'Ó' | 'Õ' => "O",
        'ù' | 'û' | 'ü' | 'ú' => "u",
        'Ù' | 'Û' | 'Ü' | 'Ú' => "U",
        'ç' => "c",
        'Ç' => "C",
        'ñ' => "n",
        'Ñ' => "N",
        'œ' => "oe",
        'Œ' => "OE",
        'æ' => "ae",
        'ß' => "ss",
        _ => "",
    };
    let own = folded.is_empty().then_some(c);
    folded.chars().chain(own)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert!(url("https://asepex.sn").is_ok() && url("http://www.optic.sn/membres?x=1").is_ok());
        for bad in [
            "asepex.sn",
            "ftp://x.sn",
            "https://",
            "https://nodot",
            "https://a b.sn",
        ] {
            assert!(url(bad).is_err(), "{bad}");
        }
        assert!(phone("+221338890000").is_ok());
        for bad in ["338890000", "+0221338890000", "+22133 8890000", "+1234"] {
            assert!(phone(bad).is_err(), "{bad}");
        }
        assert!(year(2018).is_ok() && year(1899).is_err() && year(3000).is_err());
    }

    #[test]
    fn registry_identifiers() {
        assert!(ninea("004567890").is_ok() && ninea("004567890 2G3").is_ok() && ninea("1234567").is_ok());
        for bad in ["12345", "00456789O", "004567890 2g3", "004567890 22G"] {
            assert!(ninea(bad).is_err(), "{bad}");
        }
        assert!(rccm("SN-DKR-2018-B-12345").is_ok());
        assert!(rccm("SN-DKR-18-B-12345").is_err() && rccm("FR-DKR-2018-B-1").is_err());
        // A real LEI (the GLEIF's own) and the same with a wrong check digit.
        assert!(lei("506700GE1G29325QX363").is_ok());
        assert!(lei("506700GE1G29325QX364").is_err());
    }

    #[test]
    fn slugs_fold_accents_and_punctuation() {
        assert_eq!(
            slugify("Agence Sénégalaise de Promotion des Exportations"),
            "agence-senegalaise-de-promotion-des-exportations"
        );
        assert_eq!(slugify("  Téléservices & Co. (Dakar) "), "teleservices-co-dakar");
        assert_eq!(slugify("!!!"), "organization");
        assert_eq!(fold("Télécom SÉNÉGAL Œuvre"), "telecom senegal oeuvre");
    }
}
