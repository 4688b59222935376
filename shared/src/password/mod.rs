//! Password hashing with argon2id at OWASP's minimum (m = 19456 KiB, t = 2, p = 1), of the
//! NFKC form of the password. Verification of a missing account or password runs against a
//! fixed dummy hash so an unknown phone costs the same work as a wrong password.

pub mod policy;

pub use policy::{Weakness, normalize};

use argon2::password_hash::phc::{Output, ParamsString, Salt};
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, Version};
use std::sync::Mutex;
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

/// argon2's working memory (19 MiB a run), kept and reused instead of allocated per run: the
/// allocator keeps a freed block of that size in the arena of the thread that freed it, so
/// allocating per run on the blocking pool's many threads grows the process by 19 MiB per
/// thread and never gives it back. At most one set per run at once (bounded by the callers'
/// permits: one per core), taken from here and put back.
static MEMORY: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());

fn memory_sets() -> std::sync::MutexGuard<'static, Vec<Vec<Block>>> {
    MEMORY.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `argon` over `password` and `salt` into `out`, in a reused set of memory blocks.
fn compute(argon: &Argon2<'_>, password: &[u8], salt: &[u8], out: &mut [u8]) -> bool {
    let _running = Running::start();
    let blocks = argon.params().block_count();
    let mut memory = memory_sets().pop().unwrap_or_default();
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    let done = memory.get_mut(..blocks).is_some_and(|m| {
        argon
            .hash_password_into_with_memory(password, salt, out, m)
            .is_ok()
    });
    memory_sets().push(memory);
    done
}

/// Sets of argon2 memory kept for reuse (tests and the memory bench read it).
pub fn memory_sets_kept() -> usize {
    memory_sets().len()
}

/// PHC-string argon2id hash of `password` (NFKC) with a fresh 16-byte CSPRNG salt.
pub fn hash(password: &str) -> Result<String, HashError> {
    let argon = hasher();
    let salt = crate::crypto::random_bytes::<16>();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    if !compute(&argon, normalize(password).as_bytes(), &salt, &mut out) {
        return Err(HashError);
    }
    let phc = PasswordHash {
        algorithm: argon2::ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(argon.params()).map_err(|_| HashError)?,
        salt: Some(Salt::new(&salt).map_err(|_| HashError)?),
        hash: Some(Output::new(&out).map_err(|_| HashError)?),
    };
    Ok(phc.to_string())
}

/// True when `password` hashes to `stored` (a PHC string) with its own parameters; the
/// outputs are compared in constant time ([`Output`]'s equality).
fn matches(password: &[u8], stored: &str) -> bool {
    let Ok(phc) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&phc.salt, &phc.hash) else {
        return false;
    };
    let algorithm = Algorithm::try_from(phc.algorithm.as_str());
    let version = phc
        .version
        .map(Version::try_from)
        .unwrap_or(Ok(Version::V0x13));
    let (Ok(algorithm), Ok(version), Ok(params)) = (algorithm, version, Params::try_from(&phc))
    else {
        return false;
    };
    let argon = Argon2::new(algorithm, version, params);
    let mut out = vec![0u8; expected.len()];
    compute(&argon, password, salt, &mut out) && Output::new(&out).is_ok_and(|o| o == *expected)
}

/// Verifies `password` against `stored`, or against the dummy hash when there is none, so that
/// both paths do the same argon2 work. Returns true only for a real match. The NFKC form is
/// tried first; a password whose NFKC form differs is also tried as given (hashes made before
/// normalization), on both paths alike.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    let normalized = normalize(password);
    let mut forms = vec![normalized.as_str()];
    if normalized != password {
        forms.push(password);
    }
    forms.into_iter().any(|form| match stored {
        Some(h) => matches(form.as_bytes(), h),
        None => {
            let _ = matches(form.as_bytes(), DUMMY_HASH);
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
    fn hashes_agree_with_the_library_and_memory_is_reused() {
        use argon2::{PasswordHasher, PasswordVerifier};
        let theirs = hasher()
            .hash_password_with_salt(b"correct horse", b"sixteen byte slt")
            .unwrap()
            .to_string();
        assert!(verify("correct horse", Some(&theirs)));
        assert!(!verify("correct horsE", Some(&theirs)));
        let ours = hash("correct horse").unwrap();
        assert!(
            hasher()
                .verify_password(b"correct horse", ours.as_str())
                .is_ok()
        );
        assert!(memory_sets_kept() >= 1, "the blocks went back for reuse");
        assert!(!verify("x", Some("$argon2id$v=19$m=19456,t=2,p=1$bad")));
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
