//! Passkeys: registering them to a signed-in account, listing and removing them, and signing
//! in with one (users through the auth function, admins through the admin function). The
//! relying-party library checks each response (`crate::webauthn`); this service keeps the
//! rules around it: a ceremony is single use, lives 5 minutes, is bound to its kind and (for a
//! registration) to its user; one IP starts at most `PASSKEY_CEREMONIES_PER_IP_HOUR`; failed
//! sign-ins spend the IP's `LOGIN_MAX_PER_IP_HOUR`; a counter that does not grow refuses.

use crate::clock::Clock;
use crate::config::Config;
use crate::crypto::{SecretKey, b64url, random_token};
use crate::domain::{
    AddPasskeyDenied, AuditAction, AuditRecord, CEREMONY_TTL_MS, Ceremony, CeremonyKind, Conflict,
    DEFAULT_PASSKEY_NAME, Error, IpWindow, MAX_PASSKEYS, Passkey, PasskeyId, Result, User, UserId,
};
use crate::metrics::{Metrics, PasskeyEvent};
use crate::services::{Deps, secs_until};
use crate::store::{LoginGuardStore, PasskeyStore, UserStore};
use crate::webauthn::{RelyingParty, credential_ids};
use serde_json::{Value, json};

/// Whose passkeys a route works on: the app's users (auth function) or the console's admins
/// (admin function). Ceremonies of one never finish as the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    User,
    Admin,
}

impl Holder {
    fn register(self) -> CeremonyKind {
        match self {
            Holder::User => CeremonyKind::UserRegister,
            Holder::Admin => CeremonyKind::AdminRegister,
        }
    }

    fn sign_in(self) -> CeremonyKind {
        match self {
            Holder::User => CeremonyKind::UserSignIn,
            Holder::Admin => CeremonyKind::AdminSignIn,
        }
    }
}

/// A started ceremony: its id (only the client holds it) and the options for the client.
#[derive(Debug, Clone)]
pub struct Started {
    pub ceremony_id: String,
    pub options: Value,
}

pub struct Passkeys<'a> {
    passkeys: &'a dyn PasskeyStore,
    users: &'a dyn UserStore,
    /// Failed passkey sign-ins spend the source IP's sign-in budget.
    login_guards: &'a dyn LoginGuardStore,
    metrics: &'a Metrics,
    clock: &'a dyn Clock,
    secret: &'a SecretKey,
    config: &'a Config,
}

impl<'a> Passkeys<'a> {
    pub fn new(d: Deps<'a>) -> Self {
        Passkeys {
            passkeys: &*d.stores.passkeys,
            users: &*d.stores.users,
            login_guards: &*d.stores.login_guards,
            metrics: d.metrics,
            clock: d.clock,
            secret: d.secret,
            config: d.config,
        }
    }

    fn now_ms(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }

    fn rp(&self) -> Result<RelyingParty> {
        let c = self.config;
        RelyingParty::new(&c.webauthn, &c.app_links)
            .ok_or_else(|| Error::internal("passkeys need WEBAUTHN_RP_ID"))
    }

    fn ceremony_hash(&self, ceremony_id: &str) -> String {
        self.secret
            .mac_hex("passkey-ceremony", &[ceremony_id.as_bytes()])
    }

    /// The user handle of `user_id` on authenticators: 16 bytes keyed from the id, stable,
    /// telling nothing about the account (never the phone or the id).
    fn user_handle(&self, user_id: &UserId) -> Vec<u8> {
        self.secret
            .mac("passkey-user-handle", &[user_id.as_bytes()])[..16]
            .to_vec()
    }

    /// Spends one of `ip`'s ceremony starts this hour and stores the ceremony.
    async fn start(&self, c: Ceremony, options: Value, ip: &str) -> Result<Started> {
        let now_ms = self.now_ms();
        let w = IpWindow::at(now_ms, self.config.webauthn.ceremonies_per_ip_hour);
        let spend = self
            .passkeys
            .spend_ceremony_start(ip, w.hour_window, w.max, now_ms);
        if !spend.await? {
            let retry_after = secs_until(w.end_ms(), now_ms);
            return Err(Error::RateLimited { retry_after });
        }
        let ceremony_id = random_token();
        let hash = self.ceremony_hash(&ceremony_id);
        self.passkeys.put_ceremony(&hash, &c).await?;
        Ok(Started {
            ceremony_id,
            options,
        })
    }

    /// Takes the ceremony `ceremony_id` if it is a live one of `kind` (for `user`).
    async fn take(
        &self,
        ceremony_id: &str,
        kind: CeremonyKind,
        user: Option<&UserId>,
    ) -> Result<Ceremony> {
        if ceremony_id.is_empty() || ceremony_id.len() > 128 {
            return Err(Error::CeremonyNotFound);
        }
        let hash = self.ceremony_hash(ceremony_id);
        match self.passkeys.take_ceremony(&hash).await? {
            Some(c) if c.fits(kind, user, self.now_ms()) => Ok(c),
            _ => Err(Error::CeremonyNotFound),
        }
    }

    /// Starts registering a passkey to `user` (refused at the cap before anything is spent).
    pub async fn start_registration(
        &self,
        holder: Holder,
        user: &User,
        ip: &str,
    ) -> Result<Started> {
        let held = self.passkeys.list_passkeys(&user.user_id).await?;
        if held.len() >= MAX_PASSKEYS as usize {
            return Err(Error::Conflict(Conflict::PasskeyLimit));
        }
        let masked = crate::phone::mask(&user.phone);
        let display = match user.name.trim() {
            "" => masked.clone(),
            name => name.to_string(),
        };
        let exclude = credential_ids(held.iter().map(|p| p.credential_id.as_str()));
        let handle = self.user_handle(&user.user_id);
        let (options, state) = self
            .rp()?
            .start_registration(&handle, &masked, &display, exclude)
            .map_err(Error::internal)?;
        let c = Ceremony {
            kind: holder.register(),
            user_id: Some(user.user_id.clone()),
            state,
            expires_at_ms: self.now_ms() + CEREMONY_TTL_MS,
        };
        self.start(c, options, ip).await
    }

    /// Finishes a registration: the ceremony is spent whatever the outcome.
    pub async fn finish_registration(
        &self,
        holder: Holder,
        user: &User,
        ceremony_id: &str,
        credential: &Value,
        name: Option<&str>,
    ) -> Result<Passkey> {
        let name = match name {
            None => DEFAULT_PASSKEY_NAME.to_string(),
            Some(n) => crate::validate::free_text("name", n, 64)?,
        };
        let uid = &user.user_id;
        let c = self.take(ceremony_id, holder.register(), Some(uid)).await?;
        let now_ms = self.now_ms();
        let done = self.rp()?.finish_registration(credential, &c.state);
        let reg = done.map_err(|why| {
            self.metrics.passkey(PasskeyEvent::Failed(why.0), now_ms);
            tracing::info!(reason = why.0, "passkey registration refused");
            Error::PasskeyInvalid
        })?;
        let passkey = Passkey {
            passkey_id: PasskeyId::generate(),
            user_id: uid.clone(),
            name,
            credential_id: reg.credential_id,
            user_handle: b64url(&self.user_handle(uid)),
            credential: reg.credential,
            counter: reg.counter,
            backed_up: reg.backed_up,
            transports: reg.transports,
            created_at_ms: now_ms,
            last_used_at_ms: None,
        };
        match self.passkeys.add_passkey(&passkey, MAX_PASSKEYS).await? {
            Ok(()) => {}
            Err(AddPasskeyDenied::Exists) => return Err(Error::Conflict(Conflict::PasskeyExists)),
            Err(AddPasskeyDenied::Limit) => return Err(Error::Conflict(Conflict::PasskeyLimit)),
            Err(AddPasskeyDenied::NoAccount) => return Err(Error::Unauthorized),
        }
        self.metrics.passkey(PasskeyEvent::Registered, now_ms);
        tracing::info!(passkey_id = %passkey.passkey_id, "passkey registered");
        Ok(passkey)
    }

    /// The user's passkeys, oldest first.
    pub async fn list(&self, user_id: &UserId) -> Result<Vec<Passkey>> {
        Ok(self.passkeys.list_passkeys(user_id).await?)
    }

    /// Removes one of `user_id`'s passkeys; an admin's removal (`by_admin`) is audited in the
    /// same write (the passkey is read first, for its name).
    pub async fn remove(&self, user_id: &UserId, id: &PasskeyId, by_admin: bool) -> Result<()> {
        if !id.is_well_formed() {
            return Err(Error::NotFound("passkey"));
        }
        let audit = match by_admin {
            true => Some(self.removal_audit(user_id, id).await?),
            false => None,
        };
        let removed = self.passkeys.remove_passkey(user_id, id, audit.as_ref());
        match removed.await? {
            Some(_) => Ok(()),
            None => Err(Error::NotFound("passkey")),
        }
    }

    /// The audit record of an admin removing its own passkey `id` (named in `before`), or
    /// `NOT_FOUND` when it holds no such passkey.
    async fn removal_audit(&self, user_id: &UserId, id: &PasskeyId) -> Result<AuditRecord> {
        let held = self.passkeys.list_passkeys(user_id).await?;
        let Some(p) = held.iter().find(|p| p.passkey_id == *id) else {
            return Err(Error::NotFound("passkey"));
        };
        Ok(AuditRecord {
            audit_id: crate::services::admin::audit_id(),
            at_ms: self.now_ms(),
            admin_id: user_id.clone(),
            action: AuditAction::PasskeyRemoved,
            target_user_id: user_id.clone(),
            before: json!({ "passkey_id": id, "name": p.name }),
            after: Value::Null,
        })
    }

    /// Starts a discoverable sign-in (no phone asked, no credential listed).
    pub async fn start_sign_in(&self, holder: Holder, ip: &str) -> Result<Started> {
        let (options, state) = self.rp()?.start_sign_in().map_err(Error::internal)?;
        let c = Ceremony {
            kind: holder.sign_in(),
            user_id: None,
            state,
            expires_at_ms: self.now_ms() + CEREMONY_TTL_MS,
        };
        self.start(c, options, ip).await
    }
}

mod sign_in;
