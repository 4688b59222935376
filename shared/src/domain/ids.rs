//! Typed identifiers. A user id, a pool id, a session id and a phone number are all strings on
//! the wire and in the tables; in ports and services each has its own type, so passing a pool id
//! where a user id belongs, or a user id where a phone belongs, does not compile.
//!
//! Each is a transparent string (serde and DynamoDB see the plain value) and reads as `&str`
//! where a key is built. Only the server mints ids ([`UserId::generate`] and friends); an
//! [`E164`] comes from [`crate::phone::Phone`] parsing user input, or from a record that was
//! validated before it was stored.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a value that already is one (read from a record, a token or a path).
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl PartialEq<&$name> for $name {
            fn eq(&self, other: &&$name) -> bool {
                self.0 == other.0
            }
        }

        impl From<&$name> for String {
            fn from(id: &$name) -> String {
                id.0.clone()
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
    };
}

macro_rules! from_string {
    ($name:ident) => {
        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }
    };
}

macro_rules! minted_id {
    ($name:ident) => {
        minted_id!($name, new_v4);
    };
    ($name:ident, $uuid:ident) => {
        from_string!($name);

        impl $name {
            /// A fresh id (a UUID: random, or time-ordered where the type says so).
            pub fn generate() -> Self {
                Self(uuid::Uuid::$uuid().to_string())
            }

            /// True when the value has the shape of an id this server mints (a UUID), so a
            /// malformed path parameter is refused before any read.
            pub fn is_well_formed(&self) -> bool {
                uuid::Uuid::try_parse(&self.0).is_ok()
            }
        }
    };
}

string_id!(
    /// An account's id (a UUID), the partition of everything the user owns.
    UserId
);
minted_id!(UserId);

string_id!(
    /// A savings pool's id (a UUID).
    PoolId
);
from_string!(PoolId);

string_id!(
    /// A sign-in session's id (a UUID), carried in the access token's `sid`.
    SessionId
);
minted_id!(SessionId);

string_id!(
    /// A loan's id (a UUID).
    LoanId
);
// Time-ordered (UUID v7): a user's loans list newest first by key.
minted_id!(LoanId, now_v7);

string_id!(
    /// A passkey's id (a UUID; the credential's own id stays inside the record).
    PasskeyId
);
minted_id!(PasskeyId);

string_id!(
    /// A phone number in E.164 form (`+919876543210`). Made by [`crate::phone::Phone`] from
    /// user input, or with [`E164::new`] from a record or token that held a validated one.
    E164
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_plain_strings_on_the_wire() {
        let id = UserId::from("0f8fad5b-d9cb-469f-a165-70867728950e");
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"0f8fad5b-d9cb-469f-a165-70867728950e\"");
        let back: UserId = serde_json::from_str(&json).unwrap();
        assert_eq!(back, id);
        assert!(id.is_well_formed());
        assert!(!UserId::from("nope").is_well_formed());
    }

    #[test]
    fn generated_ids_differ_and_are_well_formed() {
        let (a, b) = (SessionId::generate(), SessionId::generate());
        assert_ne!(a, b);
        assert!(a.is_well_formed() && b.is_well_formed());
    }
}
