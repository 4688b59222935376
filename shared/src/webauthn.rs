//! The relying party, over `webauthn-rs-core`: it makes the options and does every check of a
//! response (client data type, challenge, origin, rp id hash, user present and verified
//! flags, algorithm, attestation statement, signature, sign counter), parsing CBOR and COSE
//! itself. This module only chooses the policy (passkeys: resident keys, user verification
//! required, no attestation, ES256/EdDSA/RS256), moves state in and out as JSON, and names
//! each refusal for the logs and metrics. Nothing here is kept between requests.

use crate::config::{AppLinks, WebauthnSettings};
use crate::crypto::{b64url, b64url_decode};
use crate::domain::CEREMONY_TTL_MS;
use serde_json::Value;
use std::time::Duration;
use webauthn_rs_core::WebauthnCore;
use webauthn_rs_core::error::WebauthnError;
use webauthn_rs_core::proto::{
    AttestationConveyancePreference, AuthenticationState, COSEAlgorithm, Credential,
    PublicKeyCredential, RegisterPublicKeyCredential, RegistrationState, UserVerificationPolicy,
};

/// The one credential type WebAuthn defines (the response's `type`).
const PUBLIC_KEY: &str = "public-key";

/// A relying party built from the settings (cheap: a few strings and parsed origins).
pub struct RelyingParty {
    core: WebauthnCore,
}

/// Why a response was refused: a short label for the logs and the failure metric. The client
/// learns only the contract's one answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal(pub &'static str);

/// A credential that passed registration.
#[derive(Debug, Clone)]
pub struct Registered {
    /// base64url
    pub credential_id: String,
    /// The library's credential, as JSON.
    pub credential: String,
    pub counter: u32,
    pub backed_up: bool,
    pub transports: Vec<String>,
}

/// A sign-in that passed: the counter and backup state the authenticator reported.
#[derive(Debug, Clone, Copy)]
pub struct Asserted {
    pub counter: u32,
    pub backed_up: bool,
}

fn refusal(e: &WebauthnError) -> Refusal {
    use WebauthnError as E;
    Refusal(match e {
        E::InvalidClientDataType => "type",
        E::MismatchedChallenge => "challenge",
        E::InvalidRPOrigin => "origin",
        E::InvalidRPIDHash => "rp_id",
        E::UserNotPresent => "user_presence",
        E::UserNotVerified => "user_verification",
        E::CredentialPossibleCompromise => "counter",
        E::AuthenticationFailure => "signature",
        E::CredentialAlteredAlgFromRequest | E::COSEKeyInvalidType => "algorithm",
        _ => "malformed",
    })
}

impl RelyingParty {
    /// The relying party of these settings; `None` without an rp id (a function that does
    /// not check passkeys).
    pub fn new(settings: &WebauthnSettings, apps: &AppLinks) -> Option<RelyingParty> {
        let rp_id = settings.rp_id.as_deref()?;
        let origins = settings
            .origins
            .iter()
            .cloned()
            .chain(apps.android_origins())
            .filter_map(|o| url::Url::parse(&o).ok())
            .collect();
        let timeout = Duration::from_millis(CEREMONY_TTL_MS as u64);
        let core = WebauthnCore::new_unsafe_experts_only(
            &settings.rp_name,
            rp_id,
            origins,
            timeout,
            Some(false),
            Some(false),
        );
        Some(RelyingParty { core })
    }

    /// Options for registering a passkey for the user with `handle`, excluding the
    /// credentials it holds, and the state the finish needs (JSON).
    pub fn start_registration(
        &self,
        handle: &[u8],
        name: &str,
        display_name: &str,
        exclude: Vec<Vec<u8>>,
    ) -> Result<(Value, String), String> {
        let builder = self
            .core
            .new_challenge_register_builder(handle, name, display_name)
            .map_err(|e| e.to_string())?
            .attestation(AttestationConveyancePreference::None)
            .user_verification_policy(UserVerificationPolicy::Required)
            .exclude_credentials(Some(exclude))
            .credential_algorithms(vec![
                COSEAlgorithm::ES256,
                COSEAlgorithm::EDDSA,
                COSEAlgorithm::RS256,
            ])
            .require_resident_key(true);
        let (options, state) = self
            .core
            .generate_challenge_register(builder)
            .map_err(|e| e.to_string())?;
        let options = serde_json::to_value(options.public_key).map_err(|e| e.to_string())?;
        // The excluded credentials stay in the options (the authenticator skips them) but
        // leave the state: the library refuses one as an "altered algorithm", while the store's
        // claim of each credential id refuses any duplicate atomically, as `PASSKEY_EXISTS`.
        let mut state = serde_json::to_value(&state).map_err(|e| e.to_string())?;
        state["exclude_credentials"] = Value::Array(Vec::new());
        Ok((tidy(options), state.to_string()))
    }

    /// Checks a `RegistrationResponseJSON` against the ceremony's `state`.
    pub fn finish_registration(
        &self,
        response: &Value,
        state: &str,
    ) -> Result<Registered, Refusal> {
        let state: RegistrationState = serde_json::from_str(state).map_err(|_| Refusal("state"))?;
        let reg: RegisterPublicKeyCredential =
            serde_json::from_value(response.clone()).map_err(|_| Refusal("malformed"))?;
        if reg.type_ != PUBLIC_KEY {
            return Err(Refusal("type"));
        }
        let cred = self
            .core
            .register_credential(&reg, &state, None)
            .map_err(|e| refusal(&e))?;
        // As the client reported them (a hint, not checked): the known names only.
        let known = ["usb", "nfc", "ble", "smart-card", "hybrid", "internal"];
        let transports = response["response"]["transports"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter(|t| known.contains(t))
            .map(String::from)
            .collect();
        Ok(Registered {
            credential_id: b64url(&cred.cred_id),
            credential: serde_json::to_string(&cred).map_err(|_| Refusal("state"))?,
            counter: cred.counter,
            backed_up: cred.backup_state,
            transports,
        })
    }

    /// Options for a discoverable sign-in (no credential listed, user verification required)
    /// and the state the finish needs (JSON).
    pub fn start_sign_in(&self) -> Result<(Value, String), String> {
        let builder = self
            .core
            .new_challenge_authenticate_builder(Vec::new(), Some(UserVerificationPolicy::Required))
            .map_err(|e| e.to_string())?;
        let (options, state) = self
            .core
            .generate_challenge_authenticate(builder)
            .map_err(|e| e.to_string())?;
        let options = serde_json::to_value(options.public_key).map_err(|e| e.to_string())?;
        let state = serde_json::to_string(&state).map_err(|e| e.to_string())?;
        Ok((tidy(options), state))
    }

    /// Checks an `AuthenticationResponseJSON` against the ceremony's `state` and the stored
    /// credential, whose counter is taken to be `counter`.
    pub fn finish_sign_in(
        &self,
        response: &Assertion,
        state: &str,
        credential: &str,
        counter: u32,
    ) -> Result<Asserted, Refusal> {
        let mut state: AuthenticationState =
            serde_json::from_str(state).map_err(|_| Refusal("state"))?;
        let mut cred: Credential =
            serde_json::from_str(credential).map_err(|_| Refusal("state"))?;
        cred.counter = counter;
        state.set_allowed_credentials(vec![cred.clone()]);
        let done = self
            .core
            .authenticate_single_credential(&response.0, &state, &cred)
            .map_err(|e| refusal(&e))?;
        Ok(Asserted {
            counter: done.counter(),
            backed_up: done.backup_state(),
        })
    }
}

/// A parsed `AuthenticationResponseJSON`: which credential it names, and its user handle.
pub struct Assertion(PublicKeyCredential);

impl Assertion {
    pub fn parse(response: &Value) -> Result<Assertion, Refusal> {
        let parsed: PublicKeyCredential =
            serde_json::from_value(response.clone()).map_err(|_| Refusal("malformed"))?;
        match parsed.type_ == PUBLIC_KEY {
            true => Ok(Assertion(parsed)),
            false => Err(Refusal("type")),
        }
    }

    /// The credential id, base64url.
    pub fn credential_id(&self) -> String {
        b64url(&self.0.raw_id)
    }

    /// The user handle, base64url (discoverable credentials always return one).
    pub fn user_handle(&self) -> Option<String> {
        self.0.get_user_unique_id().map(b64url)
    }
}

/// The ids of credentials as the library lists them (`excludeCredentials`).
pub fn credential_ids<'a>(ids: impl Iterator<Item = &'a str>) -> Vec<Vec<u8>> {
    ids.filter_map(b64url_decode).collect()
}

/// Drops `null` members, which the WebAuthn JSON forms leave out.
fn tidy(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, tidy(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(tidy).collect()),
        other => other,
    }
}
