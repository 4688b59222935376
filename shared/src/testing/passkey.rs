//! A software passkey (ES256, resident, with user verification) that answers the options the
//! API hands out with the WebAuthn JSON forms a browser or phone would send: the test side of
//! every passkey check. Its knobs make the answers wrong in one way at a time.

use crate::crypto::{b64url, b64url_decode, random_bytes, sha256};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use serde_cbor_2::Value as Cbor;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The origin the test config allows (`http://localhost:<PORT>` with the default port).
pub const TEST_ORIGIN: &str = "http://localhost:3000";

#[derive(Clone)]
pub struct SoftPasskey {
    key: SigningKey,
    pub credential_id: Vec<u8>,
    /// The user handle given at registration (sent back at sign-in).
    pub user_handle: Option<Vec<u8>>,
    /// The origin put in the client data.
    pub origin: String,
    /// The rp id hashed into the authenticator data (`None`: the one in the options).
    pub rp_id: Option<String>,
    /// Sets the user-verified flag.
    pub verify_user: bool,
    /// The sign counter; each sign-in adds `counter_step` first.
    pub counter: u32,
    pub counter_step: u32,
    /// Flips a bit of the signature.
    pub tamper_signature: bool,
}

fn bytes(v: &Value, field: &str) -> Vec<u8> {
    v[field]
        .as_str()
        .and_then(b64url_decode)
        .unwrap_or_default()
}

impl Default for SoftPasskey {
    fn default() -> Self {
        SoftPasskey::new()
    }
}

impl SoftPasskey {
    pub fn new() -> Self {
        let seed = random_bytes::<32>();
        SoftPasskey {
            key: SigningKey::from_slice(&seed).expect("a random scalar is a valid key"),
            credential_id: random_bytes::<16>().to_vec(),
            user_handle: None,
            origin: TEST_ORIGIN.into(),
            rp_id: None,
            verify_user: true,
            counter: 0,
            counter_step: 1,
            tamper_signature: false,
        }
    }

    fn client_data(&self, kind: &str, options: &Value) -> Vec<u8> {
        let challenge = options["challenge"].as_str().unwrap_or_default();
        json!({"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": false})
            .to_string()
            .into_bytes()
    }

    fn auth_data(&self, rp_id: &str, attested: bool) -> Vec<u8> {
        let rp_id = self.rp_id.as_deref().unwrap_or(rp_id);
        let mut flags = 0x01 | if self.verify_user { 0x04 } else { 0 };
        if attested {
            flags |= 0x40;
        }
        let mut data = sha256(rp_id.as_bytes()).to_vec();
        data.push(flags);
        data.extend(self.counter.to_be_bytes());
        data
    }

    fn cose_key(&self) -> Vec<u8> {
        let point = self.key.verifying_key().to_sec1_point(false);
        let xy = &point.as_bytes()[1..];
        let map: BTreeMap<Cbor, Cbor> = BTreeMap::from([
            (Cbor::Integer(1), Cbor::Integer(2)),
            (Cbor::Integer(3), Cbor::Integer(-7)),
            (Cbor::Integer(-1), Cbor::Integer(1)),
            (Cbor::Integer(-2), Cbor::Bytes(xy[..32].to_vec())),
            (Cbor::Integer(-3), Cbor::Bytes(xy[32..].to_vec())),
        ]);
        serde_cbor_2::to_vec(&Cbor::Map(map)).expect("a COSE key encodes")
    }

    /// A `RegistrationResponseJSON` for creation `options`.
    pub fn register(&mut self, options: &Value) -> Value {
        self.user_handle = Some(bytes(&options["user"], "id"));
        let rp_id = options["rp"]["id"].as_str().unwrap_or_default().to_string();
        let mut auth_data = self.auth_data(&rp_id, true);
        auth_data.extend([0u8; 16]);
        auth_data.extend((self.credential_id.len() as u16).to_be_bytes());
        auth_data.extend(&self.credential_id);
        auth_data.extend(self.cose_key());
        let attestation = BTreeMap::from([
            (Cbor::Text("fmt".into()), Cbor::Text("none".into())),
            (Cbor::Text("attStmt".into()), Cbor::Map(BTreeMap::new())),
            (Cbor::Text("authData".into()), Cbor::Bytes(auth_data)),
        ]);
        let attestation = serde_cbor_2::to_vec(&Cbor::Map(attestation)).expect("encodes");
        let id = b64url(&self.credential_id);
        json!({
            "id": id, "rawId": id, "type": "public-key",
            "response": {
                "clientDataJSON": b64url(&self.client_data("webauthn.create", options)),
                "attestationObject": b64url(&attestation),
                "transports": ["internal", "hybrid"],
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        })
    }

    /// An `AuthenticationResponseJSON` for request `options`.
    pub fn sign_in(&mut self, options: &Value) -> Value {
        self.counter += self.counter_step;
        let rp_id = options["rpId"].as_str().unwrap_or_default().to_string();
        let auth_data = self.auth_data(&rp_id, false);
        let client_data = self.client_data("webauthn.get", options);
        let mut signed = auth_data.clone();
        signed.extend(sha256(&client_data));
        let signature: Signature = self.key.sign(&signed);
        let mut signature = signature.to_der().as_bytes().to_vec();
        if self.tamper_signature {
            let last = signature.len() - 1;
            signature[last] ^= 1;
        }
        let id = b64url(&self.credential_id);
        json!({
            "id": id, "rawId": id, "type": "public-key",
            "response": {
                "clientDataJSON": b64url(&client_data),
                "authenticatorData": b64url(&auth_data),
                "signature": b64url(&signature),
                "userHandle": self.user_handle.as_deref().map(b64url),
            },
            "clientExtensionResults": {},
        })
    }
}

/// Helpers that drive the passkey routes under `prefix` (`/v1/auth` or `/v1/admin`).
impl super::TestApp {
    /// Starts a registration as `who`: `(ceremony_id, options)`.
    pub async fn passkey_register_options(
        &self,
        prefix: &str,
        who: &(impl super::AsWho + ?Sized),
    ) -> (String, Value) {
        let path = format!("{prefix}/passkeys/register/options");
        let r = self
            .send_as(axum::http::Method::POST, &path, Some(json!({})), who)
            .await;
        let data = super::assert_ok(&r, 200);
        (
            data["ceremony_id"].as_str().unwrap_or_default().into(),
            data["options"].clone(),
        )
    }

    /// Registers `key` as `who`; the response of the finish.
    pub async fn passkey_register(
        &self,
        prefix: &str,
        who: &(impl super::AsWho + ?Sized),
        key: &mut SoftPasskey,
    ) -> super::TestResponse {
        let (ceremony_id, options) = self.passkey_register_options(prefix, who).await;
        let body = json!({"ceremony_id": ceremony_id, "credential": key.register(&options)});
        let path = format!("{prefix}/passkeys");
        self.send_as(axum::http::Method::POST, &path, Some(body), who)
            .await
    }

    /// A new software passkey registered to `who` (asserting it was).
    pub async fn enrolled_passkey(
        &self,
        prefix: &str,
        who: &(impl super::AsWho + ?Sized),
    ) -> SoftPasskey {
        let mut key = SoftPasskey::new();
        let r = self.passkey_register(prefix, who, &mut key).await;
        super::assert_ok(&r, 201);
        key
    }

    /// Starts a sign-in: `(ceremony_id, options)`.
    pub async fn passkey_login_options(&self, prefix: &str) -> (String, Value) {
        let path = format!("{prefix}/passkeys/login/options");
        let r = self.post(&path, json!({})).await;
        let data = super::assert_ok(&r, 200);
        (
            data["ceremony_id"].as_str().unwrap_or_default().into(),
            data["options"].clone(),
        )
    }

    /// Signs in to the app with `key` (a fresh ceremony); the response.
    pub async fn passkey_login(&self, key: &mut SoftPasskey) -> super::TestResponse {
        let (ceremony_id, options) = self.passkey_login_options("/v1/auth").await;
        let body = json!({"ceremony_id": ceremony_id, "credential": key.sign_in(&options)});
        self.post("/v1/auth/passkeys/login", body).await
    }
}
