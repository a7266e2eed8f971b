//! Counts the AWS calls that pass through the local AWS endpoint, by service and operation,
//! so a benchmark can report what a workflow costs in calls. `GET /_local/calls` returns the
//! counts since start, and a caller takes the difference of two readings. The path cannot
//! clash with an S3 bucket, because bucket names start with a letter or digit.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde_json::{Value, json};

/// The path that returns the counts.
pub const PATH: &str = "/_local/calls";

#[derive(Default)]
pub struct CallLog {
    counts: Mutex<BTreeMap<(String, String), u64>>,
}

impl CallLog {
    pub fn record(&self, service: &str, operation: &str) {
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *counts
            .entry((service.to_owned(), operation.to_owned()))
            .or_default() += 1;
    }

    /// Returns the counts as `{"calls": [{"service", "operation", "count"}], "total"}`.
    pub fn to_json(&self) -> Value {
        let counts = self
            .counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let calls: Vec<Value> = counts
            .iter()
            .map(|((service, operation), count)| {
                json!({"service": service, "operation": operation, "count": count})
            })
            .collect();
        json!({"calls": calls, "total": counts.values().sum::<u64>()})
    }
}

/// The parts of a request that name its service and operation.
pub struct Call<'a> {
    pub method: &'a http::Method,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub headers: &'a http::HeaderMap,
    pub body: &'a [u8],
}

/// Returns the service and operation of a request. The service comes from the SigV4
/// credential scope. The operation comes from `X-Amz-Target` (JSON protocols), from the
/// `Action` form field (query protocols), or else from the method and the shape of the path
/// with names and ids replaced by `{}` (REST protocols).
pub fn classify(call: &Call) -> (String, String) {
    let service = signing_service(call.headers).unwrap_or_else(|| "unsigned".to_owned());
    if let Some(target) = call
        .headers
        .get("x-amz-target")
        .and_then(|value| value.to_str().ok())
    {
        let operation = target.rsplit('.').next().unwrap_or(target);
        return (service, operation.to_owned());
    }
    if let Some(action) = form_action(call.body) {
        return (service, action);
    }
    let operation = if service == "s3" {
        s3_shape(call.method, call.path, call.query)
    } else {
        rest_shape(call.method, call.path)
    };
    (service, operation)
}

fn signing_service(headers: &http::HeaderMap) -> Option<String> {
    let authorization = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let credential = authorization
        .split([' ', ','])
        .find_map(|part| part.strip_prefix("Credential="))?;
    // access-key/date/region/service/aws4_request
    credential.split('/').nth(3).map(str::to_owned)
}

fn form_action(body: &[u8]) -> Option<String> {
    if !body.starts_with(b"Action=") && !body.windows(8).any(|window| window == b"&Action=") {
        return None;
    }
    form_urlencoded::parse(body)
        .find(|(name, _)| name == "Action")
        .map(|(_, value)| value.into_owned())
}

/// Returns the `x-id` operation name, else `METHOD /{}` for a bucket, `METHOD /{}/{}` for an object, followed by the sub-resource
/// names of the query, as in `PUT /{}?policy`.
fn s3_shape(method: &http::Method, path: &str, query: Option<&str>) -> String {
    // The SDK names most S3 operations in an `x-id` query parameter.
    if let Some(operation) = query.and_then(|query| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "x-id")
            .map(|(_, value)| value.into_owned())
    }) {
        return operation;
    }
    let segments = path
        .trim_matches('/')
        .splitn(2, '/')
        .filter(|s| !s.is_empty());
    let mut shape = format!("{method} /{}", vec!["{}"; segments.count()].join("/"));
    let names: Vec<String> = query
        .map(|query| {
            form_urlencoded::parse(query.as_bytes())
                .map(|(name, _)| name.into_owned())
                .filter(|name| !name.starts_with("x-") && !name.starts_with("X-"))
                .collect()
        })
        .unwrap_or_default();
    if !names.is_empty() {
        shape.push('?');
        shape.push_str(&names.join("&"));
    }
    shape
}

/// `METHOD /path` keeping the words of the path (`accesspoint`, `policy`, a version such as
/// `v20180820`) and replacing names and ids by `{}`. A single capitalised segment is the
/// operation itself, as in Lake Formation's `/GrantPermissions`.
fn rest_shape(method: &http::Method, path: &str) -> String {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    if let [only] = segments.as_slice()
        && only.starts_with(|c: char| c.is_ascii_uppercase())
        && only.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return (*only).to_owned();
    }
    let words: Vec<&str> = segments
        .iter()
        .enumerate()
        .map(|(position, segment)| {
            let word =
                segment.chars().all(|c| c.is_ascii_lowercase() || c == '-') && segment.len() <= 24;
            if word || (position == 0 && !segment.contains(':')) {
                *segment
            } else {
                "{}"
            }
        })
        .collect();
    format!("{method} /{}", words.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> http::HeaderMap {
        let mut map = http::HeaderMap::new();
        for (name, value) in pairs {
            map.insert(
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                http::HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    fn signed(service: &str) -> String {
        format!(
            "AWS4-HMAC-SHA256 Credential=testing/20261204/eu-west-1/{service}/aws4_request, SignedHeaders=host, Signature=abc"
        )
    }

    fn classified(
        method: http::Method,
        path: &str,
        query: Option<&str>,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> (String, String) {
        classify(&Call {
            method: &method,
            path,
            query,
            headers,
            body,
        })
    }

    #[test]
    fn json_protocol_by_target() {
        let map = headers(&[
            ("authorization", &signed("dynamodb")),
            ("x-amz-target", "DynamoDB_20120810.TransactWriteItems"),
        ]);
        assert_eq!(
            classified(http::Method::POST, "/", None, &map, b"{}"),
            ("dynamodb".to_owned(), "TransactWriteItems".to_owned())
        );
    }

    #[test]
    fn query_protocol_by_action() {
        let map = headers(&[("authorization", &signed("iam"))]);
        let body = b"Action=PutRolePolicy&Version=2010-05-08&RoleName=x";
        assert_eq!(
            classified(http::Method::POST, "/", None, &map, body),
            ("iam".to_owned(), "PutRolePolicy".to_owned())
        );
    }

    #[test]
    fn rest_protocols_by_shape() {
        let lake = headers(&[("authorization", &signed("lakeformation"))]);
        assert_eq!(
            classified(
                http::Method::POST,
                "/BatchGrantPermissions",
                None,
                &lake,
                b"{}"
            )
            .1,
            "BatchGrantPermissions"
        );
        let control = headers(&[("authorization", &signed("s3"))]);
        assert_eq!(
            classified(
                http::Method::PUT,
                "/dataset-bucket-7x",
                Some("policy"),
                &control,
                b"{}"
            )
            .1,
            "PUT /{}?policy"
        );
        assert_eq!(
            classified(http::Method::GET, "/bucket/a/b.csv", None, &control, b"").1,
            "GET /{}/{}"
        );
        assert_eq!(
            classified(
                http::Method::GET,
                "/bucket/a.csv",
                Some("x-id=GetObject"),
                &control,
                b""
            )
            .1,
            "GetObject"
        );
        let s3control = headers(&[("authorization", &signed("s3control"))]);
        assert_eq!(
            classified(
                http::Method::PUT,
                "/v20180820/accesspoint/dataall-ab12cd/policy",
                None,
                &s3control,
                b""
            )
            .1,
            "PUT /v20180820/accesspoint/{}/policy"
        );
        assert_eq!(
            classified(
                http::Method::GET,
                "/moto-api/data.json",
                None,
                &headers(&[]),
                b""
            ),
            ("unsigned".to_owned(), "GET /moto-api/{}".to_owned())
        );
    }

    #[test]
    fn counts_add_up() {
        let log = CallLog::default();
        log.record("kms", "GetKeyPolicy");
        log.record("kms", "GetKeyPolicy");
        log.record("iam", "GetRole");
        let counts = log.to_json();
        assert_eq!(counts["total"], 3);
        assert_eq!(counts["calls"][1]["operation"], "GetKeyPolicy");
        assert_eq!(counts["calls"][1]["count"], 2);
    }
}
