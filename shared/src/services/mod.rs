//! Business rules, one module per endpoint group. Functions call these; they hold no logic.

pub mod auth;
pub mod pools;
