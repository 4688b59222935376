//! HTTP plumbing shared by every function, in three parts: request bodies ([`body`]: the JSON
//! guard and the strict JSON extractor), what else a request carries ([`params`]: query, path,
//! source IP, bearer token) and the layers around every router ([`middleware`]).

mod body;
mod middleware;
mod numbers;
mod params;

pub use body::{JsonBody, MAX_BODY_BYTES, body_guard, is_json, parse_json};
pub use middleware::{
    BEARER, MAX_LOGGED_PATH, REQUEST_ID_HEADER, bearer_challenge, clip, method_not_allowed,
    no_store, not_found, request_id,
};
pub use params::{
    PathPair, PathParam, Replayed, SourceIp, bearer, decode_param, idempotent_replayed,
    limit_param, query_params,
};
