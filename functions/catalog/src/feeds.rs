//! Feeds: messages on a dataset, table or folder, for the readers of that object.

use serde::Deserialize;
use shared::api::{ApiRequest, ApiResponse};
use shared::domain::feeds::{FeedMessage, MAX_CONTENT_LENGTH, feed_pk};
use shared::identity::Caller;
use shared::store::ItemExt;
use shared::time::now_rfc3339;
use shared::{ApiError, AppContext};

use crate::targets;

/// Checks the target in the path and that the caller may read it. Returns its type and uri.
async fn target<'a>(
    context: &AppContext,
    caller: &Caller,
    request: &'a ApiRequest,
) -> Result<(&'static str, &'a str), ApiError> {
    let target_type = targets::target_type("targetType", request.path("targetType")?)?;
    let target_uri = request.path("targetUri")?;
    targets::require_reader(context, caller, target_type, target_uri).await?;
    Ok((target_type, target_uri))
}

/// Lists a feed's messages, newest first.
pub async fn list(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let (_, target_uri) = target(context, caller, request).await?;
    let page = context
        .store
        .query_descending(
            &feed_pk(target_uri),
            Some("MESSAGE#"),
            Some(request.limit()?),
            request.query("nextToken"),
        )
        .await?;
    let messages = page
        .items
        .into_iter()
        .map(ItemExt::record::<FeedMessage>)
        .collect::<Result<Vec<_>, _>>()?;
    ApiResponse::page(messages, page.next_token)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewMessage {
    content: String,
}

/// Checks a message: trimmed, not empty, at most [`MAX_CONTENT_LENGTH`] characters, and no
/// control characters but line breaks and tabs.
fn check_content(value: &str) -> Result<String, ApiError> {
    let content = value.trim();
    if content.is_empty() {
        return Err(ApiError::required("content"));
    }
    if content.chars().count() > MAX_CONTENT_LENGTH {
        return Err(ApiError::invalid(
            "content",
            format!("must be at most {MAX_CONTENT_LENGTH} characters"),
        ));
    }
    if content
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(ApiError::invalid(
            "content",
            "must not contain control characters other than line breaks and tabs",
        ));
    }
    Ok(content.to_owned())
}

pub async fn post(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let (target_type, target_uri) = target(context, caller, request).await?;
    let body: NewMessage = request.json()?;
    let message = FeedMessage {
        message_uri: shared::uri::new_uri(),
        target_type: target_type.to_owned(),
        target_uri: target_uri.to_owned(),
        content: check_content(&body.content)?,
        creator: caller.username.clone(),
        created: now_rfc3339(),
    };
    context
        .store
        .put_new(message.keys().item("FeedMessage", &message)?)
        .await?;
    tracing::info!(message_uri = %message.message_uri, %target_uri, "feed message posted");
    ApiResponse::created(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_rules() {
        assert_eq!(check_content("  hello\nworld ").unwrap(), "hello\nworld");
        assert_eq!(
            check_content("   ").unwrap_err().code(),
            "RequiredParameter"
        );
        let long = "x".repeat(MAX_CONTENT_LENGTH + 1);
        assert_eq!(check_content(&long).unwrap_err().code(), "InvalidInput");
        assert_eq!(check_content("a\u{7}b").unwrap_err().code(), "InvalidInput");
    }
}
