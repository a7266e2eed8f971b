//! The local AWS endpoint: Lambda `Invoke` runs a worker in-process with Lambda's semantics
//! (a failed handler answers 200 with `X-Amz-Function-Error: Unhandled` and an error payload);
//! every other request is forwarded to moto unchanged. Both are counted in the call log.

use std::sync::Arc;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use shared::AppContext;
use tokio::net::TcpListener;
use tracing::Instrument;

use crate::call_log::{self, Call, CallLog};
use crate::http_util::{HttpResponse, read_body};
use crate::workers;

pub struct AwsEndpoint {
    pub moto_url: String,
    pub http: reqwest::Client,
    /// The context workers run with, set once the bootstrap is done.
    pub context: Arc<tokio::sync::OnceCell<AppContext>>,
    /// The calls served so far, by service and operation.
    pub calls: CallLog,
}

/// Accepts connections until the process stops.
pub async fn serve(listener: TcpListener, endpoint: Arc<AwsEndpoint>) {
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(connection) => connection,
            Err(error) => {
                tracing::warn!(%error, "AWS endpoint could not accept a connection");
                continue;
            }
        };
        let endpoint = endpoint.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let endpoint = endpoint.clone();
                async move { Ok::<_, std::convert::Infallible>(handle(&endpoint, request).await) }
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service);
            if let Err(error) = connection.await {
                tracing::debug!(%error, "AWS endpoint connection closed with an error");
            }
        });
    }
}

/// Returns the function name of a Lambda `Invoke` path, accepting a name or an ARN.
pub fn invoked_function(method: &http::Method, path: &str) -> Option<String> {
    if method != http::Method::POST {
        return None;
    }
    let name = path
        .strip_prefix("/2015-03-31/functions/")?
        .strip_suffix("/invocations")?;
    let name = percent_decode(name);
    Some(match name.rsplit_once(":function:") {
        Some((_, rest)) => rest.split(':').next().unwrap_or(rest).to_owned(),
        None => name,
    })
}

fn percent_decode(text: &str) -> String {
    form_urlencoded::parse(format!("x={text}").as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_else(|| text.to_owned())
}

async fn handle(endpoint: &AwsEndpoint, request: Request<Incoming>) -> HttpResponse {
    let path = request.uri().path().to_owned();
    if request.method() == http::Method::GET && path == call_log::PATH {
        return crate::http_util::json(StatusCode::OK, &endpoint.calls.to_json());
    }
    match invoked_function(request.method(), &path) {
        Some(function) => {
            endpoint.calls.record("lambda", "Invoke");
            invoke(endpoint, &function, request).await
        }
        None => forward(endpoint, request).await,
    }
}

async fn invoke(
    endpoint: &AwsEndpoint,
    function: &str,
    request: Request<Incoming>,
) -> HttpResponse {
    if !workers::exists(function) {
        let mut response = crate::http_util::json(
            StatusCode::NOT_FOUND,
            &serde_json::json!({"Type": "User", "message": format!("Function not found: {function}")}),
        );
        response.headers_mut().insert(
            "x-amzn-errortype",
            http::HeaderValue::from_static("ResourceNotFoundException"),
        );
        return response;
    }
    let Some(context) = endpoint.context.get() else {
        return crate::http_util::error(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "the local host is still starting",
        );
    };
    let body = match read_body(request.into_body()).await {
        Ok(body) => body,
        Err(message) => {
            return crate::http_util::error(
                StatusCode::BAD_REQUEST,
                "InvalidRequestContentException",
                &message,
            );
        }
    };
    let input: serde_json::Value = if body.is_empty() {
        serde_json::Value::Object(Default::default())
    } else {
        match serde_json::from_slice(&body) {
            Ok(value) => value,
            Err(error) => {
                return crate::http_util::error(
                    StatusCode::BAD_REQUEST,
                    "InvalidRequestContentException",
                    &format!("could not parse the payload as JSON: {error}"),
                );
            }
        }
    };
    let request_id = shared::uri::new_uri();
    let span = tracing::info_span!("invoke", function, request_id = %request_id);
    let result = workers::invoke(context, function, input)
        .instrument(span.clone())
        .await;
    let (payload, failed) = match result {
        Ok(output) => (output, false),
        Err(error) => {
            span.in_scope(|| tracing::warn!(error = %error, "worker failed"));
            (error.payload(), true)
        }
    };
    let mut response = Response::new(Full::new(Bytes::from(payload.to_string())));
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    headers.insert(
        "x-amz-executed-version",
        http::HeaderValue::from_static("$LATEST"),
    );
    if let Ok(value) = http::HeaderValue::from_str(&request_id) {
        headers.insert("x-amzn-requestid", value);
    }
    if failed {
        headers.insert(
            "x-amz-function-error",
            http::HeaderValue::from_static("Unhandled"),
        );
    }
    response
}

const HOP_BY_HOP: [&str; 5] = [
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
];

async fn forward(endpoint: &AwsEndpoint, request: Request<Incoming>) -> HttpResponse {
    let (parts, body) = request.into_parts();
    let path_and_query = parts
        .uri
        .path_and_query()
        .map_or("/", |value| value.as_str());
    let url = format!("{}{}", endpoint.moto_url, path_and_query);
    let body = match read_body(body).await {
        Ok(body) => body,
        Err(message) => {
            return crate::http_util::error(StatusCode::BAD_REQUEST, "InvalidRequest", &message);
        }
    };
    let (service, operation) = call_log::classify(&Call {
        method: &parts.method,
        path: parts.uri.path(),
        query: parts.uri.query(),
        headers: &parts.headers,
        body: &body,
    });
    endpoint.calls.record(&service, &operation);
    let mut outgoing = endpoint.http.request(parts.method.clone(), &url).body(body);
    for (name, value) in &parts.headers {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            outgoing = outgoing.header(name, value);
        }
    }
    if let Some(host) = parts.headers.get(http::header::HOST) {
        outgoing = outgoing.header("x-forwarded-host", host);
    }
    let answer = match outgoing.send().await {
        Ok(answer) => answer,
        Err(error) => {
            tracing::error!(%error, %url, "the emulator did not answer");
            return crate::http_util::error(
                StatusCode::BAD_GATEWAY,
                "EmulatorUnavailable",
                &format!("the emulator did not answer: {error}"),
            );
        }
    };
    let status = answer.status();
    let headers = answer.headers().clone();
    let bytes = match answer.bytes().await {
        Ok(bytes) => bytes,
        Err(error) => {
            return crate::http_util::error(
                StatusCode::BAD_GATEWAY,
                "EmulatorUnavailable",
                &format!("could not read the emulator's answer: {error}"),
            );
        }
    };
    let mut response = Response::new(Full::new(bytes));
    *response.status_mut() = status;
    for (name, value) in &headers {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            response.headers_mut().append(name, value.clone());
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invoke_path_by_name_or_arn() {
        let post = http::Method::POST;
        assert_eq!(
            invoked_function(&post, "/2015-03-31/functions/stack-worker/invocations").as_deref(),
            Some("stack-worker")
        );
        assert_eq!(
            invoked_function(&post, "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A123456789012%3Afunction%3Astack-worker/invocations").as_deref(),
            Some("stack-worker")
        );
        assert_eq!(
            invoked_function(&post, "/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:stack-worker:$LATEST/invocations").as_deref(),
            Some("stack-worker")
        );
        assert!(
            invoked_function(&http::Method::GET, "/2015-03-31/functions/x/invocations").is_none()
        );
        assert!(invoked_function(&post, "/2015-03-31/functions/x").is_none());
    }
}
