//! Shares module: share requests, their items and the actions that move them through the
//! share state machine. Handlers validate and change statuses with conditional writes; the
//! share workflows do the AWS work.
//!
//! Each route's checks are declared in the route table and enforced before these handlers
//! run; creating a share additionally needs the requester team to be the caller's and to
//! hold `CREATE_SHARE_OBJECT` in its environment.

mod actions;
mod requests;

use serde::Serialize;
use shared::api::{ApiRequest, ApiResponse};
use shared::identity::Caller;
use shared::shares::{self, RESOURCE_TYPE, Share, ShareItem, Statistics};
use shared::{ApiError, AppContext, authz};

/// Handles every route of the shares module.
pub async fn handle(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    match request.route.operation {
        "createShare" => requests::create(context, caller, request).await,
        "listShares" => requests::list(context, caller, request).await,
        "getShare" => requests::get(context, caller, request).await,
        "deleteShare" => actions::delete(context, request).await,
        "addShareItem" => requests::add_item(context, caller, request).await,
        "removeShareItem" => requests::remove_item(context, request).await,
        "submitShare" => actions::submit(context, caller, request).await,
        "approveShare" => actions::approve(context, caller, request).await,
        "rejectShare" => actions::reject(context, caller, request).await,
        "revokeShareItems" => actions::revoke(context, caller, request).await,
        "verifyShareItems" => actions::check_health(context, caller, request, "verify").await,
        "reapplyShareItems" => actions::check_health(context, caller, request, "reapply").await,
        "listDatasetShares" => requests::of_dataset(context, caller, request).await,
        other => Err(ApiError::ResourceNotFound(format!(
            "operation {other} is not in the shares module"
        ))),
    }
}

/// A share as the API returns it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ShareView {
    #[serde(flatten)]
    share: Share,
    items: Vec<ShareItem>,
    statistics: Statistics,
    user_role: &'static str,
}

/// Returns the caller's role on a share: `Approvers`, `Requesters`, both or `NoPermission`,
/// from the grants of the caller's teams.
async fn user_role(
    context: &AppContext,
    caller: &Caller,
    share: &Share,
) -> Result<&'static str, ApiError> {
    let grants = authz::caller_grants(&context.store, caller, &share.uri).await?;
    let holds = |permission: &str| {
        grants
            .iter()
            .any(|grant| grant.permissions.iter().any(|held| held == permission))
    };
    let approver = holds(shared::permissions::APPROVE_SHARE_OBJECT);
    let requester =
        holds(shared::permissions::SUBMIT_SHARE_OBJECT) || caller.in_group(&share.requester_team);
    Ok(match (approver, requester) {
        (true, true) => "ApproversAndRequesters",
        (true, false) => "Approvers",
        (false, true) => "Requesters",
        (false, false) => "NoPermission",
    })
}

async fn view(context: &AppContext, caller: &Caller, share: Share) -> Result<ShareView, ApiError> {
    let items = shares::items(&context.store, &share.uri).await?;
    let statistics = Statistics::of(&items);
    let user_role = user_role(context, caller, &share).await?;
    Ok(ShareView {
        share,
        items,
        statistics,
        user_role,
    })
}

async fn load(context: &AppContext, uri: &str) -> Result<Share, ApiError> {
    shares::get(&context.store, uri)
        .await?
        .ok_or_else(|| ApiError::not_found(RESOURCE_TYPE, uri))
}
