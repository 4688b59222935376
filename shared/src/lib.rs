//! The common crate of every function: configuration, the domain and its rules, the storage
//! and SMS ports with their adapters, tokens, passwords, phone numbers, and the HTTP edge
//! (envelope, extractors, OpenAPI pieces). See ARCHITECTURE.md for the map.

#![warn(unreachable_pub)]

pub mod admin_context;
pub mod api_error;
pub mod app;
pub mod auth_context;
pub mod aws;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod domain;
pub mod field_schemas;
pub mod http;
pub mod metrics;
pub mod objects;
pub mod openapi;
pub mod password;
pub mod phone;
pub mod registry;
pub mod services;
pub mod sms;
pub mod state;
pub mod store;
#[cfg(feature = "testing")]
pub mod testing;
pub mod tokens;
pub mod validate;
pub mod views;
pub mod webauthn;
