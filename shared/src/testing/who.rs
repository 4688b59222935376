//! Who a test request is made as: an access token, a signed-in user, or an admin's console
//! session, so one `get_as`/`send_as` serves every test crate.

use super::TestUser;

/// Who a test request is made as.
pub enum Who<'a> {
    /// `Authorization: Bearer <token>`.
    Token(&'a str),
    /// The admin console's session cookie (writes as the console sends them).
    Admin(&'a str),
}

/// Anything a test request can be made as.
pub trait AsWho {
    fn who(&self) -> Who<'_>;
}

impl AsWho for str {
    fn who(&self) -> Who<'_> {
        Who::Token(self)
    }
}

impl AsWho for String {
    fn who(&self) -> Who<'_> {
        Who::Token(self)
    }
}

impl AsWho for TestUser {
    fn who(&self) -> Who<'_> {
        Who::Token(&self.access_token)
    }
}
