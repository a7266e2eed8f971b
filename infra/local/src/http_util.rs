//! Small helpers for the hyper servers of the local host.

use bytes::Bytes;
use http::{Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;

/// Largest request body the local host reads: API Gateway's own payload limit.
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

pub type HttpResponse = Response<Full<Bytes>>;

/// Reads a whole request body, up to [`MAX_BODY_BYTES`].
pub async fn read_body(body: Incoming) -> Result<Bytes, String> {
    Limited::new(body, MAX_BODY_BYTES)
        .collect()
        .await
        .map(|collected| collected.to_bytes())
        .map_err(|error| format!("could not read the request body: {error}"))
}

/// Builds a JSON response.
pub fn json(status: StatusCode, body: &serde_json::Value) -> HttpResponse {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}

/// Builds an error response in the API's error body format.
pub fn error(status: StatusCode, code: &str, message: &str) -> HttpResponse {
    json(
        status,
        &serde_json::json!({"error": {"code": code, "message": message}}),
    )
}
