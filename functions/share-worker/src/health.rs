//! Verify and re-apply: the drift checks of shared tables, folders and buckets. Neither changes an item's status;
//! both set its health (`Healthy`, or `Unhealthy` with a message naming each missing grant).

use serde_json::{Value, json};
use shared::AppContext;
use shared::shares::states::{REVOKABLE_STATES, SHARE_SUCCEEDED};
use shared::shares::{self, ShareItem};
use shared::time::now_rfc3339;
use shared::worker::WorkerError;

use crate::{internal, load_dataset, load_share, save_item, tables};

const PENDING_VERIFY: &str = "PendingVerify";
const PENDING_REAPPLY: &str = "PendingReApply";

/// Verifies the share's items marked `PendingVerify`, or with `all` every succeeded item.
pub async fn verify_items(
    context: &AppContext,
    share_uri: &str,
    all: bool,
) -> Result<Value, WorkerError> {
    let share = load_share(context, share_uri).await?;
    let dataset = load_dataset(context, &share.dataset_uri).await?;
    let mut unhealthy = 0;
    let mut verified = 0;
    for item in shares::items(&context.store, share_uri)
        .await
        .map_err(internal)?
    {
        let selected = if all {
            REVOKABLE_STATES.contains(&item.status.as_str())
        } else {
            item.health_status.as_deref() == Some(PENDING_VERIFY)
        };
        if !selected {
            continue;
        }
        let missing = check(context, &share, &dataset, &item).await?;
        if !missing.is_empty() {
            unhealthy += 1;
        }
        record_health(context, &item, &missing).await?;
        verified += 1;
    }
    tracing::info!(%share_uri, verified, unhealthy, "share items verified");
    Ok(
        json!({"shareUri": share_uri, "datasetUri": share.dataset_uri, "verified": verified, "unhealthy": unhealthy}),
    )
}

/// Returns what is missing for one shared item, by its type.
async fn check(
    context: &AppContext,
    share: &shared::shares::Share,
    dataset: &shared::domain::datasets::Dataset,
    item: &ShareItem,
) -> Result<Vec<String>, WorkerError> {
    match item.item_type.as_str() {
        "Table" => tables::verify(context, share, dataset, item).await,
        "Folder" => crate::folders::verify(context, share, dataset, item).await,
        _ => crate::buckets::verify(context, share, dataset).await,
    }
}

async fn record_health(
    context: &AppContext,
    item: &ShareItem,
    missing: &[String],
) -> Result<ShareItem, WorkerError> {
    save_item(context, item, |item| {
        if missing.is_empty() {
            item.health_status = Some("Healthy".into());
            item.health_message = None;
        } else {
            item.health_status = Some("Unhealthy".into());
            item.health_message = Some(missing.join(" | "));
        }
        item.last_verification_time = Some(now_rfc3339());
    })
    .await
}

/// Re-grants the share's items marked `PendingReApply`, or with `unhealthy` every succeeded
/// item found `Unhealthy`, keeping their status.
pub async fn reapply_items(
    context: &AppContext,
    share_uri: &str,
    unhealthy: bool,
) -> Result<Value, WorkerError> {
    let share = load_share(context, share_uri).await?;
    let dataset = load_dataset(context, &share.dataset_uri).await?;
    let mut reapplied = 0;
    for item in shares::items(&context.store, share_uri)
        .await
        .map_err(internal)?
    {
        let selected = match item.health_status.as_deref() {
            Some(PENDING_REAPPLY) => true,
            Some("Unhealthy") => unhealthy && item.status == SHARE_SUCCEEDED,
            _ => false,
        };
        if !selected {
            continue;
        }
        let granted = match item.item_type.as_str() {
            "Table" => tables::grant(context, &share, &dataset, &item)
                .await
                .map(|_| ()),
            "Folder" => crate::folders::grant(context, &share, &dataset, &item).await,
            _ => crate::buckets::grant(context, &share, &dataset, &item).await,
        };
        let outcome = match granted {
            Ok(()) => check(context, &share, &dataset, &item).await?,
            Err(error) => vec![format!("re-apply failed: {}", error.message)],
        };
        record_health(context, &item, &outcome).await?;
        reapplied += 1;
    }
    tracing::info!(%share_uri, reapplied, "share items re-applied");
    Ok(json!({"shareUri": share_uri, "reapplied": reapplied}))
}

/// Lists every share with items that can be verified, for the weekly verifier: the shares
/// of every dataset that has a stack.
pub async fn list_active(context: &AppContext) -> Result<Value, WorkerError> {
    let mut active = Vec::new();
    for dataset_uri in shared::domain::stacks::list_targets(&context.store, "dataset")
        .await
        .map_err(internal)?
    {
        for share in shares::of_dataset(&context.store, &dataset_uri)
            .await
            .map_err(internal)?
        {
            let items = shares::items(&context.store, &share.uri)
                .await
                .map_err(internal)?;
            if items
                .iter()
                .any(|item| REVOKABLE_STATES.contains(&item.status.as_str()))
            {
                active.push(json!({"shareUri": share.uri, "datasetUri": share.dataset_uri}));
            }
        }
    }
    tracing::info!(
        count = active.len(),
        "active shares listed for verification"
    );
    Ok(json!({"shares": active}))
}
