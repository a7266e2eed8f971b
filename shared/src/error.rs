//! The API error type and its mapping to HTTP statuses and the JSON error body.
//!
//! This is the one place where an error becomes a status code. Handlers return
//! `Err(ApiError::...)`; the edge turns it into
//! `{"error": {"code": "...", "message": "..."}}`.

use serde_json::json;

/// An error returned to an API caller, with a stable code clients can match on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// Malformed input: the message names the field and the rule it breaks.
    #[error("{0}")]
    InvalidInput(String),
    /// A required field or parameter is absent.
    #[error("{0}")]
    RequiredParameter(String),
    /// No identity, or an identity that could not be verified.
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller's teams lack a tenant, resource or team permission.
    #[error("{0}")]
    UnauthorizedOperation(String),
    /// Unknown uri, also returned when the caller may not learn that the object exists.
    #[error("{0}")]
    ResourceNotFound(String),
    #[error("{0}")]
    ResourceAlreadyExists(String),
    /// Delete of an object that still has shared items.
    #[error("{0}")]
    ResourceShared(String),
    #[error("{0}")]
    ShareItemsFound(String),
    /// The action is not allowed in the object's current status, or the object changed
    /// since it was read.
    #[error("{0}")]
    InvalidStateTransition(String),
    #[error("{0}")]
    EnvironmentResourcesFound(String),
    #[error("{0}")]
    PrincipalRoleNotFound(String),
    #[error("{0}")]
    AwsResourceNotFound(String),
    /// An unexpected fault. The cause is logged; the caller sees only a request id.
    #[error("internal error: {0:#}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    /// Builds an `InvalidInput` error for `field` breaking `rule`.
    pub fn invalid(field: &str, rule: impl std::fmt::Display) -> Self {
        ApiError::InvalidInput(format!("{field} {rule}"))
    }

    /// Builds a `RequiredParameter` error for a missing `field`.
    pub fn required(field: &str) -> Self {
        ApiError::RequiredParameter(format!("{field} is required"))
    }

    /// Builds a `ResourceNotFound` error for the object `kind` with `uri`.
    pub fn not_found(kind: &str, uri: &str) -> Self {
        ApiError::ResourceNotFound(format!("{kind} {uri} not found"))
    }

    /// Wraps an unexpected fault.
    pub fn internal(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        ApiError::Internal(error.into())
    }

    /// Returns the stable error code of the REST contract.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::InvalidInput(_) => "InvalidInput",
            ApiError::RequiredParameter(_) => "RequiredParameter",
            ApiError::Unauthenticated(_) => "Unauthenticated",
            ApiError::UnauthorizedOperation(_) => "UnauthorizedOperation",
            ApiError::ResourceNotFound(_) => "ResourceNotFound",
            ApiError::ResourceAlreadyExists(_) => "ResourceAlreadyExists",
            ApiError::ResourceShared(_) => "ResourceShared",
            ApiError::ShareItemsFound(_) => "ShareItemsFound",
            ApiError::InvalidStateTransition(_) => "InvalidStateTransition",
            ApiError::EnvironmentResourcesFound(_) => "EnvironmentResourcesFound",
            ApiError::PrincipalRoleNotFound(_) => "PrincipalRoleNotFound",
            ApiError::AwsResourceNotFound(_) => "AWSResourceNotFound",
            ApiError::Internal(_) => "InternalError",
        }
    }

    /// Returns the HTTP status of this error.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::InvalidInput(_) | ApiError::RequiredParameter(_) => 400,
            ApiError::Unauthenticated(_) => 401,
            ApiError::UnauthorizedOperation(_) => 403,
            ApiError::ResourceNotFound(_) => 404,
            ApiError::ResourceAlreadyExists(_)
            | ApiError::ResourceShared(_)
            | ApiError::ShareItemsFound(_)
            | ApiError::InvalidStateTransition(_)
            | ApiError::EnvironmentResourcesFound(_) => 409,
            ApiError::PrincipalRoleNotFound(_) | ApiError::AwsResourceNotFound(_) => 422,
            ApiError::Internal(_) => 500,
        }
    }

    /// Builds one error of each kind with an empty message, so that the OpenAPI document
    /// can list every code and status.
    pub fn one_of_each() -> Vec<ApiError> {
        vec![
            ApiError::InvalidInput(String::new()),
            ApiError::RequiredParameter(String::new()),
            ApiError::Unauthenticated(String::new()),
            ApiError::UnauthorizedOperation(String::new()),
            ApiError::ResourceNotFound(String::new()),
            ApiError::ResourceAlreadyExists(String::new()),
            ApiError::ResourceShared(String::new()),
            ApiError::ShareItemsFound(String::new()),
            ApiError::InvalidStateTransition(String::new()),
            ApiError::EnvironmentResourcesFound(String::new()),
            ApiError::PrincipalRoleNotFound(String::new()),
            ApiError::AwsResourceNotFound(String::new()),
            ApiError::internal(""),
        ]
    }

    /// Builds the JSON error body. An internal error shows only the request id, never its
    /// cause.
    pub fn body(&self, request_id: &str) -> serde_json::Value {
        let message = match self {
            ApiError::Internal(_) => format!("internal error, request id {request_id}"),
            other => other.to_string(),
        };
        json!({"error": {"code": self.code(), "message": message}})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_maps_to_contract_status() {
        let cases = [
            (
                ApiError::invalid("label", "is too long"),
                "InvalidInput",
                400,
            ),
            (ApiError::required("label"), "RequiredParameter", 400),
            (
                ApiError::Unauthenticated("no token".into()),
                "Unauthenticated",
                401,
            ),
            (
                ApiError::UnauthorizedOperation("x".into()),
                "UnauthorizedOperation",
                403,
            ),
            (
                ApiError::not_found("Dataset", "abcdefgh"),
                "ResourceNotFound",
                404,
            ),
            (
                ApiError::ResourceAlreadyExists("x".into()),
                "ResourceAlreadyExists",
                409,
            ),
            (ApiError::ResourceShared("x".into()), "ResourceShared", 409),
            (
                ApiError::ShareItemsFound("x".into()),
                "ShareItemsFound",
                409,
            ),
            (
                ApiError::InvalidStateTransition("x".into()),
                "InvalidStateTransition",
                409,
            ),
            (
                ApiError::EnvironmentResourcesFound("x".into()),
                "EnvironmentResourcesFound",
                409,
            ),
            (
                ApiError::PrincipalRoleNotFound("x".into()),
                "PrincipalRoleNotFound",
                422,
            ),
            (
                ApiError::AwsResourceNotFound("x".into()),
                "AWSResourceNotFound",
                422,
            ),
            (ApiError::internal("boom"), "InternalError", 500),
        ];
        for (error, code, status) in cases {
            assert_eq!(error.code(), code);
            assert_eq!(error.status(), status, "status of {code}");
            assert_eq!(error.body("req-1")["error"]["code"], code);
        }
    }

    #[test]
    fn one_of_each_covers_every_kind() {
        // The match has no wildcard arm, so a new variant does not compile until it gets an
        // index here, and the assertion then fails until one_of_each builds it.
        let index = |error: &ApiError| match error {
            ApiError::InvalidInput(_) => 0,
            ApiError::RequiredParameter(_) => 1,
            ApiError::Unauthenticated(_) => 2,
            ApiError::UnauthorizedOperation(_) => 3,
            ApiError::ResourceNotFound(_) => 4,
            ApiError::ResourceAlreadyExists(_) => 5,
            ApiError::ResourceShared(_) => 6,
            ApiError::ShareItemsFound(_) => 7,
            ApiError::InvalidStateTransition(_) => 8,
            ApiError::EnvironmentResourcesFound(_) => 9,
            ApiError::PrincipalRoleNotFound(_) => 10,
            ApiError::AwsResourceNotFound(_) => 11,
            ApiError::Internal(_) => 12,
        };
        let mut built: Vec<usize> = ApiError::one_of_each().iter().map(index).collect();
        built.sort();
        assert_eq!(built, (0..13).collect::<Vec<_>>());
    }

    #[test]
    fn internal_body_hides_cause() {
        let body = ApiError::internal("secret table name").body("req-42");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(!message.contains("secret"), "{message}");
        assert!(message.contains("req-42"), "{message}");
    }

    #[test]
    fn invalid_message_names_field_and_rule() {
        let body = ApiError::invalid("resourcePrefix", "must match ^[a-z-]+$").body("r");
        assert_eq!(
            body["error"]["message"],
            "resourcePrefix must match ^[a-z-]+$"
        );
    }
}
