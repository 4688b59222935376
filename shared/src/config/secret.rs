//! A setting that is a secret (the token signing key, `SECRET_KEY`): `Debug` never shows it, so
//! a logged or printed `Config` cannot leak it, and code reads it only through
//! [`Secret::expose`], which is easy to find in a review.

#[derive(Clone, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Self {
        Secret(value)
    }

    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> std::fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}
