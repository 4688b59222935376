//! The composition root of a function: the layers every deployed router shares, logging, and
//! the Lambda start (settings, state, or one clear log line and exit).

use crate::aws::Adapters;
use crate::config::{Config, ConfigError, Needs, Runtime};
use crate::http;
use crate::registry::Function;
use crate::state::AppState;
use axum::Router;

/// Adds what every deployed router shares: JSON fallbacks, the body guard, `no-store` caching
/// by default, bearer challenges on 401s and request ids.
pub fn finish(routes: Router<AppState>, state: AppState) -> Router {
    routes
        .fallback(http::not_found)
        .method_not_allowed_fallback(http::method_not_allowed)
        .layer(axum::middleware::from_fn(http::body_guard))
        .layer(axum::middleware::from_fn(http::no_store))
        .layer(axum::middleware::from_fn(http::bearer_challenge))
        .layer(axum::middleware::from_fn(http::request_id))
        .with_state(state)
}

/// JSON logs in Lambda (request id on every line via the request span), readable locally.
pub fn init_logging(runtime: Runtime) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    let _ = match runtime {
        Runtime::Lambda => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .without_time()
            .with_ansi(false)
            .try_init(),
        // Colour only on a terminal: a redirected log stays greppable text.
        Runtime::Local => builder
            .compact()
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
            .try_init(),
    };
}

/// A Lambda function's start: logging, settings and state from the environment, or one clear
/// log line naming what is wrong and exit (never a fallback to development defaults). `needs`
/// says which secrets and senders the function must be given, `adapters` which AWS adapters
/// its binary links.
pub async fn start(function: &str, needs: Needs, adapters: Adapters) -> AppState {
    let runtime = Runtime::detect();
    init_logging(runtime);
    let state = match Config::for_function(runtime, needs) {
        Ok(_) if needs.sms && !adapters.sends_sms() => {
            Err(ConfigError("a function that sends SMS must link SNS".into()).into())
        }
        Ok(config) => AppState::from_config(config, None, adapters).await,
        Err(e) => Err(e.into()),
    };
    match state {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, function, "function cannot start");
            std::process::exit(1);
        }
    }
}

/// A declared function's whole life in Lambda: [`start`] with its needs and adapters, then
/// serve its router.
pub async fn run(function: &Function) -> Result<(), lambda_http::Error> {
    let state = start(function.name, function.needs, function.adapters).await;
    lambda_http::run((function.router)(state)).await
}
