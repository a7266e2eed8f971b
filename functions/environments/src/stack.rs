//! The environment stack: its deployment record, redeployment and key-value tags, which the
//! stack applies to itself.

use serde::Deserialize;
use shared::api::{ApiRequest, ApiResponse};
use shared::domain::environments::{self, KeyValueTag, KeyValueTags, tags_keys};
use shared::domain::stacks;
use shared::time::now_rfc3339;
use shared::{ApiError, AppContext};

use crate::{load, redeploy_after_change};

/// Maximum number of key-value tags, and lengths of keys and values, as CloudFormation
/// allows for stack tags.
const MAX_TAGS: usize = 50;
const MAX_KEY_LENGTH: usize = 128;
const MAX_VALUE_LENGTH: usize = 256;

pub async fn get(context: &AppContext, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let uri = request.path("environmentUri")?;
    load(context, uri).await?;
    let stack = stacks::get(&context.store, uri)
        .await?
        .ok_or_else(|| ApiError::ResourceNotFound(format!("environment {uri} has no stack yet")))?;
    ApiResponse::ok(stack)
}

pub async fn redeploy(context: &AppContext, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let uri = request.path("environmentUri")?;
    load(context, uri).await?;
    let execution_arn = shared::workflows::deploy_stack(context, "environment", uri).await?;
    stacks::update(&context.store, uri, |stack| {
        stack.execution_arn = Some(execution_arn.clone())
    })
    .await?;
    ApiResponse::accepted(serde_json::json!({"environmentUri": uri, "executionArn": execution_arn}))
}

pub async fn get_tags(context: &AppContext, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let uri = request.path("environmentUri")?;
    load(context, uri).await?;
    ApiResponse::page(environments::tags(&context.store, uri).await?, None)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UpdateTags {
    tags: Vec<KeyValueTag>,
}

/// Checks tags: keys unique without regard to case, lengths within CloudFormation's limits,
/// and no `aws:` prefix, which AWS reserves.
fn validate_tags(tags: &[KeyValueTag]) -> Result<(), ApiError> {
    if tags.len() > MAX_TAGS {
        return Err(ApiError::invalid(
            "tags",
            format!("must hold at most {MAX_TAGS} tags"),
        ));
    }
    let mut seen: Vec<String> = Vec::new();
    for (index, tag) in tags.iter().enumerate() {
        let field = format!("tags[{index}]");
        if tag.key.is_empty() || tag.key.chars().count() > MAX_KEY_LENGTH {
            return Err(ApiError::invalid(
                &format!("{field}.key"),
                format!("must be 1 to {MAX_KEY_LENGTH} characters"),
            ));
        }
        if tag.key.to_lowercase().starts_with("aws:") {
            return Err(ApiError::invalid(
                &format!("{field}.key"),
                "must not start with aws:, which AWS reserves",
            ));
        }
        if tag.value.chars().count() > MAX_VALUE_LENGTH {
            return Err(ApiError::invalid(
                &format!("{field}.value"),
                format!("must be at most {MAX_VALUE_LENGTH} characters"),
            ));
        }
        let lowered = tag.key.to_lowercase();
        if seen.contains(&lowered) {
            return Err(ApiError::invalid(
                &format!("{field}.key"),
                format!("{:?} repeats another key, ignoring case", tag.key),
            ));
        }
        seen.push(lowered);
    }
    Ok(())
}

pub async fn update_tags(
    context: &AppContext,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let uri = request.path("environmentUri")?;
    let body: UpdateTags = request.json()?;
    validate_tags(&body.tags)?;
    load(context, uri).await?;
    let record = KeyValueTags {
        target_uri: uri.to_owned(),
        tags: body.tags,
        updated: now_rfc3339(),
    };
    context
        .store
        .put(tags_keys(uri).item("KeyValueTags", &record)?)
        .await?;
    tracing::info!(environment_uri = %uri, count = record.tags.len(), "environment tags replaced");
    redeploy_after_change(context, uri).await;
    ApiResponse::ok(serde_json::json!({"items": record.tags, "nextToken": null}))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(key: &str, value: &str) -> KeyValueTag {
        KeyValueTag {
            key: key.into(),
            value: value.into(),
        }
    }

    #[test]
    fn tag_rules() {
        assert!(validate_tags(&[tag("CostCenter", "42"), tag("owner", "x")]).is_ok());
        let cases = [
            vec![tag("a", "1"), tag("A", "2")],
            vec![tag("", "1")],
            vec![tag("aws:x", "1")],
            vec![tag("k", &"v".repeat(257))],
        ];
        for tags in cases {
            assert_eq!(
                validate_tags(&tags).unwrap_err().code(),
                "InvalidInput",
                "{tags:?}"
            );
        }
    }
}
