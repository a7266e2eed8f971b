//! Share actions: submit, approve, reject, revoke and delete. Each applies the state machine
//! to the share and its items in one conditional transaction, then starts the workflow that
//! does the AWS work, if any.

use serde::Deserialize;
use shared::api::{ApiRequest, ApiResponse};
use shared::domain::datasets;
use shared::identity::Caller;
use shared::permissions::{SHARE_OBJECT_APPROVER, owned};
use shared::shares::states::{self, Action, PENDING_APPROVAL};
use shared::shares::{self, RESOURCE_TYPE, Share, ShareItem};
use shared::time::now_rfc3339;
use shared::{ApiError, AppContext, authz, validate};

use crate::requests::require_principal_role;
use crate::{load, view};

/// Applies `share_action` to the share and `item_action` to its items (all of them, or
/// those in `selected`), in one transaction conditioned on every status read.
async fn transition(
    context: &AppContext,
    share: &Share,
    share_action: Action,
    item_action: Action,
    selected: Option<&[String]>,
    change: impl FnOnce(&mut Share),
) -> Result<(Share, Vec<ShareItem>), ApiError> {
    let store = &context.store;
    let next = states::next_share_status(share_action, &share.status)?;
    let mut updated = Share {
        status: next,
        updated: now_rfc3339(),
        version: share.version + 1,
        ..share.clone()
    };
    change(&mut updated);
    let mut writes = vec![shares::share_write(
        store,
        &updated,
        &share.status,
        share.version,
    )?];
    let mut changed = Vec::new();
    for item in shares::items(store, &share.uri).await? {
        if selected.is_some_and(|uris| !uris.contains(&item.uri)) {
            continue;
        }
        let status = states::next_item_status(item_action, &item.status)?;
        if status == item.status {
            continue;
        }
        let new_item = ShareItem {
            status,
            updated: now_rfc3339(),
            version: item.version + 1,
            ..item.clone()
        };
        writes.push(shares::item_write(
            store,
            &new_item,
            &item.status,
            item.version,
        )?);
        changed.push(new_item);
    }
    store
        .transact_leading(
            writes,
            store.version_check(&updated.keys(), updated.version),
        )
        .await?;
    tracing::info!(share_uri = %share.uri, from = %share.status, to = %updated.status, items = changed.len(), action = ?share_action, "share status changed");
    Ok((updated, changed))
}

pub async fn submit(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let share = load(context, request.path("shareUri")?).await?;
    let items = shares::items(&context.store, &share.uri).await?;
    let resubmittable = [
        PENDING_APPROVAL,
        states::SHARE_REJECTED,
        states::SHARE_FAILED,
    ];
    if !items
        .iter()
        .any(|item| resubmittable.contains(&item.status.as_str()))
    {
        return Err(ApiError::ShareItemsFound(format!(
            "share {} has no pending item to submit; add an item first",
            share.uri
        )));
    }
    require_principal_role(context, &share).await?;
    let (share, _) = transition(
        context,
        &share,
        Action::Submit,
        Action::Submit,
        None,
        |_| {},
    )
    .await?;
    notify(context, &share, "SUBMITTED").await;
    let dataset = datasets::get(&context.store, &share.dataset_uri).await?;
    if dataset.is_some_and(|dataset| dataset.auto_approval) {
        authz::add_permissions(
            &context.store,
            RESOURCE_TYPE,
            &share.uri,
            &share.requester_team,
            &owned(SHARE_OBJECT_APPROVER),
        )
        .await?;
        let share = approve_and_start(context, share).await?;
        return ApiResponse::ok(view(context, caller, share).await?);
    }
    ApiResponse::ok(view(context, caller, share).await?)
}

/// Approves a submitted share and starts the share-approve workflow.
async fn approve_and_start(context: &AppContext, share: Share) -> Result<Share, ApiError> {
    require_principal_role(context, &share).await?;
    let (share, _) = transition(
        context,
        &share,
        Action::Approve,
        Action::Approve,
        None,
        |share| {
            share.reject_purpose.clear();
        },
    )
    .await?;
    start_workflow(context, &share, "approve").await?;
    Ok(share)
}

/// Starts the workflow that notifies a share event. A failure to start is logged, not
/// returned, because the share has already changed.
async fn notify(context: &AppContext, share: &Share, event: &str) {
    let Some(arn) = context.config.share_notify_state_machine_arn.as_deref() else {
        tracing::warn!(share_uri = %share.uri, event, "no notification workflow configured");
        return;
    };
    let input = serde_json::json!({"shareUri": share.uri, "event": event});
    if let Err(error) =
        shared::workflows::start(context, arn, &share.uri, &event.to_lowercase(), &input).await
    {
        tracing::error!(share_uri = %share.uri, event, %error, "could not start the notification workflow");
    }
}

async fn start_workflow(context: &AppContext, share: &Share, action: &str) -> Result<(), ApiError> {
    let arn = match action {
        "approve" => context.config.share_approve_state_machine_arn.as_deref(),
        _ => context.config.share_revoke_state_machine_arn.as_deref(),
    }
    .ok_or_else(|| {
        ApiError::internal(format!(
            "the share {action} state machine is not configured"
        ))
    })?;
    let input = serde_json::json!({"shareUri": share.uri, "datasetUri": share.dataset_uri});
    shared::workflows::start(context, arn, &share.uri, action, &input).await?;
    Ok(())
}

pub async fn approve(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let share = load(context, request.path("shareUri")?).await?;
    let share = approve_and_start(context, share).await?;
    ApiResponse::ok(view(context, caller, share).await?)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Reject {
    reject_purpose: Option<String>,
}

pub async fn reject(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let body: Reject = request.json()?;
    let purpose = validate::description(body.reject_purpose.as_deref())?;
    let share = load(context, request.path("shareUri")?).await?;
    let (share, _) = transition(
        context,
        &share,
        Action::Reject,
        Action::Reject,
        None,
        |share| {
            share.reject_purpose = purpose;
        },
    )
    .await?;
    notify(context, &share, "REJECTED").await;
    ApiResponse::ok(view(context, caller, share).await?)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Selection {
    #[serde(default)]
    item_uris: Vec<String>,
}

impl Selection {
    /// Reads the selected item uris: at least one, at most a share's items, each a uri.
    fn read(request: &ApiRequest, action: &str) -> Result<Vec<String>, ApiError> {
        let body: Selection = request.json()?;
        if body.item_uris.is_empty() {
            return Err(ApiError::ShareItemsFound(format!(
                "select at least one item to {action} in itemUris"
            )));
        }
        if body.item_uris.len() > shares::MAX_ITEMS {
            return Err(ApiError::invalid(
                "itemUris",
                format!("must hold at most {} items", shares::MAX_ITEMS),
            ));
        }
        for uri in &body.item_uris {
            shared::uri::parse_uri("itemUris", uri)?;
        }
        Ok(body.item_uris)
    }
}

pub async fn revoke(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let item_uris = Selection::read(request, "revoke")?;
    let share = load(context, request.path("shareUri")?).await?;
    let items = shares::items(&context.store, &share.uri).await?;
    for uri in &item_uris {
        let item = items
            .iter()
            .find(|item| &item.uri == uri)
            .ok_or_else(|| ApiError::not_found("ShareItem", uri))?;
        if item.health_status.as_deref() == Some("PendingReApply") {
            return Err(ApiError::InvalidStateTransition(format!(
                "item {uri} is being re-applied; revoke it afterwards"
            )));
        }
    }
    let (share, _) = transition(
        context,
        &share,
        Action::RevokeItems,
        Action::RevokeItems,
        Some(&item_uris),
        |_| {},
    )
    .await?;
    start_workflow(context, &share, "revoke").await?;
    ApiResponse::ok(view(context, caller, share).await?)
}

pub async fn delete(context: &AppContext, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let share = load(context, request.path("shareUri")?).await?;
    let items = shares::items(&context.store, &share.uri).await?;
    let shared_items = items
        .iter()
        .filter(|item| states::SHARED_STATES.contains(&item.status.as_str()))
        .count();
    let force = match request.query("force") {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(ApiError::invalid("force", "must be true or false")),
    };
    if shared_items > 0 && !force {
        return Err(ApiError::ShareItemsFound(format!(
            "share {} still has {shared_items} shared item(s); revoke them, or delete with ?force=true to revoke and delete",
            share.uri
        )));
    }
    if shared_items > 0 {
        return force_delete(context, &share, &items).await;
    }
    shares::delete(&context.store, &share, &items).await?;
    tracing::info!(share_uri = %share.uri, "share deleted");
    ApiResponse::ok(serde_json::json!({"uri": share.uri, "deleted": true}))
}

/// Revokes every revokable item of the share and deletes it once the revoke workflow left
/// nothing shared. Items still being processed make the delete wait for their workflow.
async fn force_delete(
    context: &AppContext,
    share: &Share,
    items: &[ShareItem],
) -> Result<ApiResponse, ApiError> {
    let busy = items.iter().any(|item| {
        [
            states::ITEM_SHARE_IN_PROGRESS,
            states::ITEM_REVOKE_IN_PROGRESS,
        ]
        .contains(&item.status.as_str())
    });
    if busy {
        return Err(ApiError::InvalidStateTransition(format!(
            "share {} is being processed; delete it when its workflow has finished",
            share.uri
        )));
    }
    let selected: Vec<String> = items
        .iter()
        .filter(|item| {
            states::REVOKABLE_STATES.contains(&item.status.as_str())
                || item.status == states::REVOKE_APPROVED
        })
        .map(|item| item.uri.clone())
        .collect();
    let (share, _) = transition(
        context,
        share,
        Action::RevokeItems,
        Action::RevokeItems,
        Some(&selected),
        |_| {},
    )
    .await?;
    let arn = context
        .config
        .share_revoke_state_machine_arn
        .as_deref()
        .ok_or_else(|| ApiError::internal("the share revoke state machine is not configured"))?;
    let input = serde_json::json!({"shareUri": share.uri, "datasetUri": share.dataset_uri, "deleteAfter": true});
    shared::workflows::start(context, arn, &share.uri, "delete", &input).await?;
    tracing::info!(share_uri = %share.uri, items = selected.len(), "forced delete started: revoking every shared item");
    ApiResponse::accepted(
        serde_json::json!({"uri": share.uri, "deleted": false, "revoking": selected}),
    )
}

/// Marks the selected shared items `PendingVerify` or `PendingReApply` and starts the
/// matching workflow. Only items whose access can be revoked (succeeded, or a failed revoke)
/// can be checked; their status never changes.
pub async fn check_health(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
    action: &str,
) -> Result<ApiResponse, ApiError> {
    let item_uris = Selection::read(request, action)?;
    let share = load(context, request.path("shareUri")?).await?;
    let items = shares::items(&context.store, &share.uri).await?;
    let (health, arn) = match action {
        "verify" => (
            "PendingVerify",
            context.config.share_verify_state_machine_arn.as_deref(),
        ),
        _ => (
            "PendingReApply",
            context.config.share_reapply_state_machine_arn.as_deref(),
        ),
    };
    let arn = arn.ok_or_else(|| {
        ApiError::internal(format!(
            "the share {action} state machine is not configured"
        ))
    })?;
    let store = &context.store;
    let mut writes = Vec::new();
    for uri in &item_uris {
        let item = items
            .iter()
            .find(|item| &item.uri == uri)
            .ok_or_else(|| ApiError::not_found("ShareItem", uri))?;
        if !states::REVOKABLE_STATES.contains(&item.status.as_str()) {
            return Err(ApiError::InvalidStateTransition(format!(
                "item {uri} is {}; only shared items can be checked",
                item.status
            )));
        }
        let marked = ShareItem {
            health_status: Some(health.to_owned()),
            updated: now_rfc3339(),
            version: item.version + 1,
            ..item.clone()
        };
        writes.push(shares::item_write(
            store,
            &marked,
            &item.status,
            item.version,
        )?);
    }
    store
        .transact_leading(writes, store.version_check(&share.keys(), share.version))
        .await?;
    let input = serde_json::json!({"shareUri": share.uri, "datasetUri": share.dataset_uri});
    shared::workflows::start(context, arn, &share.uri, action, &input).await?;
    tracing::info!(share_uri = %share.uri, items = item_uris.len(), action, "share item check started");
    ApiResponse::accepted(view(context, caller, share).await?)
}
