//! Typed ids from short literals, so a test reads `get_user(&uid("u1"))`.

use crate::domain::{E164, PoolId, SessionId, UserId};

pub fn uid(id: &str) -> UserId {
    UserId::new(id)
}

pub fn pid(id: &str) -> PoolId {
    PoolId::new(id)
}

pub fn sid(id: &str) -> SessionId {
    SessionId::new(id)
}

pub fn e164(phone: &str) -> E164 {
    E164::new(phone)
}
