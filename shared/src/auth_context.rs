//! The authenticated caller: a valid access token whose session is live right now. Every
//! authenticated request loads its session and user, so logout, revocation, suspension and
//! deletion take effect at once.

use crate::api_error::ApiError;
use crate::clock::Clock;
use crate::domain::{Caller, Error};
use crate::http::{BEARER, bearer};
use crate::state::AppState;
use crate::store::{SessionStore, UserStore};
use crate::tokens::TokenKeys;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

/// The extractor's name at the edge for [`Caller`], what services take.
pub type AuthContext = Caller;

const INVALID_TOKEN: &str = "Bearer error=\"invalid_token\"";

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
            Ok(Caller { user, session })
        }
        _ => Err(Error::Unauthorized),
    }
}

impl FromRequestParts<AppState> for AuthContext {
    type Rejection = ApiError;

    /// A missing token is challenged with `Bearer`, a refused one with `invalid_token`
    /// (RFC 6750 3); other 401s of bearer routes get theirs from [`crate::http::bearer_challenge`].
    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, ApiError> {
        let token =
            bearer(&parts.headers).ok_or_else(|| ApiError::unauthorized().challenging(BEARER))?;
        let stores = &s.stores;
        authenticate(&s.keys, &*stores.sessions, &*stores.users, &*s.clock, token)
            .await
            .map_err(|e| match e {
                Error::Unauthorized => ApiError::from(e).challenging(INVALID_TOKEN),
                e => e.into(),
            })
    }
}
