//! Share worker: the steps of the `share-approve` and `share-revoke` state machines.
//!
//! - `acquireLock` / `releaseLock`: the per-dataset lock (`LockBusy` while another workflow
//!   holds it, which the state machine retries with backoff);
//! - `startShare`: moves the share and its approved (or revoke-approved) items to
//!   `*_In_Progress` and returns those items: tables, which the workflow processes several at
//!   a time, and folders and buckets, which it processes one at a time;
//! - `processItem`: grants or revokes one item in AWS and marks it succeeded;
//! - `markItemFailed`: marks one item failed with the caught error as its health message;
//! - `finishShare`: marks items still in progress as failed (after a workflow failure) and
//!   finishes the share: `Processed`, or `Draft` after a revoke that left pending items;
//! - `notify`: in-app notifications and emails about a share event;
//! - `verifyItems`, `reapplyItems`, `listActiveShares`: the drift checks of shared items and
//!   the weekly verifier's list of shares;
//! - `deleteShare`: deletes a share after the revoke of a forced delete.
//!
//! Every step can run twice with the same input and leave the same result.

mod accounts;
mod buckets;
mod folders;
mod health;
mod key_policy;
mod notify;
mod role_policy;
mod tables;

use serde::Deserialize;
use serde_json::{Value, json};
use shared::AppContext;
use shared::aws::error_chain;
use shared::domain::datasets::{self, Dataset};
use shared::shares::states::{self, Action};
use shared::shares::{self, Share, ShareItem, lock};
use shared::store::TRANSACTION_LIMIT;
use shared::time::now_rfc3339;
use shared::worker::{WorkerError, parse_input};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Input {
    action: String,
    share_uri: Option<String>,
    dataset_uri: Option<String>,
    share_item_uri: Option<String>,
    /// The uri of the table, folder or dataset whose bucket a share item shares. It is the
    /// item's key, so a step reads its item without reading the share's other items.
    item_uri: Option<String>,
    /// `approve` or `revoke`.
    mode: Option<String>,
    owner: Option<String>,
    error: Option<Value>,
    #[serde(default)]
    fail_remaining: bool,
    /// For `verifyItems`: every succeeded item rather than those marked `PendingVerify`;
    /// for `reapplyItems`: also every `Unhealthy` succeeded item.
    #[serde(default)]
    all: bool,
    /// For `notify`: SUBMITTED, APPROVED, REJECTED or REVOKED.
    event: Option<String>,
}

fn required<'a>(value: &'a Option<String>, name: &str) -> Result<&'a str, WorkerError> {
    value
        .as_deref()
        .ok_or_else(|| WorkerError::invalid_input(format!("{name} is required")))
}

/// Handles one task of a share workflow.
pub async fn handle(context: &AppContext, input: Value) -> Result<Value, WorkerError> {
    let input: Input = parse_input(input)?;
    match input.action.as_str() {
        "acquireLock" => {
            let dataset = required(&input.dataset_uri, "datasetUri")?;
            let owner = required(&input.owner, "owner")?;
            if lock::acquire(&context.store, dataset, owner)
                .await
                .map_err(internal)?
            {
                tracing::info!(dataset_uri = %dataset, %owner, "dataset lock acquired");
                Ok(json!({"locked": true}))
            } else {
                Err(WorkerError::new(
                    "LockBusy",
                    format!("dataset {dataset} is locked by another share workflow"),
                ))
            }
        }
        "releaseLock" => {
            let dataset = required(&input.dataset_uri, "datasetUri")?;
            lock::release(&context.store, dataset, required(&input.owner, "owner")?)
                .await
                .map_err(internal)?;
            Ok(json!({"released": true}))
        }
        "startShare" => {
            start_share(
                context,
                required(&input.share_uri, "shareUri")?,
                mode(&input)?,
            )
            .await
        }
        "processItem" => {
            let share_uri = required(&input.share_uri, "shareUri")?;
            let item = ItemRef::from_input(&input)?;
            process_item(context, share_uri, item, mode(&input)?).await
        }
        "markItemFailed" => {
            let share_uri = required(&input.share_uri, "shareUri")?;
            mark_failed(
                context,
                share_uri,
                ItemRef::from_input(&input)?,
                &error_text(input.error.as_ref()),
            )
            .await
        }
        "finishShare" => {
            finish_share(
                context,
                required(&input.share_uri, "shareUri")?,
                input.fail_remaining,
            )
            .await
        }
        "verifyItems" => {
            health::verify_items(context, required(&input.share_uri, "shareUri")?, input.all).await
        }
        "reapplyItems" => {
            health::reapply_items(context, required(&input.share_uri, "shareUri")?, input.all).await
        }
        "listActiveShares" => health::list_active(context).await,
        "deleteShare" => delete_share(context, required(&input.share_uri, "shareUri")?).await,
        "notify" => {
            let share = load_share(context, required(&input.share_uri, "shareUri")?).await?;
            notify::notify(context, &share, required(&input.event, "event")?).await
        }
        other => Err(WorkerError::invalid_input(format!(
            "action {other:?} is not a share workflow step"
        ))),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Approve,
    Revoke,
}

fn mode(input: &Input) -> Result<Mode, WorkerError> {
    match input.mode.as_deref() {
        Some("approve") => Ok(Mode::Approve),
        Some("revoke") => Ok(Mode::Revoke),
        _ => Err(WorkerError::invalid_input("mode must be approve or revoke")),
    }
}

pub(crate) fn internal(error: impl std::error::Error) -> WorkerError {
    WorkerError::internal(&error)
}

/// Builds the `AwsCallFailed` error of a failed AWS call, naming the operation.
pub(crate) fn aws_failure(operation: &str, error: &dyn std::error::Error) -> WorkerError {
    WorkerError::new(
        "AwsCallFailed",
        format!("{operation} failed: {}", error_chain(error)),
    )
}

/// Formats a caught Step Functions error (`{"Error", "Cause"}`) for a health message.
fn error_text(error: Option<&Value>) -> String {
    let Some(error) = error else {
        return "the item failed without an error".into();
    };
    let name = error
        .get("Error")
        .and_then(Value::as_str)
        .unwrap_or("Error");
    let cause = error
        .get("Cause")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let message = serde_json::from_str::<Value>(cause)
        .ok()
        .and_then(|payload| {
            payload
                .get("errorMessage")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_else(|| cause.to_owned());
    format!("{name}: {message}")
}

async fn load_share(context: &AppContext, uri: &str) -> Result<Share, WorkerError> {
    shares::get(&context.store, uri)
        .await
        .map_err(internal)?
        .ok_or_else(|| WorkerError::new("ShareNotFound", format!("share {uri} not found")))
}

/// The share item a step works on: its uri and the uri of the object it shares, which is
/// the item's key within the share.
#[derive(Debug, Clone, Copy)]
struct ItemRef<'a> {
    uri: &'a str,
    object_uri: &'a str,
}

impl<'a> ItemRef<'a> {
    fn from_input(input: &'a Input) -> Result<ItemRef<'a>, WorkerError> {
        Ok(ItemRef {
            uri: required(&input.share_item_uri, "shareItemUri")?,
            object_uri: required(&input.item_uri, "itemUri")?,
        })
    }
}

async fn load_item(
    context: &AppContext,
    share_uri: &str,
    item: ItemRef<'_>,
) -> Result<ShareItem, WorkerError> {
    shares::item_of(&context.store, share_uri, item.object_uri)
        .await
        .map_err(internal)?
        .filter(|found| found.uri == item.uri)
        .ok_or_else(|| {
            WorkerError::new(
                "ShareItemNotFound",
                format!(
                    "share item {} of {} not found in share {share_uri}",
                    item.uri, item.object_uri
                ),
            )
        })
}

async fn load_dataset(context: &AppContext, uri: &str) -> Result<Dataset, WorkerError> {
    datasets::get(&context.store, uri)
        .await
        .map_err(internal)?
        .ok_or_else(|| WorkerError::new("DatasetNotFound", format!("dataset {uri} not found")))
}

/// Writes an item's new status and health, conditioned on the status read.
async fn save_item(
    context: &AppContext,
    item: &ShareItem,
    change: impl FnOnce(&mut ShareItem),
) -> Result<ShareItem, WorkerError> {
    let mut updated = ShareItem {
        updated: now_rfc3339(),
        version: item.version + 1,
        ..item.clone()
    };
    change(&mut updated);
    let store = &context.store;
    store
        .transact(vec![
            shares::item_write(store, &updated, &item.status, item.version).map_err(internal)?,
        ])
        .await
        .map_err(internal)?;
    Ok(updated)
}

async fn start_share(
    context: &AppContext,
    share_uri: &str,
    mode: Mode,
) -> Result<Value, WorkerError> {
    let share = load_share(context, share_uri).await?;
    let in_progress = match mode {
        Mode::Approve => states::SHARE_IN_PROGRESS,
        Mode::Revoke => states::REVOKE_IN_PROGRESS,
    };
    let store = &context.store;
    if share.status != in_progress {
        let next = states::next_share_status(Action::Start, &share.status)
            .map_err(|error| WorkerError::new("InvalidStateTransition", error.to_string()))?;
        let updated = Share {
            status: next,
            updated: now_rfc3339(),
            version: share.version + 1,
            ..share.clone()
        };
        store
            .transact(vec![
                shares::share_write(store, &updated, &share.status, share.version)
                    .map_err(internal)?,
            ])
            .await
            .map_err(internal)?;
    }
    let (approved, working) = match mode {
        Mode::Approve => (states::SHARE_APPROVED, states::ITEM_SHARE_IN_PROGRESS),
        Mode::Revoke => (states::REVOKE_APPROVED, states::ITEM_REVOKE_IN_PROGRESS),
    };
    let mode_name = match mode {
        Mode::Approve => "approve",
        Mode::Revoke => "revoke",
    };
    let mut writes = Vec::new();
    let mut tables = Vec::new();
    let mut policy_items = Vec::new();
    for item in shares::items(store, share_uri).await.map_err(internal)? {
        if item.status == approved {
            let started = ShareItem {
                status: working.to_owned(),
                updated: now_rfc3339(),
                version: item.version + 1,
                ..item.clone()
            };
            writes.push(
                shares::item_write(store, &started, &item.status, item.version)
                    .map_err(internal)?,
            );
        } else if item.status != working {
            continue;
        }
        let work = json!({"shareUri": share_uri, "shareItemUri": item.uri, "itemUri": item.item_uri, "mode": mode_name});
        if item.item_type == "Table" {
            tables.push(work);
        } else {
            policy_items.push(work);
        }
    }
    // Each write is conditioned on its own item, so a failed chunk is simply retried: the
    // next run finds the items already in progress.
    while !writes.is_empty() {
        let chunk: Vec<_> = writes
            .drain(..writes.len().min(TRANSACTION_LIMIT))
            .collect();
        store.transact(chunk).await.map_err(internal)?;
    }
    tracing::info!(%share_uri, tables = tables.len(), folders_and_buckets = policy_items.len(), ?mode, "share processing started");
    Ok(json!({"tables": tables, "policyItems": policy_items}))
}

async fn process_item(
    context: &AppContext,
    share_uri: &str,
    reference: ItemRef<'_>,
    mode: Mode,
) -> Result<Value, WorkerError> {
    let share = load_share(context, share_uri).await?;
    let item = load_item(context, share_uri, reference).await?;
    let item_uri = reference.uri;
    let (working, done) = match mode {
        Mode::Approve => (states::ITEM_SHARE_IN_PROGRESS, states::SHARE_SUCCEEDED),
        Mode::Revoke => (states::ITEM_REVOKE_IN_PROGRESS, states::REVOKE_SUCCEEDED),
    };
    if item.status == done {
        return Ok(json!({"shareItemUri": item_uri, "status": done}));
    }
    if item.status != working {
        return Err(WorkerError::new(
            "InvalidStateTransition",
            format!("share item {item_uri} is {}, not {working}", item.status),
        ));
    }
    let dataset = load_dataset(context, &share.dataset_uri).await?;
    let message = match (item.item_type.as_str(), mode) {
        ("Table", Mode::Approve) => tables::grant(context, &share, &dataset, &item).await?,
        ("Table", Mode::Revoke) => tables::revoke(context, &share, &dataset, &item).await?,
        ("Folder", Mode::Approve) => {
            folders::grant(context, &share, &dataset, &item).await?;
            None
        }
        ("Folder", Mode::Revoke) => folders::revoke(context, &share, &dataset, &item).await?,
        ("Bucket", Mode::Approve) => {
            buckets::grant(context, &share, &dataset, &item).await?;
            None
        }
        ("Bucket", Mode::Revoke) => buckets::revoke(context, &share, &dataset, &item).await?,
        (other, _) => {
            return Err(WorkerError::new(
                "UnsupportedItemType",
                format!("items of type {other} cannot be processed yet"),
            ));
        }
    };
    let saved = save_item(context, &item, |item| {
        item.status = done.to_owned();
        match mode {
            Mode::Approve => {
                item.health_status = Some("Healthy".into());
                item.health_message = message.clone();
                item.last_verification_time = Some(now_rfc3339());
            }
            Mode::Revoke => {
                item.health_status = None;
                item.health_message = message.clone();
            }
        }
    })
    .await?;
    tracing::info!(%share_uri, share_item_uri = %item_uri, status = %saved.status, "share item processed");
    Ok(json!({"shareItemUri": item_uri, "status": saved.status}))
}

async fn mark_failed(
    context: &AppContext,
    share_uri: &str,
    reference: ItemRef<'_>,
    message: &str,
) -> Result<Value, WorkerError> {
    let item = load_item(context, share_uri, reference).await?;
    let item_uri = reference.uri;
    let next = states::next_item_status(Action::Failure, &item.status)
        .map_err(|error| WorkerError::new("InvalidStateTransition", error.to_string()))?;
    if next == item.status {
        return Ok(json!({"shareItemUri": item_uri, "status": next}));
    }
    let saved = save_item(context, &item, |item| {
        item.status = next;
        item.health_status = Some("Unhealthy".into());
        item.health_message = Some(message.to_owned());
    })
    .await?;
    tracing::warn!(%share_uri, share_item_uri = %item_uri, %message, "share item failed");
    Ok(json!({"shareItemUri": item_uri, "status": saved.status}))
}

async fn finish_share(
    context: &AppContext,
    share_uri: &str,
    fail_remaining: bool,
) -> Result<Value, WorkerError> {
    let share = load_share(context, share_uri).await?;
    if fail_remaining {
        for item in shares::items(&context.store, share_uri)
            .await
            .map_err(internal)?
        {
            let unfinished = [
                states::SHARE_APPROVED,
                states::ITEM_SHARE_IN_PROGRESS,
                states::REVOKE_APPROVED,
                states::ITEM_REVOKE_IN_PROGRESS,
            ];
            if unfinished.contains(&item.status.as_str()) {
                mark_failed(
                    context,
                    share_uri,
                    ItemRef {
                        uri: &item.uri,
                        object_uri: &item.item_uri,
                    },
                    "the share workflow failed before this item was processed",
                )
                .await?;
            }
        }
    }
    if share.status == states::PROCESSED || share.status == states::DRAFT {
        return Ok(json!({"shareUri": share_uri, "status": share.status}));
    }
    let items = shares::items(&context.store, share_uri)
        .await
        .map_err(internal)?;
    let pending = items
        .iter()
        .any(|item| item.status == states::PENDING_APPROVAL);
    let action = if share.status == states::REVOKE_IN_PROGRESS && pending {
        Action::FinishPending
    } else {
        Action::Finish
    };
    let next = match states::next_share_status(action, &share.status) {
        Ok(next) => next,
        // A workflow that failed before it started the share leaves it Approved or Revoked;
        // it is finished from there so it does not stay stuck.
        Err(_) if fail_remaining => states::PROCESSED.to_owned(),
        Err(error) => {
            return Err(WorkerError::new(
                "InvalidStateTransition",
                error.to_string(),
            ));
        }
    };
    let updated = Share {
        status: next,
        updated: now_rfc3339(),
        version: share.version + 1,
        ..share.clone()
    };
    let store = &context.store;
    store
        .transact(vec![
            shares::share_write(store, &updated, &share.status, share.version).map_err(internal)?,
        ])
        .await
        .map_err(internal)?;
    tracing::info!(%share_uri, status = %updated.status, "share processing finished");
    Ok(json!({"shareUri": share_uri, "status": updated.status}))
}

/// Deletes a share whose items are no longer shared, for a forced delete after its revoke.
/// A share already gone is not an error; one with shared items left is kept.
async fn delete_share(context: &AppContext, share_uri: &str) -> Result<Value, WorkerError> {
    let Some(share) = shares::get(&context.store, share_uri)
        .await
        .map_err(internal)?
    else {
        return Ok(json!({"shareUri": share_uri, "deleted": true}));
    };
    if shares::has_shared_items(&context.store, share_uri)
        .await
        .map_err(internal)?
    {
        tracing::warn!(%share_uri, "forced delete kept the share: some items are still shared");
        return Ok(json!({"shareUri": share_uri, "deleted": false}));
    }
    let items = shares::items(&context.store, share_uri)
        .await
        .map_err(internal)?;
    shares::delete(&context.store, &share, &items)
        .await
        .map_err(internal)?;
    tracing::info!(%share_uri, "share deleted after its forced revoke");
    Ok(json!({"shareUri": share_uri, "deleted": true}))
}
