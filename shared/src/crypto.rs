//! Small crypto helpers: CSPRNG bytes, keyed hashes, sealing and constant-time comparison.
//! Everything secret that we persist (OTP codes, verification tokens) is stored only as
//! HMAC-SHA256 under `SECRET_KEY`; what must be read back (document numbers) is sealed with
//! AES-256-GCM under a key derived from it. Comparisons of secrets go through [`ct_eq`].

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use aws_lc_rs::{digest, hmac, rand as lc_rand};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use subtle::ConstantTimeEq;

/// The server-side key used for keyed hashes. Never logged, never serialized.
#[derive(Clone)]
pub struct SecretKey(hmac::Key);

impl SecretKey {
    pub fn new(bytes: &[u8]) -> Self {
        SecretKey(hmac::Key::new(hmac::HMAC_SHA256, bytes))
    }

    /// HMAC-SHA256 over `parts`, each length-prefixed so that ("ab","c") != ("a","bc").
    pub fn mac(&self, domain: &str, parts: &[&[u8]]) -> [u8; 32] {
        let mut ctx = hmac::Context::with_key(&self.0);
        for p in std::iter::once(domain.as_bytes()).chain(parts.iter().copied()) {
            ctx.update(&(p.len() as u64).to_be_bytes());
            ctx.update(p);
        }
        let tag = ctx.sign();
        let mut out = [0u8; 32];
        out.copy_from_slice(tag.as_ref());
        out
    }

    /// Hex of [`Self::mac`], the form we store.
    pub fn mac_hex(&self, domain: &str, parts: &[&[u8]]) -> String {
        hex::encode(self.mac(domain, parts))
    }

    /// The AES-256-GCM key of `domain`, derived from this key (never the key itself).
    fn aead_key(&self, domain: &str) -> LessSafeKey {
        let derived = self.mac("aead-key", &[domain.as_bytes()]);
        // A 32-byte key is always valid for AES-256.
        let key = UnboundKey::new(&AES_256_GCM, &derived).unwrap_or_else(|_| std::process::abort());
        LessSafeKey::new(key)
    }

    /// Encrypts `plaintext` bound to `aad` (it opens only with the same `aad`): base64url of a
    /// random 96-bit nonce followed by the ciphertext and tag.
    pub fn seal(&self, domain: &str, aad: &[u8], plaintext: &[u8]) -> String {
        let nonce = random_bytes::<NONCE_LEN>();
        let mut buf = plaintext.to_vec();
        let sealed = self.aead_key(domain).seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(aad),
            &mut buf,
        );
        if sealed.is_err() {
            // Only an input beyond GCM's limit (64 GiB) fails.
            std::process::abort();
        }
        let mut out = nonce.to_vec();
        out.extend(buf);
        b64url(&out)
    }

    /// The plaintext of [`Self::seal`], or `None` if it was altered, sealed under another key
    /// or bound to another `aad`.
    pub fn open(&self, domain: &str, aad: &[u8], sealed: &str) -> Option<Vec<u8>> {
        let bytes = b64url_decode(sealed)?;
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, ct) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut buf = ct.to_vec();
        let plain = self
            .aead_key(domain)
            .open_in_place(nonce, Aad::from(aad), &mut buf)
            .ok()?;
        Some(plain.to_vec())
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

/// `n` bytes from the operating system CSPRNG.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    // aws-lc's system RNG only fails if the OS RNG is unavailable, which is unrecoverable.
    if lc_rand::fill(&mut buf).is_err() {
        std::process::abort();
    }
    buf
}

/// A uniformly random integer in `0..bound` (rejection sampling, no modulo bias).
pub fn random_below(bound: u32) -> u32 {
    assert!(bound > 0, "bound must be positive");
    let zone = u32::MAX - (u32::MAX % bound);
    loop {
        let v = u32::from_be_bytes(random_bytes::<4>());
        if v < zone {
            return v % bound;
        }
    }
}

/// `len` random decimal digits from the CSPRNG.
pub fn random_digits(len: usize) -> String {
    (0..len)
        .map(|_| char::from(b'0' + random_below(10) as u8))
        .collect()
}

/// 8 random lowercase hex characters.
pub fn random_hex8() -> String {
    hex::encode(random_bytes::<4>())
}

/// A random 256-bit token, base64url without padding.
pub fn random_token() -> String {
    b64url(&random_bytes::<32>())
}

pub fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn b64url_decode(s: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(s).ok()
}

pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    let d = digest::digest(&digest::SHA256, bytes);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

/// Constant-time equality of two byte strings (length is not secret).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_is_keyed_and_length_prefixed() {
        let k1 = SecretKey::new(b"k1-0123456789abcdef0123456789abcdef");
        let k2 = SecretKey::new(b"k2-0123456789abcdef0123456789abcdef");
        assert_ne!(k1.mac("d", &[b"x"]), k2.mac("d", &[b"x"]));
        assert_ne!(k1.mac("d", &[b"ab", b"c"]), k1.mac("d", &[b"a", b"bc"]));
        assert_ne!(k1.mac("d1", &[b"x"]), k1.mac("d2", &[b"x"]));
        assert_eq!(k1.mac_hex("d", &[b"x"]).len(), 64);
    }

    #[test]
    fn sealing_binds_key_domain_and_associated_data() {
        let k1 = SecretKey::new(b"k1-0123456789abcdef0123456789abcdef");
        let k2 = SecretKey::new(b"k2-0123456789abcdef0123456789abcdef");
        let a = k1.seal("doc", b"user-1", b"234567890124");
        let b = k1.seal("doc", b"user-1", b"234567890124");
        assert_ne!(a, b, "a fresh nonce each time");
        assert!(!a.contains("234567890124"));
        assert_eq!(k1.open("doc", b"user-1", &a).unwrap(), b"234567890124");
        assert!(k1.open("doc", b"user-2", &a).is_none());
        assert!(k1.open("other", b"user-1", &a).is_none());
        assert!(k2.open("doc", b"user-1", &a).is_none());
        let mut t = b64url_decode(&a).unwrap();
        t[14] ^= 1;
        assert!(k1.open("doc", b"user-1", &b64url(&t)).is_none());
        assert!(k1.open("doc", b"user-1", "AA").is_none());
    }

    #[test]
    fn digits_and_hex_have_the_right_shape() {
        for _ in 0..200 {
            let d = random_digits(6);
            assert_eq!(d.len(), 6);
            assert!(d.bytes().all(|b| b.is_ascii_digit()));
            let h = random_hex8();
            assert_eq!(h.len(), 8);
            assert!(h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
        }
    }

    #[test]
    fn random_below_covers_range_without_escaping_it() {
        let mut seen = [false; 10];
        for _ in 0..2000 {
            let v = random_below(10) as usize;
            seen[v] = true;
        }
        assert!(seen.iter().all(|s| *s));
    }

    #[test]
    fn ct_eq_compares() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"ab"));
    }
}
