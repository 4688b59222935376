//! Sessions: opening one, refresh-token rotation with a grace window and reuse detection,
//! listing and revoking, and the caller's devices.

use super::Auth;
use super::login::validate_device;
use crate::crypto::random_token;
use crate::domain::{
    Caller, Device, Error, MAX_DEVICES, MAX_SESSIONS, Result, Session, SessionId, User,
};
use crate::tokens::RefreshToken;

/// The credentials of a session: a short-lived access token and its refresh token.
#[derive(Debug, Clone)]
pub struct IssuedTokens {
    pub access_token: String,
    pub refresh_token: String,
    /// Seconds the access token lives.
    pub expires_in: i64,
}

impl Auth<'_> {
    /// Opens a session for `user` (optionally on a device) and issues its first tokens.
    pub async fn start_session(&self, user: &User, device: Option<Device>) -> Result<IssuedTokens> {
        let now_ms = self.now_ms();
        if let Some(d) = &device {
            self.devices
                .put_device(&user.user_id, d, now_ms, MAX_DEVICES)
                .await?;
        }
        let session = Session {
            user_id: user.user_id.clone(),
            session_id: SessionId::generate(),
            epoch: user.session_epoch,
            seed: random_token(),
            generation: 0,
            rotated_at_ms: None,
            device_id: device.as_ref().map(|d| d.device_id.clone()),
            platform: device.as_ref().map(|d| d.platform),
            created_at_ms: now_ms,
            last_used_at_ms: now_ms,
            expires_at_ms: self.session_expiry(now_ms, now_ms),
        };
        self.sessions.put_session(&session, MAX_SESSIONS).await?;
        self.users.record_login(&user.user_id, now_ms).await?;
        self.tokens_for(user, &session, session.generation)
    }

    /// When a session created at `created_ms` and used at `now_ms` expires: a refresh-token
    /// lifetime from now, but never past the absolute lifetime.
    fn session_expiry(&self, created_ms: i64, now_ms: i64) -> i64 {
        let sliding = now_ms + self.config.refresh_token_ttl_seconds * 1000;
        sliding.min(created_ms + self.config.session_max_age_seconds * 1000)
    }

    fn tokens_for(&self, user: &User, session: &Session, generation: u64) -> Result<IssuedTokens> {
        let ttl = self.config.access_token_ttl_seconds;
        let access_token = self
            .keys
            .issue(
                &user.user_id,
                &session.session_id,
                self.config.role_of(user),
                self.clock.now().timestamp(),
                ttl,
            )
            .map_err(Error::internal)?;
        Ok(IssuedTokens {
            access_token,
            refresh_token: RefreshToken::derive(
                self.secret,
                &user.user_id,
                &session.session_id,
                &session.seed,
                generation,
            ),
            expires_in: ttl,
        })
    }

    /// Rotates a refresh token. A token presented again within the grace window gets the same
    /// successor; later, it revokes the session (reuse detection).
    pub async fn refresh(&self, refresh_token: &str) -> Result<IssuedTokens> {
        let rt = RefreshToken::parse(refresh_token).ok_or(Error::Unauthorized)?;
        let now_ms = self.now_ms();
        let (session, user) = tokio::try_join!(
            self.sessions.get_session(&rt.user_id, &rt.session_id),
            self.users.get_user(&rt.user_id)
        )?;
        let (Some(session), Some(user)) = (session, user) else {
            return Err(Error::Unauthorized);
        };
        if !rt.matches(self.secret, &session.seed) || !session.is_live(&user, now_ms) {
            return Err(Error::Unauthorized);
        }
        let grace_ms = self.config.refresh_reuse_grace_seconds * 1000;
        // A grace of zero means none: not even a refresh in the same millisecond shares it.
        let within_grace = |s: &Session| {
            grace_ms > 0
                && s.generation == rt.generation + 1
                && s.rotated_at_ms.is_some_and(|r| now_ms - r <= grace_ms)
        };
        let successor = if session.generation == rt.generation {
            let expires = self.session_expiry(session.created_at_ms, now_ms);
            let sessions = self.sessions;
            if sessions
                .rotate_session(&rt.user_id, &rt.session_id, rt.generation, now_ms, expires)
                .await?
            {
                rt.generation + 1
            } else {
                // Lost a race with a concurrent refresh of the same token: same successor.
                match sessions.get_session(&rt.user_id, &rt.session_id).await? {
                    Some(s) if within_grace(&s) => s.generation,
                    _ => return Err(Error::Unauthorized),
                }
            }
        } else if within_grace(&session) {
            session.generation
        } else {
            self.sessions
                .delete_session(&rt.user_id, &rt.session_id)
                .await?;
            tracing::warn!(phone = %crate::phone::mask(&user.phone), "refresh token reuse: session revoked");
            return Err(Error::Unauthorized);
        };
        self.tokens_for(&user, &session, successor)
    }

    /// Ends the caller's session at once.
    pub async fn logout(&self, ctx: &Caller) -> Result<()> {
        self.sessions
            .delete_session(&ctx.user.user_id, &ctx.session.session_id)
            .await?;
        Ok(())
    }

    /// The caller's live sessions, oldest first.
    pub async fn sessions(&self, ctx: &Caller) -> Result<Vec<Session>> {
        let now_ms = self.now_ms();
        let mut live: Vec<Session> = self
            .sessions
            .list_sessions(&ctx.user.user_id)
            .await?
            .into_iter()
            .filter(|s| s.is_live(&ctx.user, now_ms))
            .collect();
        live.sort_by_key(|s| s.created_at_ms);
        Ok(live)
    }

    /// Revokes one of the caller's live sessions.
    pub async fn revoke_session(&self, ctx: &Caller, session_id: &SessionId) -> Result<()> {
        // Session ids are UUIDs: anything else is no session (and never reaches the store).
        if uuid::Uuid::try_parse(session_id).is_err() {
            return Err(Error::NotFound("session"));
        }
        let uid = &ctx.user.user_id;
        let live = match self.sessions.get_session(uid, session_id).await? {
            Some(s) => s.is_live(&ctx.user, self.now_ms()),
            None => false,
        };
        if !live || !self.sessions.delete_session(uid, session_id).await? {
            return Err(Error::NotFound("session"));
        }
        Ok(())
    }

    /// Inserts or replaces one of the caller's devices by `device_id`.
    pub async fn upsert_device(&self, ctx: &Caller, device: Device) -> Result<Device> {
        let device = validate_device(device, "")?;
        self.devices
            .put_device(&ctx.user.user_id, &device, self.now_ms(), MAX_DEVICES)
            .await?;
        Ok(device)
    }
}
