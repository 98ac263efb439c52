//! Password hashing with argon2id, off the async workers and bounded in concurrency, so that a
//! burst of logins can neither stall other requests nor exhaust memory.

use std::sync::Arc;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

use crate::error::ApiError;

/// OWASP's argon2id parameters: 19 MiB of memory, two passes, one lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password now, on this thread. For the command line and start-up.
pub fn hash_now(password: &str) -> anyhow::Result<String> {
    argon2()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
}

fn verify_now(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Hashes and verifies passwords for request handlers.
#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    /// Verified against when the account does not exist, so that an unknown email costs the
    /// same time as a wrong password.
    dummy_hash: Arc<str>,
}

impl Hasher {
    /// At most `concurrency` hashes run at once; the others wait their turn.
    pub fn new(concurrency: usize) -> Self {
        let dummy_hash = hash_now("not the password of anyone at all").expect("hashing works");
        Hasher {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            dummy_hash: dummy_hash.into(),
        }
    }

    /// Half the CPU cores, at least one: hashing never takes every core from the readers.
    pub fn default_concurrency() -> usize {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get() / 2)
            .max(1)
    }

    /// Hashes `password` with a fresh salt.
    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        self.run(move || hash_now(&password).map_err(ApiError::internal))
            .await?
    }

    /// Whether `password` matches `hash`; with no hash, spends the same time and says no.
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, ApiError> {
        let dummy = self.dummy_hash.clone();
        self.run(move || match hash {
            Some(hash) => verify_now(&password, &hash),
            None => {
                verify_now(&password, &dummy);
                false
            }
        })
        .await
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
        let _permit = self.permits.acquire().await.map_err(ApiError::internal)?;
        actix_web::web::block(work).await.map_err(ApiError::internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let hash = hash_now("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(verify_now("correct horse battery", &hash));
        assert!(!verify_now("wrong horse battery", &hash));
        assert!(!verify_now("anything", "not a hash"));
    }
}
