//! Passkeys (WebAuthn credentials) and the ceremonies that register and use them. The
//! cryptography is the relying-party library's (`crate::webauthn`); these are the records as
//! stored and the rules the stores enforce atomically: one credential one account, at most
//! [`MAX_PASSKEYS`] per user, a ceremony used once, a sign counter that only grows.

use super::ids::{PasskeyId, UserId};
use super::state_enum;
use serde::{Deserialize, Serialize};

/// Passkeys one account may hold.
pub const MAX_PASSKEYS: u32 = 10;
/// A ceremony lives this long (also the `timeout` the client is given).
pub const CEREMONY_TTL_MS: i64 = 5 * 60_000;
/// The name of a passkey registered without one.
pub const DEFAULT_PASSKEY_NAME: &str = "Passkey";

state_enum!(
    /// What a ceremony is for; a ceremony finishes only as the kind it was started as.
    CeremonyKind {
        UserRegister => "user.register",
        UserSignIn => "user.sign_in",
        AdminRegister => "admin.register",
        AdminSignIn => "admin.sign_in",
    }
);

impl CeremonyKind {
    pub fn is_registration(self) -> bool {
        matches!(
            self,
            CeremonyKind::UserRegister | CeremonyKind::AdminRegister
        )
    }
}

/// A started ceremony, stored under a keyed hash of its id (the id exists only in the client).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ceremony {
    pub kind: CeremonyKind,
    /// The user a registration is for (`None` for a sign-in: the passkey names its user).
    pub user_id: Option<UserId>,
    /// The library's ceremony state (JSON): the challenge and what the finish must check.
    pub state: String,
    pub expires_at_ms: i64,
}

impl Ceremony {
    /// Usable by a finish of `kind` for `user` at `now_ms`.
    pub fn fits(&self, kind: CeremonyKind, user: Option<&UserId>, now_ms: i64) -> bool {
        self.kind == kind && self.user_id.as_ref() == user && now_ms < self.expires_at_ms
    }
}

/// A registered passkey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Passkey {
    pub passkey_id: PasskeyId,
    pub user_id: UserId,
    pub name: String,
    /// The credential id (base64url), unique across accounts.
    pub credential_id: String,
    /// The user handle the authenticator holds for this account (base64url).
    pub user_handle: String,
    /// The library's credential (JSON): public key, algorithm, flags (its counter is
    /// [`Passkey::counter`]'s, set before each check).
    pub credential: String,
    /// The last sign counter seen; a use must move it from this value.
    pub counter: u32,
    pub backed_up: bool,
    pub transports: Vec<String>,
    pub created_at_ms: i64,
    pub last_used_at_ms: Option<i64>,
}

/// A verified use of a passkey, applied only if its counter is still `counter_was`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyUse {
    pub user_id: UserId,
    pub passkey_id: PasskeyId,
    pub counter_was: u32,
    pub counter: u32,
    pub backed_up: bool,
    pub at_ms: i64,
}

/// Why a passkey was not added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddPasskeyDenied {
    /// The credential is already registered (to this account or another).
    Exists,
    /// The account holds [`MAX_PASSKEYS`].
    Limit,
    /// The account is gone or being deleted.
    NoAccount,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ceremony_fits_only_its_kind_user_and_lifetime() {
        let c = Ceremony {
            kind: CeremonyKind::UserRegister,
            user_id: Some("u1".into()),
            state: "{}".into(),
            expires_at_ms: 1000,
        };
        let u1 = UserId::from("u1");
        assert!(c.fits(CeremonyKind::UserRegister, Some(&u1), 999));
        assert!(!c.fits(CeremonyKind::UserRegister, Some(&u1), 1000));
        assert!(!c.fits(CeremonyKind::AdminRegister, Some(&u1), 0));
        assert!(!c.fits(CeremonyKind::UserRegister, Some(&"u2".into()), 0));
        assert!(!c.fits(CeremonyKind::UserRegister, None, 0));
    }
}
