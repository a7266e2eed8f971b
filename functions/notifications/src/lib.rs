//! Notifications module: the caller's in-app notifications, addressed to the caller's teams
//! or to the caller by name, and marking one as read (its recipient only).

use shared::api::{ApiRequest, ApiResponse};
use shared::identity::Caller;
use shared::notifications::{self, Notification};
use shared::{ApiError, AppContext};

/// Handles every route of the notifications module.
pub async fn handle(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    match request.route.operation {
        "listNotifications" => list(context, caller, request).await,
        "markNotificationRead" => mark_read(context, caller, request).await,
        other => Err(ApiError::ResourceNotFound(format!(
            "operation {other} is not in the notifications module"
        ))),
    }
}

fn recipients(caller: &Caller) -> Vec<String> {
    let mut recipients = caller.groups.clone();
    recipients.push(caller.username.clone());
    recipients
}

async fn list(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let unread_only = match request.query("read") {
        None => false,
        Some("false") => true,
        Some("true") => false,
        Some(_) => return Err(ApiError::invalid("read", "must be true or false")),
    };
    let mut items: Vec<Notification> = Vec::new();
    for recipient in recipients(caller) {
        items.extend(notifications::of_recipient(&context.store, &recipient).await?);
    }
    items.retain(|notification| !unread_only || !notification.is_read);
    items.sort_by(|a, b| b.created.cmp(&a.created));
    items.truncate(usize::try_from(request.limit()?).unwrap_or(50));
    ApiResponse::page(items, None)
}

async fn mark_read(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let uri = request.path("notificationUri")?;
    let notification = notifications::get(&context.store, uri)
        .await?
        .filter(|notification| recipients(caller).contains(&notification.recipient))
        .ok_or_else(|| ApiError::not_found("Notification", uri))?;
    if notification.is_read {
        return ApiResponse::ok(notification);
    }
    let updated = Notification {
        is_read: true,
        version: notification.version + 1,
        ..notification.clone()
    };
    context
        .store
        .replace_versioned(
            updated.keys().item("Notification", &updated)?,
            notification.version,
        )
        .await?;
    ApiResponse::ok(updated)
}
