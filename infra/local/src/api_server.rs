//! The local REST API: verifies the Cognito ID token, finds the route, builds the API
//! Gateway REST event the deployed function would receive and runs the module's handler.
//! `POST /local/token` signs a local user in; it exists only here, never in a deployment.

use std::collections::HashMap;
use std::sync::Arc;

use aws_lambda_events::apigw::{
    ApiGatewayProxyRequest, ApiGatewayProxyRequestContext, ApiGatewayProxyResponse,
};
use aws_lambda_events::encodings::Body;
use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use shared::aws::error_chain;
use shared::routes::Module;
use tokio::net::TcpListener;

use crate::LocalHost;
use crate::http_util::{HttpResponse, error, json, read_body};

/// Accepts connections until the process stops.
pub async fn serve(listener: TcpListener, host: Arc<LocalHost>) {
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(connection) => connection,
            Err(accept_error) => {
                tracing::warn!(error = %accept_error, "API could not accept a connection");
                continue;
            }
        };
        let host = host.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let host = host.clone();
                async move { Ok::<_, std::convert::Infallible>(handle(&host, request).await) }
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service);
            if let Err(connection_error) = connection.await {
                tracing::debug!(error = %connection_error, "API connection closed with an error");
            }
        });
    }
}

async fn handle(host: &LocalHost, request: Request<Incoming>) -> HttpResponse {
    if request.uri().path() == "/local/token" && request.method() == http::Method::POST {
        return token(host, request).await;
    }
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let Some((route, path_parameters)) = shared::routes::match_path(parts.method.as_str(), &path)
    else {
        return error(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            &format!("no operation {} {path}", parts.method),
        );
    };
    let claims = match bearer_token(&parts.headers) {
        None => return unauthenticated("the Authorization header with an ID token is missing"),
        Some(token) => match host.verifier.verify(token) {
            Ok(claims) => claims,
            Err(message) => return unauthenticated(&message),
        },
    };
    let body = match read_body(body).await {
        Ok(body) => body,
        Err(message) => return error(StatusCode::BAD_REQUEST, "InvalidInput", &message),
    };
    let body = match String::from_utf8(body.to_vec()) {
        Ok(text) => text,
        Err(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "InvalidInput",
                "the request body is not UTF-8",
            );
        }
    };
    let query: HashMap<String, String> = parts
        .uri
        .query()
        .map(|query| {
            form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();

    let mut context = ApiGatewayProxyRequestContext::default();
    context.request_id = Some(shared::uri::new_uri());
    context.resource_path = Some(route.path.to_owned());
    context.http_method = parts.method.clone();
    context.stage = Some("local".to_owned());
    context.authorizer.fields.insert(
        "claims".to_owned(),
        crate::tokens::authorizer_claims(&claims),
    );
    let mut event = ApiGatewayProxyRequest::default();
    event.resource = Some(route.path.to_owned());
    event.path = Some(path);
    event.http_method = parts.method.clone();
    event.headers = parts.headers.clone();
    event.query_string_parameters = query.into();
    event.path_parameters = path_parameters.into_iter().collect();
    event.request_context = context;
    event.body = if body.is_empty() { None } else { Some(body) };

    let context = &host.context;
    let response = match route.module {
        Module::Tenant => {
            shared::api::handle_event(context, route.module, event, tenant::handle).await
        }
        Module::Organizations => {
            shared::api::handle_event(context, route.module, event, organizations::handle).await
        }
        Module::Environments => {
            shared::api::handle_event(context, route.module, event, environments::handle).await
        }
        Module::Datasets => {
            shared::api::handle_event(context, route.module, event, datasets::handle).await
        }
        Module::Shares => {
            shared::api::handle_event(context, route.module, event, shares::handle).await
        }
        Module::Notifications => {
            shared::api::handle_event(context, route.module, event, notifications::handle).await
        }
        Module::Catalog => {
            shared::api::handle_event(context, route.module, event, catalog::handle).await
        }
    };
    to_http(response)
}

fn bearer_token(headers: &http::HeaderMap) -> Option<&str> {
    let value = headers
        .get(http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .trim();
    let token = value.strip_prefix("Bearer ").unwrap_or(value).trim();
    (!token.is_empty()).then_some(token)
}

fn unauthenticated(message: &str) -> HttpResponse {
    error(StatusCode::UNAUTHORIZED, "Unauthenticated", message)
}

fn to_http(response: ApiGatewayProxyResponse) -> HttpResponse {
    let body = match response.body {
        Some(Body::Text(text)) => Bytes::from(text),
        Some(Body::Binary(bytes)) => Bytes::from(bytes),
        _ => Bytes::new(),
    };
    let mut http_response = Response::new(Full::new(body));
    *http_response.status_mut() =
        StatusCode::from_u16(u16::try_from(response.status_code).unwrap_or(500))
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    *http_response.headers_mut() = response.headers;
    http_response
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenRequest {
    username: String,
    password: String,
}

async fn token(host: &LocalHost, request: Request<Incoming>) -> HttpResponse {
    let body = match read_body(request.into_body()).await {
        Ok(body) => body,
        Err(message) => return error(StatusCode::BAD_REQUEST, "InvalidInput", &message),
    };
    let credentials: TokenRequest = match serde_json::from_slice(&body) {
        Ok(credentials) => credentials,
        Err(parse_error) => {
            return error(
                StatusCode::BAD_REQUEST,
                "InvalidInput",
                &format!("the body must be {{\"username\", \"password\"}}: {parse_error}"),
            );
        }
    };
    let result = host
        .context
        .aws
        .cognito()
        .admin_initiate_auth()
        .user_pool_id(&host.cognito.user_pool_id)
        .client_id(&host.cognito.client_id)
        .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", &credentials.username)
        .auth_parameters("PASSWORD", &credentials.password)
        .send()
        .await;
    match result {
        Ok(output) => match output.authentication_result {
            Some(tokens) => json(
                StatusCode::OK,
                &serde_json::json!({
                    "idToken": tokens.id_token,
                    "accessToken": tokens.access_token,
                    "refreshToken": tokens.refresh_token,
                    "expiresIn": tokens.expires_in,
                    "tokenType": tokens.token_type,
                }),
            ),
            None => unauthenticated("the user pool asked for a further sign-in challenge"),
        },
        Err(sign_in_error) => {
            let text = error_chain(&sign_in_error);
            if text.contains("NotAuthorized") || text.contains("UserNotFound") {
                unauthenticated("incorrect username or password")
            } else {
                tracing::error!(error = %text, "sign-in failed");
                error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "InternalError",
                    "sign-in failed; see the local host log",
                )
            }
        }
    }
}
