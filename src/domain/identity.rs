//! Rules for accounts: email addresses and the password policy.

/// Shortest password accepted (OWASP ASVS: at least 12 characters).
pub const PASSWORD_MIN: usize = 12;
/// Longest password accepted; long passphrases are welcome, unbounded input is not.
pub const PASSWORD_MAX: usize = 128;
/// Longest email address (RFC 5321 path limit).
const EMAIL_MAX: usize = 254;

/// The canonical form of an email: trimmed and lower-cased, so that uniqueness ignores case.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A plausible address: `local@domain`, domain labels of letters, digits and hyphens.
pub fn check_email(email: &str) -> Result<(), String> {
    let invalid = || Err("must be an email address such as name@example.org".to_owned());
    if email.is_empty() || email.len() > EMAIL_MAX {
        return invalid();
    }
    let Some((local, domain)) = email.rsplit_once('@') else {
        return invalid();
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local
            .chars()
            .all(|c| c.is_ascii_graphic() && !"@\"(),:;<>[\\]".contains(c));
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if local_ok && domain.split('.').all(label_ok) {
        Ok(())
    } else {
        invalid()
    }
}

/// The password policy: 12 to 128 characters, and not the account's email.
pub fn check_password(password: &str, email: &str) -> Result<(), String> {
    let length = password.chars().count();
    if !(PASSWORD_MIN..=PASSWORD_MAX).contains(&length) {
        return Err(format!(
            "must be {PASSWORD_MIN} to {PASSWORD_MAX} characters long"
        ));
    }
    if normalize_email(password) == normalize_email(email) {
        return Err("must not be the email address".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for good in ["a@b.sn", "admin@localhost", "first.last+tag@asepex.sn"] {
            assert!(check_email(good).is_ok(), "{good}");
        }
        for bad in ["", "no-at", "@x.sn", "a@", "a@-x.sn", "a b@x.sn", "a@x..sn"] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
        assert_eq!(normalize_email("  Awa@ASEPEX.sn "), "awa@asepex.sn");
    }

    #[test]
    fn password_policy() {
        assert!(check_password("short", "a@b.sn").is_err());
        assert!(check_password(&"x".repeat(129), "a@b.sn").is_err());
        assert!(check_password(&"x".repeat(128), "a@b.sn").is_ok());
        assert!(check_password("Long.Enough@x.sn", "long.enough@x.sn").is_err());
        assert!(check_password("correct horse battery", "a@b.sn").is_ok());
    }
}
