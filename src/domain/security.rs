//! The kinds of security events administrators can read: what happened to a credential.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a security event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SecurityEventKind {
    /// A login with the right password.
    LoginSucceeded,
    /// A login or a password change whose password was wrong, or whose account is unknown
    /// or inactive (`detail` says which, never the password).
    LoginFailed,
    /// An attempt refused unchecked, past the login limits.
    LoginThrottled,
    /// A user changed their password.
    PasswordChanged,
    /// An administrator changed a user's role.
    RoleChanged,
    /// An administrator activated or deactivated a user.
    ActiveChanged,
    /// An API key was created.
    KeyCreated,
    /// An API key was revoked.
    KeyRevoked,
    /// A used refresh token came back: its session was revoked.
    SessionReused,
    /// An administrator invited someone.
    InvitationIssued,
    /// An invitation was used: its account exists.
    InvitationAccepted,
    /// A password-reset token was issued (by an administrator or the command line).
    PasswordResetIssued,
    /// A password was set with a reset token; every session of the user ended.
    PasswordReset,
}

impl SecurityEventKind {
    /// Every kind, in the order above.
    pub const ALL: [SecurityEventKind; 13] = [
        SecurityEventKind::LoginSucceeded,
        SecurityEventKind::LoginFailed,
        SecurityEventKind::LoginThrottled,
        SecurityEventKind::PasswordChanged,
        SecurityEventKind::RoleChanged,
        SecurityEventKind::ActiveChanged,
        SecurityEventKind::KeyCreated,
        SecurityEventKind::KeyRevoked,
        SecurityEventKind::SessionReused,
        SecurityEventKind::InvitationIssued,
        SecurityEventKind::InvitationAccepted,
        SecurityEventKind::PasswordResetIssued,
        SecurityEventKind::PasswordReset,
    ];

    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            SecurityEventKind::LoginSucceeded => "login_succeeded",
            SecurityEventKind::LoginFailed => "login_failed",
            SecurityEventKind::LoginThrottled => "login_throttled",
            SecurityEventKind::PasswordChanged => "password_changed",
            SecurityEventKind::RoleChanged => "role_changed",
            SecurityEventKind::ActiveChanged => "active_changed",
            SecurityEventKind::KeyCreated => "key_created",
            SecurityEventKind::KeyRevoked => "key_revoked",
            SecurityEventKind::SessionReused => "session_reused",
            SecurityEventKind::InvitationIssued => "invitation_issued",
            SecurityEventKind::InvitationAccepted => "invitation_accepted",
            SecurityEventKind::PasswordResetIssued => "password_reset_issued",
            SecurityEventKind::PasswordReset => "password_reset",
        }
    }

    /// The kind named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_serialised_names() {
        for kind in SecurityEventKind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
            assert_eq!(SecurityEventKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(SecurityEventKind::parse("login"), None);
    }
}
