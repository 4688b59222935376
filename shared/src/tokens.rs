//! Access tokens (EdDSA JWT, algorithm pinned), the JWKS that publishes their key, and
//! refresh tokens (256-bit keyed values bound to a session and its rotation generation).

use crate::crypto::{SecretKey, b64url, b64url_decode, ct_eq, sha256};
use crate::domain::{Role, SessionId, UserId};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
use base64::Engine as _;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The claims of an access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: UserId,
    pub sid: SessionId,
    pub role: Role,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("JWT_SIGNING_KEY is not an Ed25519 PKCS#8 PEM private key")]
    BadKey,
    #[error("JWT_PUBLIC_KEY is not an Ed25519 public key in base64url (the JWKS `x`)")]
    BadPublicKey,
}

/// The signing key and what verifies against it; only the function that issues tokens holds
/// the signing key, the others verify with the public key alone.
pub struct TokenKeys {
    encoding: Option<EncodingKey>,
    decoding: DecodingKey,
    public_x: String,
    kid: String,
    issuer: String,
    audience: String,
    max_lifetime: i64,
}

/// What an access token may live when no lifetime is configured: the longest
/// `ACCESS_TOKEN_TTL_SECONDS` allows.
const DEFAULT_MAX_LIFETIME: i64 = 86_400;
/// Clock skew tolerated between the issuing function and a verifying one.
const SKEW: i64 = 60;

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl TokenKeys {
    /// Loads a PKCS#8 PEM Ed25519 private key (`\n` escapes accepted, for env vars).
    pub fn from_pem(pem: &str, issuer: &str, audience: &str) -> Result<Self, KeyError> {
        let pem = pem.replace("\\n", "\n");
        let body: String = pem
            .lines()
            .map(str::trim)
            .filter(|l| !l.starts_with("-----") && !l.is_empty())
            .collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(body)
            .map_err(|_| KeyError::BadKey)?;
        Self::from_pkcs8_der(&der, issuer, audience)
    }

    /// Verification only, from the public key as published in the JWKS (`x`, base64url).
    pub fn verify_only(public_x: &str, issuer: &str, audience: &str) -> Result<Self, KeyError> {
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(public_x.trim())
            .map_err(|_| KeyError::BadPublicKey)?;
        if raw.len() != 32 {
            return Err(KeyError::BadPublicKey);
        }
        let public_x = b64url(&raw);
        let decoding =
            DecodingKey::from_ed_components(&public_x).map_err(|_| KeyError::BadPublicKey)?;
        Ok(Self::assemble(None, decoding, public_x, issuer, audience))
    }

    fn assemble(
        encoding: Option<EncodingKey>,
        decoding: DecodingKey,
        public_x: String,
        issuer: &str,
        audience: &str,
    ) -> Self {
        // RFC 7638 thumbprint as the key id.
        let thumb = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{public_x}"}}"#);
        let kid = b64url(&sha256(thumb.as_bytes()));
        TokenKeys {
            encoding,
            decoding,
            public_x,
            kid,
            issuer: issuer.to_string(),
            audience: audience.to_string(),
            max_lifetime: DEFAULT_MAX_LIFETIME,
        }
    }

    /// Refuses tokens meant to live longer than `seconds` (the configured access-token
    /// lifetime): a token signed with the key but with a far `exp` is not one this service
    /// issued.
    pub fn with_max_lifetime(mut self, seconds: i64) -> Self {
        self.max_lifetime = seconds;
        self
    }

    /// The public key as published in the JWKS (`x`): what `JWT_PUBLIC_KEY` takes.
    pub fn public_x(&self) -> &str {
        &self.public_x
    }

    /// A fresh key pair (local development only).
    pub fn generate(issuer: &str, audience: &str) -> Result<Self, KeyError> {
        let doc =
            Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).map_err(|_| KeyError::BadKey)?;
        Self::from_pkcs8_der(doc.as_ref(), issuer, audience)
    }

    /// PEM of a freshly generated key, for tooling and tests.
    pub fn generate_pem() -> Result<String, KeyError> {
        let doc =
            Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).map_err(|_| KeyError::BadKey)?;
        let b64 = base64::engine::general_purpose::STANDARD.encode(doc.as_ref());
        Ok(format!(
            "-----BEGIN PRIVATE KEY-----\n{b64}\n-----END PRIVATE KEY-----\n"
        ))
    }

    fn from_pkcs8_der(der: &[u8], issuer: &str, audience: &str) -> Result<Self, KeyError> {
        let pair = Ed25519KeyPair::from_pkcs8(der).map_err(|_| KeyError::BadKey)?;
        let public_x = b64url(pair.public_key().as_ref());
        let decoding = DecodingKey::from_ed_components(&public_x).map_err(|_| KeyError::BadKey)?;
        let encoding = Some(EncodingKey::from_ed_der(der));
        Ok(Self::assemble(
            encoding, decoding, public_x, issuer, audience,
        ))
    }

    /// Signs an access token for a session (an error where only the public key was given).
    pub fn issue(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
        role: Role,
        now: i64,
        ttl: i64,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: user_id.clone(),
            sid: session_id.clone(),
            role,
            iat: now,
            exp: now + ttl,
            jti: uuid::Uuid::new_v4().to_string(),
        };
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        let Some(encoding) = &self.encoding else {
            return Err(jsonwebtoken::errors::ErrorKind::InvalidKeyFormat.into());
        };
        jsonwebtoken::encode(&header, &claims, encoding)
    }

    /// Verifies signature (EdDSA only), issuer, audience, expiry against `now` and lifetime;
    /// a header with `crit` is refused (no JWS extension is understood, RFC 7515 4.1.11).
    pub fn verify(&self, token: &str, now: i64) -> Option<Claims> {
        if names_critical_extensions(token) {
            return None;
        }
        let mut v = Validation::new(Algorithm::EdDSA);
        v.algorithms = vec![Algorithm::EdDSA];
        v.set_issuer(&[&self.issuer]);
        v.set_audience(&[&self.audience]);
        v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        // Expiry is checked against our clock below, so tests can move time.
        v.validate_exp = false;
        let c = jsonwebtoken::decode::<Claims>(token, &self.decoding, &v)
            .ok()?
            .claims;
        let live = c.exp > now && c.iat <= now + SKEW;
        // With `iat` at most SKEW ahead, this also bounds `exp` to now + lifetime + SKEW.
        let lifetime = c.exp - c.iat <= self.max_lifetime;
        (live && lifetime).then_some(c)
    }

    /// The JWKS document publishing the verification key.
    pub fn jwks(&self) -> Value {
        json!({ "keys": [{
            "kty": "OKP", "crv": "Ed25519", "x": self.public_x,
            "kid": self.kid, "alg": "EdDSA", "use": "sig",
        }]})
    }
}

/// Whether the token's header has a `crit` member (or cannot be read, which decoding refuses
/// anyway).
fn names_critical_extensions(token: &str) -> bool {
    token
        .split('.')
        .next()
        .and_then(b64url_decode)
        .and_then(|h| serde_json::from_slice::<serde_json::Map<String, Value>>(&h).ok())
        .is_none_or(|h| h.contains_key("crit"))
}

/// A parsed refresh token: `<user_id>.<session_id>.<generation>.<mac>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshToken {
    pub user_id: UserId,
    pub session_id: SessionId,
    pub generation: u64,
    mac: String,
}

impl RefreshToken {
    /// The token of `generation` for a session: 256 bits of HMAC under `SECRET_KEY` over the
    /// session's random seed, so the store never holds a usable token.
    pub fn derive(
        key: &SecretKey,
        user_id: &UserId,
        session_id: &SessionId,
        seed: &str,
        generation: u64,
    ) -> String {
        let mac = key.mac(
            "refresh",
            &[
                session_id.as_bytes(),
                seed.as_bytes(),
                &generation.to_be_bytes(),
            ],
        );
        format!("{user_id}.{session_id}.{generation}.{}", b64url(&mac))
    }

    pub fn parse(token: &str) -> Option<RefreshToken> {
        let mut it = token.split('.');
        let (user_id, session_id, generation, mac) =
            (it.next()?, it.next()?, it.next()?, it.next()?);
        if it.next().is_some()
            || user_id.is_empty()
            || session_id.is_empty()
            || user_id.len() > 64
            || session_id.len() > 64
        {
            return None;
        }
        Some(RefreshToken {
            user_id: UserId::new(user_id),
            session_id: SessionId::new(session_id),
            generation: canonical_number(generation)?,
            mac: mac.to_string(),
        })
    }

    /// Constant-time check that this token was derived for `seed` at its generation.
    pub fn matches(&self, key: &SecretKey, seed: &str) -> bool {
        let expected = key.mac(
            "refresh",
            &[
                self.session_id.as_bytes(),
                seed.as_bytes(),
                &self.generation.to_be_bytes(),
            ],
        );
        match b64url_decode(&self.mac) {
            Some(given) => ct_eq(&given, &expected),
            None => false,
        }
    }
}

/// A generation as [`RefreshToken::derive`] writes it: decimal digits without sign or leading
/// zero, so one token has one spelling.
fn canonical_number(s: &str) -> Option<u64> {
    let digits = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let canonical = digits && (s == "0" || !s.starts_with('0'));
    canonical.then(|| s.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::from_pem(&TokenKeys::generate_pem().unwrap(), "iss", "aud").unwrap()
    }

    #[test]
    fn access_token_roundtrip_and_claims() {
        let k = keys();
        let t = k
            .issue(&"u1".into(), &"s1".into(), Role::User, 1_000, 900)
            .unwrap();
        let c = k.verify(&t, 1_001).unwrap();
        assert_eq!(
            (c.sub.as_str(), c.sid.as_str(), c.role),
            ("u1", "s1", Role::User)
        );
        assert_eq!(
            (c.iss.as_str(), c.aud.as_str(), c.iat, c.exp),
            ("iss", "aud", 1_000, 1_900)
        );
        assert!(!c.jti.is_empty());
        assert!(k.verify(&t, 1_900).is_none(), "expired at exp");
    }

    #[test]
    fn the_public_key_alone_verifies_but_cannot_sign() {
        let signer = keys();
        let verifier = TokenKeys::verify_only(signer.public_x(), "iss", "aud").unwrap();
        let t = signer
            .issue(&"u1".into(), &"s1".into(), Role::User, 1_000, 900)
            .unwrap();
        assert_eq!(verifier.verify(&t, 1_001).unwrap().sub, "u1");
        assert!(
            verifier
                .issue(&"u1".into(), &"s1".into(), Role::User, 1_000, 900)
                .is_err()
        );
        assert_eq!(verifier.jwks(), signer.jwks(), "same key id and x");
        for bad in ["", "not base64!", "AAAA"] {
            assert!(TokenKeys::verify_only(bad, "iss", "aud").is_err(), "{bad}");
        }
    }

    #[test]
    fn rejects_other_keys_audiences_and_algorithms() {
        let k = keys();
        let t = keys()
            .issue(&"u1".into(), &"s1".into(), Role::User, 1_000, 900)
            .unwrap();
        assert!(k.verify(&t, 1_001).is_none(), "wrong signer");
        let pem = TokenKeys::generate_pem().unwrap();
        let a = TokenKeys::from_pem(&pem, "iss", "aud").unwrap();
        let b = TokenKeys::from_pem(&pem, "iss", "other").unwrap();
        assert!(
            b.verify(
                &a.issue(&"u".into(), &"s".into(), Role::User, 1, 900)
                    .unwrap(),
                2
            )
            .is_none()
        );
        // An HS256 token must never be accepted, whatever its key.
        let hs = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &json!({"iss":"iss","aud":"aud","sub":"u","sid":"s","role":"admin","iat":1,"exp":9_999_999_999i64,"jti":"j"}),
            &EncodingKey::from_secret(a.public_x.as_bytes()),
        )
        .unwrap();
        assert!(a.verify(&hs, 2).is_none());
        assert!(a.verify("not.a.jwt", 2).is_none());
    }

    /// Signs `header` and `claims` as given with `k`'s key.
    fn sign_raw(k: &TokenKeys, header: Value, claims: Value) -> String {
        let msg = format!(
            "{}.{}",
            b64url(header.to_string().as_bytes()),
            b64url(claims.to_string().as_bytes())
        );
        let sig = jsonwebtoken::crypto::sign(
            msg.as_bytes(),
            k.encoding.as_ref().unwrap(),
            Algorithm::EdDSA,
        )
        .unwrap();
        format!("{msg}.{sig}")
    }

    #[test]
    fn refuses_lifetimes_beyond_the_configured_one_and_critical_headers() {
        let k = keys().with_max_lifetime(900);
        assert!(
            k.verify(
                &k.issue(&"u".into(), &"s".into(), Role::User, 1_000, 900)
                    .unwrap(),
                1_001
            )
            .is_some()
        );
        let long = k
            .issue(&"u".into(), &"s".into(), Role::User, 1_000, 100_000)
            .unwrap();
        assert!(k.verify(&long, 1_001).is_none(), "exp - iat beyond 900");
        let claims = json!({"iss":"iss","aud":"aud","sub":"u","sid":"s","role":"user","iat":1_000,"exp":1_900,"jti":"j"});
        let plain = sign_raw(&k, json!({"alg":"EdDSA","typ":"JWT"}), claims.clone());
        assert!(k.verify(&plain, 1_001).is_some(), "the raw signer works");
        let crit = json!({"alg":"EdDSA","typ":"JWT","crit":["exp"],"exp":1});
        assert!(
            k.verify(&sign_raw(&k, crit, claims.clone()), 1_001)
                .is_none()
        );
        let mut far = claims;
        far["exp"] = json!(99_999_999_999i64);
        let far = sign_raw(&k, json!({"alg":"EdDSA"}), far);
        assert!(
            k.verify(&far, 1_001).is_none(),
            "a far exp with a valid signature"
        );
    }

    #[test]
    fn jwks_publishes_the_key_and_pem_escapes_work() {
        let pem = TokenKeys::generate_pem().unwrap();
        let k = TokenKeys::from_pem(&pem.replace('\n', "\\n"), "iss", "aud").unwrap();
        let jwks = k.jwks();
        let key = &jwks["keys"][0];
        assert_eq!(key["kty"], "OKP");
        assert_eq!(key["crv"], "Ed25519");
        assert_eq!(key["alg"], "EdDSA");
        let x = key["x"].as_str().unwrap();
        let dk = DecodingKey::from_ed_components(x).unwrap();
        let t = k
            .issue(&"u".into(), &"s".into(), Role::User, 1, 900)
            .unwrap();
        let mut v = Validation::new(Algorithm::EdDSA);
        v.set_audience(&["aud"]);
        v.validate_exp = false;
        assert!(jsonwebtoken::decode::<Claims>(&t, &dk, &v).is_ok());
        assert!(TokenKeys::from_pem("garbage", "i", "a").is_err());
    }

    #[test]
    fn refresh_tokens_bind_session_seed_and_generation() {
        let key = SecretKey::new(b"0123456789abcdef0123456789abcdef");
        let t = RefreshToken::derive(&key, &"u1".into(), &"s1".into(), "seed", 3);
        let p = RefreshToken::parse(&t).unwrap();
        assert_eq!(
            (p.user_id.as_str(), p.session_id.as_str(), p.generation),
            ("u1", "s1", 3)
        );
        assert!(p.matches(&key, "seed"));
        assert!(!p.matches(&key, "other-seed"));
        let forged = t.replace(".3.", ".4.");
        assert!(!RefreshToken::parse(&forged).unwrap().matches(&key, "seed"));
        assert!(RefreshToken::parse("a.b.c").is_none());
        assert!(RefreshToken::parse("a.b.x.d").is_none());
        for spelling in [".03.", ".+3.", ". 3.", ".3 ."] {
            let t = t.replace(".3.", spelling);
            assert!(RefreshToken::parse(&t).is_none(), "{spelling}");
        }
        assert_eq!(RefreshToken::parse("a.b.0.d").unwrap().generation, 0);
        let mac_len = t.rsplit('.').next().unwrap().len();
        assert_eq!(mac_len, 43, "256-bit value in base64url");
    }
}
