//! Who is calling a service: the signed-in user and the session the request came in on. The
//! HTTP edge builds it from the access token (`auth_context`); services only read it, so they
//! never depend on the edge.

use super::{Session, User};

#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub session: Session,
}
