//! Collects every violation of a request, so that one 422 lists them all.

use crate::error::{ApiError, FieldError};

/// The violations found so far.
#[derive(Debug, Default)]
pub struct Violations(Vec<FieldError>);

impl Violations {
    /// Records that `field` is invalid.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    /// Records the error of a check that failed.
    pub fn check(&mut self, field: &str, outcome: Result<(), String>) {
        if let Err(message) = outcome {
            self.add(field, message);
        }
    }

    /// `Ok` when nothing was recorded, else one 422 with every violation.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}

/// A text of `min..=max` characters, not blank, without control characters.
pub fn text(value: &str, min: usize, max: usize) -> Result<(), String> {
    let length = value.chars().count();
    if value.trim().is_empty() && min > 0 {
        return Err("must not be blank".into());
    }
    if length < min || length > max {
        return Err(format!("must be {min} to {max} characters long"));
    }
    if value.chars().any(char::is_control) {
        return Err("must not contain control characters".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_violations_are_reported_together() {
        let mut violations = Violations::default();
        violations.check("a", text("", 1, 5));
        violations.check("b", text("fine", 1, 5));
        violations.check("c", text("far too long", 1, 5));
        let Err(ApiError::Validation(errors)) = violations.finish() else {
            panic!("expected a 422")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["a", "c"]);
    }

    #[test]
    fn text_refuses_control_characters() {
        assert!(text("a\u{0}b", 1, 10).is_err());
        assert!(text("  ", 1, 10).is_err());
        assert!(text("Sénégal", 1, 7).is_ok());
    }
}
