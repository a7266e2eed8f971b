//! The API edge: turns an API Gateway REST event into a handler call and the result into an
//! API Gateway response.
//!
//! The same function serves the deployed Lambda and the local host, so both run the route
//! lookup, identity, declared checks and error mapping in exactly one way.

use std::collections::HashMap;
use std::time::Instant;

use aws_lambda_events::apigw::{ApiGatewayProxyRequest, ApiGatewayProxyResponse};
use aws_lambda_events::encodings::Body;
use http::HeaderMap;
use http::header::{CONTENT_TYPE, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tracing::Instrument;

use crate::context::AppContext;
use crate::error::ApiError;
use crate::identity::Caller;
use crate::routes::{Check, Module, Route};
use crate::{authz, tenant};

/// Default and maximum page sizes of list operations.
pub const DEFAULT_LIMIT: i32 = 50;
pub const MAX_LIMIT: i32 = 200;

/// A request after route lookup: what a handler reads.
#[derive(Debug)]
pub struct ApiRequest {
    pub route: &'static Route,
    pub path_parameters: HashMap<String, String>,
    pub query: HashMap<String, String>,
    pub body: Option<String>,
    pub request_id: String,
}

impl ApiRequest {
    /// Returns a path parameter; routes guarantee the ones their path names.
    pub fn path(&self, name: &str) -> Result<&str, ApiError> {
        self.path_parameters
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| ApiError::required(name))
    }

    /// Returns an optional query parameter.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .get(name)
            .map(String::as_str)
            .filter(|value| !value.is_empty())
    }

    /// Returns the page size from `?limit=`, checked against the maximum.
    pub fn limit(&self) -> Result<i32, ApiError> {
        match self.query("limit") {
            None => Ok(DEFAULT_LIMIT),
            Some(text) => match text.parse::<i32>() {
                Ok(limit) if (1..=MAX_LIMIT).contains(&limit) => Ok(limit),
                _ => Err(ApiError::invalid(
                    "limit",
                    format!("must be an integer from 1 to {MAX_LIMIT}"),
                )),
            },
        }
    }

    /// Parses the JSON body into `T`, naming the offending field on failure.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        let text = self
            .body
            .as_deref()
            .filter(|text| !text.trim().is_empty())
            .unwrap_or("{}");
        let mut deserializer = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
            let path = error.path().to_string();
            let inner = error.into_inner();
            let message = inner.to_string();
            if inner.is_syntax() || inner.is_eof() {
                return ApiError::InvalidInput(format!(
                    "the request body is not valid JSON: {message}"
                ));
            }
            if let Some(field) = message
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next())
            {
                let field = if path == "." {
                    field.to_owned()
                } else {
                    format!("{path}.{field}")
                };
                return ApiError::required(&field);
            }
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or(&message)
                .to_owned();
            if path == "." {
                ApiError::InvalidInput(format!("the request body is invalid: {message}"))
            } else {
                ApiError::invalid(&path, message)
            }
        })
    }
}

/// A successful response: a status and a JSON body.
#[derive(Debug)]
pub struct ApiResponse {
    pub status: u16,
    pub body: Value,
}

impl ApiResponse {
    pub fn ok(body: impl Serialize) -> Result<Self, ApiError> {
        Self::with_status(200, body)
    }

    pub fn created(body: impl Serialize) -> Result<Self, ApiError> {
        Self::with_status(201, body)
    }

    pub fn accepted(body: impl Serialize) -> Result<Self, ApiError> {
        Self::with_status(202, body)
    }

    pub fn with_status(status: u16, body: impl Serialize) -> Result<Self, ApiError> {
        Ok(ApiResponse {
            status,
            body: serde_json::to_value(body).map_err(ApiError::internal)?,
        })
    }

    /// A page of a list: `{"items": [...], "nextToken": ...}`.
    pub fn page(items: impl Serialize, next_token: Option<String>) -> Result<Self, ApiError> {
        let items = serde_json::to_value(items).map_err(ApiError::internal)?;
        Self::ok(serde_json::json!({"items": items, "nextToken": next_token}))
    }
}

/// Returns one page of a sorted list of uris: those after `next_token` (itself a uri), at
/// most `limit`, and the token of the next page when more remain.
pub fn page_of_uris(
    uris: &[String],
    limit: i32,
    next_token: Option<&str>,
) -> Result<(Vec<String>, Option<String>), ApiError> {
    let start = match next_token {
        None => 0,
        Some(token) => {
            let after = crate::uri::parse_uri("nextToken", token)?;
            uris.partition_point(|uri| uri.as_str() <= after.as_str())
        }
    };
    let limit = usize::try_from(limit).unwrap_or(0);
    let page: Vec<String> = uris.iter().skip(start).take(limit).cloned().collect();
    let next = if start + page.len() < uris.len() {
        page.last().cloned()
    } else {
        None
    };
    Ok((page, next))
}

/// Handles one API Gateway event with `handler`, which serves the routes of `module`.
pub async fn handle_event<H>(
    context: &AppContext,
    module: Module,
    event: ApiGatewayProxyRequest,
    handler: H,
) -> ApiGatewayProxyResponse
where
    H: AsyncFn(&AppContext, &Caller, &ApiRequest) -> Result<ApiResponse, ApiError>,
{
    let started = Instant::now();
    let request_id = event
        .request_context
        .request_id
        .clone()
        .unwrap_or_else(crate::uri::new_uri);
    let method = event.http_method.as_str().to_owned();
    let resource = event.resource.clone().unwrap_or_default();
    let span =
        tracing::info_span!("request", request_id = %request_id, operation = tracing::field::Empty);
    async {
        let result = serve(context, module, event, &request_id, handler).await;
        let (status, body) = match result {
            Ok(response) => (response.status, response.body),
            Err(error) => {
                if let ApiError::Internal(cause) = &error {
                    tracing::error!(error = %crate::aws::error_chain(cause.as_ref()), "request failed");
                }
                (error.status(), error.body(&request_id))
            }
        };
        let elapsed_ms = started.elapsed().as_millis();
        tracing::info!(%method, %resource, status, elapsed_ms, "request served");
        response(status, &body)
    }
    .instrument(span)
    .await
}

async fn serve<H>(
    context: &AppContext,
    module: Module,
    event: ApiGatewayProxyRequest,
    request_id: &str,
    handler: H,
) -> Result<ApiResponse, ApiError>
where
    H: AsyncFn(&AppContext, &Caller, &ApiRequest) -> Result<ApiResponse, ApiError>,
{
    let method = event.http_method.as_str();
    let resource = event.resource.as_deref().unwrap_or_default();
    let route = crate::routes::find_by_resource(method, resource)
        .filter(|route| route.module == module)
        .ok_or_else(|| {
            ApiError::ResourceNotFound(format!(
                "no operation {method} {resource} in module {}",
                module.name()
            ))
        })?;
    tracing::Span::current().record("operation", route.operation);
    let claims = event.request_context.authorizer.fields.get("claims");
    let caller = Caller::from_claims(claims)?;
    tenant::ensure_policies(&context.store, &caller.groups).await?;
    let request = ApiRequest {
        route,
        path_parameters: event.path_parameters.into_iter().collect(),
        query: event
            .query_string_parameters
            .iter()
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect(),
        body: event.body,
        request_id: request_id.to_owned(),
    };
    validate_path_parameters(&request)?;
    enforce_checks(context, &caller, &request).await?;
    handler(context, &caller, &request).await
}

fn validate_path_parameters(request: &ApiRequest) -> Result<(), ApiError> {
    for (name, value) in &request.path_parameters {
        if name.ends_with("Uri") {
            crate::uri::parse_uri(name, value)?;
        } else {
            crate::validate::team(name, value)?;
        }
    }
    Ok(())
}

/// Evaluates every check the route declares, except those its handler makes.
pub async fn enforce_checks(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<(), ApiError> {
    for check in request.route.checks {
        match check {
            Check::Authenticated { .. } | Check::Handler(_) => {}
            Check::TenantAdmin => {
                if !caller.is_tenant_admin() {
                    return Err(ApiError::UnauthorizedOperation(format!(
                        "user {} is not a tenant administrator",
                        caller.username
                    )));
                }
            }
            Check::Tenant(permission) => {
                tenant::require_permission(&context.store, caller, permission).await?;
            }
            Check::Resource {
                param,
                kind,
                permission,
            } => {
                let uri = request.path(param)?;
                authz::require_resource(&context.store, caller, kind, uri, permission).await?;
            }
        }
    }
    Ok(())
}

fn response(status: u16, body: &Value) -> ApiGatewayProxyResponse {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let mut response = ApiGatewayProxyResponse::default();
    response.status_code = i64::from(status);
    response.headers = headers;
    response.body = Some(Body::Text(body.to_string()));
    response
}

/// Runs a module's Lambda function: reads the configuration, builds the clients once and
/// serves API Gateway events with `handler` until the runtime stops.
pub async fn run_lambda<H>(module: Module, handler: H) -> Result<(), lambda_runtime::Error>
where
    H: AsyncFn(&AppContext, &Caller, &ApiRequest) -> Result<ApiResponse, ApiError> + Copy,
{
    crate::logging::init();
    let context = AppContext::from_env().await?;
    let context = &context;
    lambda_runtime::run(lambda_runtime::service_fn(
        move |event: lambda_runtime::LambdaEvent<ApiGatewayProxyRequest>| async move {
            Ok::<_, lambda_runtime::Error>(
                handle_event(context, module, event.payload, handler).await,
            )
        },
    ))
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        label: String,
        admin_team: String,
        tags: Option<Vec<String>>,
    }

    fn request(body: &str) -> ApiRequest {
        ApiRequest {
            route: &crate::routes::ROUTES[0],
            path_parameters: HashMap::new(),
            query: HashMap::new(),
            body: Some(body.to_owned()),
            request_id: "r".into(),
        }
    }

    #[test]
    fn json_errors_name_the_field() {
        let cases = [
            (
                r#"{"adminTeam": "a"}"#,
                "RequiredParameter",
                "label is required",
            ),
            (
                r#"{"label": 5, "adminTeam": "a"}"#,
                "InvalidInput",
                "label invalid type",
            ),
            (
                r#"{"label": "x", "adminTeam": "a", "tags": [1]}"#,
                "InvalidInput",
                "tags[0] invalid type",
            ),
            (
                r#"{"label": "x", "adminTeam": "a", "owner": "me"}"#,
                "InvalidInput",
                "unknown field `owner`",
            ),
            ("{not json", "InvalidInput", "not valid JSON"),
        ];
        for (body, code, fragment) in cases {
            let error = request(body).json::<Body>().unwrap_err();
            assert_eq!(error.code(), code, "{body}");
            assert!(error.to_string().contains(fragment), "{body}: {error}");
        }
    }

    #[test]
    fn uri_pages_cover_list_once() {
        let uris: Vec<String> = (0..5).map(|i| format!("aaaaaaa{i}")).collect();
        let (first, token) = page_of_uris(&uris, 2, None).unwrap();
        assert_eq!(first, vec!["aaaaaaa0", "aaaaaaa1"]);
        let (second, token) = page_of_uris(&uris, 2, token.as_deref()).unwrap();
        assert_eq!(second, vec!["aaaaaaa2", "aaaaaaa3"]);
        let (last, token) = page_of_uris(&uris, 2, token.as_deref()).unwrap();
        assert_eq!(last, vec!["aaaaaaa4"]);
        assert!(token.is_none());
        assert!(page_of_uris(&uris, 2, Some("bad")).is_err());
    }

    #[test]
    fn limit_is_bounded() {
        let mut request = request("{}");
        assert_eq!(request.limit().unwrap(), DEFAULT_LIMIT);
        request.query.insert("limit".into(), "201".into());
        assert_eq!(request.limit().unwrap_err().code(), "InvalidInput");
        request.query.insert("limit".into(), "0".into());
        assert!(request.limit().is_err());
        request.query.insert("limit".into(), "200".into());
        assert_eq!(request.limit().unwrap(), 200);
    }
}
