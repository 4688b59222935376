//! A bare `lambda_http` function answering every request with "hello": the cold-start floor
//! the function binaries are compared with (`cargo bench -p integration-tests --bench cold_start`).

use lambda_http::{Body, Error, Request, Response, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::run(service_fn(|_: Request| async {
        Ok::<_, Error>(Response::new(Body::from("hello")))
    }))
    .await
}
