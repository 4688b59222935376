//! Password hashing with argon2id at OWASP's minimum (m = 19456 KiB, t = 2, p = 1), of the
//! NFKC form of the password. Verification of a missing account or password runs against a
//! fixed dummy hash so an unknown phone costs the same work as a wrong password.

pub mod policy;

pub use policy::{Weakness, normalize};

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use std::sync::atomic::{AtomicUsize, Ordering};

/// argon2 runs going on now, and the most there ever were at once (memory is 19 MiB each).
static RUNNING: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// Counts one argon2 run while alive.
struct Running;

impl Running {
    fn start() -> Running {
        let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
        PEAK.fetch_max(now, Ordering::SeqCst);
        Running
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The most argon2 runs this process had at once.
pub fn peak_concurrency() -> usize {
    PEAK.load(Ordering::SeqCst)
}

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 128;

fn hasher() -> Argon2<'static> {
    // These constants are valid parameters; `Params::new` only fails for out-of-range values.
    let params = Params::new(19_456, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed")]
pub struct HashError;

/// PHC-string argon2id hash of `password` (NFKC) with a fresh 16-byte CSPRNG salt.
pub fn hash(password: &str) -> Result<String, HashError> {
    let _running = Running::start();
    let salt = crate::crypto::random_bytes::<16>();
    hasher()
        .hash_password_with_salt(normalize(password).as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| HashError)
}

/// Verifies `password` against `stored`, or against the dummy hash when there is none, so that
/// both paths do the same argon2 work. Returns true only for a real match. The NFKC form is
/// tried first; a password whose NFKC form differs is also tried as given (hashes made before
/// normalization), on both paths alike.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    let _running = Running::start();
    let normalized = normalize(password);
    let mut forms = vec![normalized.as_str()];
    if normalized != password {
        forms.push(password);
    }
    forms.into_iter().any(|form| match stored {
        Some(h) => hasher().verify_password(form.as_bytes(), h).is_ok(),
        None => {
            let _ = hasher().verify_password(form.as_bytes(), DUMMY_HASH);
            false
        }
    })
}

/// A hash of a random password nobody knows (generated once and discarded), with the same
/// parameters as every stored hash: verifying against it costs the same argon2 work, and
/// nothing is computed at start.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$bj6BzAofxEJV77bCi/wOYw$uP2rYW9TvoIzfxlmKQRInH5rUREe9tz0iJGQBHP642E";

/// Checks the contract's length rule (8..=128 characters).
pub fn valid_length(password: &str) -> bool {
    (MIN_LEN..=MAX_LEN).contains(&password.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_argon2id_with_owasp_params() {
        let h = hash("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("correct horse", Some(&h)));
        assert!(!verify("wrong horse", Some(&h)));
        assert!(!verify("correct horse", None));
        assert_ne!(hash("correct horse").unwrap(), h, "salts must differ");
    }

    #[test]
    fn dummy_hash_has_the_same_parameters_and_does_the_work() {
        assert!(DUMMY_HASH.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        let parsed = argon2::PasswordHash::new(DUMMY_HASH).unwrap();
        let real = hash("anything at all 1").unwrap();
        let real = argon2::PasswordHash::new(&real).unwrap();
        assert_eq!(parsed.params, real.params);
        assert_eq!(parsed.hash.map(|h| h.len()), real.hash.map(|h| h.len()));
        assert!(!verify("anything at all 1", None));
    }

    #[test]
    fn length_rule_counts_characters() {
        assert!(!valid_length("1234567"));
        assert!(valid_length("12345678"));
        assert!(valid_length(&"é".repeat(128)));
        assert!(!valid_length(&"a".repeat(129)));
    }
}
