//! Creating accounts: from the API, the command line, and the first start.

use super::password;
use super::secret::new_password;
use crate::db::users::{self, NewUser, UserRow};
use crate::db::{DbConnection, Pool};
use crate::domain::identity::{check_email, check_password, normalize_email};
use crate::domain::role::Role;
use crate::domain::validation::Violations;
use crate::error::ApiError;

/// A validated request for a new account.
pub struct NewAccount {
    email: String,
    password: String,
    role: Role,
    organization_id: Option<String>,
}

impl NewAccount {
    /// Checks every field and reports all violations at once.
    pub fn validate(
        email: &str,
        password: String,
        role: Role,
        organization_id: Option<String>,
    ) -> Result<Self, ApiError> {
        let email = normalize_email(email);
        let mut violations = Violations::default();
        violations.check("email", check_email(&email));
        violations.check("password", check_password(&password, &email));
        if let Some(organization) = &organization_id {
            violations.check(
                "organization_id",
                crate::domain::validation::text(organization, 1, 64),
            );
        }
        violations.finish()?;
        Ok(NewAccount {
            email,
            password,
            role,
            organization_id,
        })
    }

    /// The row to store, with the password hashed by `hash`.
    pub fn into_row(self, password_hash: String) -> NewUser {
        let now = crate::db::now();
        NewUser {
            id: uuid::Uuid::now_v7().to_string(),
            email: self.email,
            password_hash,
            role: self.role.as_str().to_owned(),
            organization_id: self.organization_id,
            active: true,
            token_generation: 0,
            created_at: now,
            updated_at: now,
        }
    }

    /// The password to hash.
    pub fn password(&self) -> &str {
        &self.password
    }
}

/// Creates an account on this thread (command line, start-up).
pub fn create_now(conn: &mut DbConnection, account: NewAccount) -> anyhow::Result<UserRow> {
    let hash = password::hash_now(account.password())?;
    users::insert(conn, &account.into_row(hash)).map_err(|e| anyhow::anyhow!("{}", e.problem().detail))
}

/// On a database without users, creates the first administrator. Returns the password when it
/// was generated, for the caller to show once.
pub fn bootstrap_admin(
    pool: &Pool,
    email: &str,
    password: Option<&str>,
) -> anyhow::Result<Option<(UserRow, Option<String>)>> {
    let mut conn = pool.get()?;
    if users::count(&mut conn).map_err(|e| anyhow::anyhow!("{e}"))? > 0 {
        return Ok(None);
    }
    let generated = password.is_none().then(new_password);
    let chosen = password
        .map(str::to_owned)
        .or_else(|| generated.clone())
        .unwrap_or_default();
    let account = NewAccount::validate(email, chosen, Role::Admin, None).map_err(describe)?;
    Ok(Some((create_now(&mut conn, account)?, generated)))
}

/// One line for a validation failure outside HTTP.
pub fn describe(err: ApiError) -> anyhow::Error {
    match err {
        ApiError::Validation(errors) => {
            let parts: Vec<String> = errors
                .iter()
                .map(|e| format!("{} {}", e.field, e.message))
                .collect();
            anyhow::anyhow!("{}", parts.join("; "))
        }
        other => anyhow::anyhow!("{}", other.problem().detail),
    }
}
