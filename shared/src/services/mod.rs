//! Business rules, one module per endpoint group. Each service takes only the ports it uses
//! and returns domain values and domain errors; the function crates shape them for HTTP.

pub mod admin;
pub mod auth;
pub mod paging;
pub mod pools;
pub mod users;
