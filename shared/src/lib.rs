//! The common crate of every function: configuration, domain rules, storage and SMS ports
//! with their adapters, tokens, passwords, phone numbers, and the HTTP envelope.

pub mod app;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod error;
pub mod http;
pub mod model;
pub mod password;
pub mod phone;
pub mod services;
pub mod sms;
pub mod store;
#[cfg(feature = "testing")]
pub mod testing;
pub mod tokens;
pub mod validate;
