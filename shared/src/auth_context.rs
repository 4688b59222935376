//! The authenticated caller: a valid access token whose session is live right now. Every
//! authenticated request loads its session and user, so logout, revocation, suspension and
//! deletion take effect at once.

use crate::clock::Clock;
use crate::domain::{Error, Session, User};
use crate::error::ApiError;
use crate::http::bearer;
use crate::state::AppState;
use crate::store::{SessionStore, UserStore};
use crate::tokens::{Claims, TokenKeys};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

#[derive(Debug, Clone)]
pub struct AuthContext {
    pub user: User,
    pub session: Session,
    pub claims: Claims,
}

/// Resolves an access token to a live session.
pub async fn authenticate(
    keys: &TokenKeys,
    sessions: &dyn SessionStore,
    users: &dyn UserStore,
    clock: &dyn Clock,
    token: &str,
) -> Result<AuthContext, Error> {
    let now = clock.now();
    let claims = keys
        .verify(token, now.timestamp())
        .ok_or(Error::Unauthorized)?;
    let (session, user) = tokio::try_join!(
        sessions.get_session(&claims.sub, &claims.sid),
        users.get_user(&claims.sub)
    )?;
    match (session, user) {
        (Some(session), Some(user)) if session.is_live(&user, now.timestamp_millis()) => {
            Ok(AuthContext {
                user,
                session,
                claims,
            })
        }
        _ => Err(Error::Unauthorized),
    }
}

impl FromRequestParts<AppState> for AuthContext {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, ApiError> {
        let token = bearer(&parts.headers).ok_or(Error::Unauthorized)?;
        let stores = &s.stores;
        Ok(authenticate(&s.keys, &*stores.sessions, &*stores.users, &*s.clock, token).await?)
    }
}
