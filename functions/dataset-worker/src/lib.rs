//! Dataset worker: the steps of the `tables-sync` state machine, which synchronises every
//! dataset's tables from Glue every 15 minutes.
//!
//! - `listDatasets` returns `{"datasets": [{"datasetUri"}]}` for every dataset whose stack
//!   is deployed;
//! - `syncTables` synchronises one dataset (`{"datasetUri"}`) and returns what changed. It
//!   fails with `DatasetNotFound`, `PivotRoleNotAssumable` or `GlueUnavailable`, which the
//!   state machine catches per dataset so one failure does not stop the others.

use serde::Deserialize;
use serde_json::{Value, json};
use shared::AppContext;
use shared::domain::{datasets, stacks};
use shared::table_sync::{self, SyncError};
use shared::worker::{WorkerError, parse_input};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Input {
    action: String,
    dataset_uri: Option<String>,
}

/// Handles one task of the tables sync workflow.
pub async fn handle(context: &AppContext, input: Value) -> Result<Value, WorkerError> {
    let input: Input = parse_input(input)?;
    match input.action.as_str() {
        "listDatasets" => list_datasets(context).await,
        "syncTables" => {
            let uri = input
                .dataset_uri
                .ok_or_else(|| WorkerError::invalid_input("datasetUri is required"))?;
            sync_tables(context, &uri).await
        }
        other => Err(WorkerError::invalid_input(format!(
            "action {other:?} is not one of listDatasets, syncTables"
        ))),
    }
}

fn internal(error: impl std::error::Error) -> WorkerError {
    WorkerError::internal(&error)
}

async fn list_datasets(context: &AppContext) -> Result<Value, WorkerError> {
    let mut deployed = Vec::new();
    for uri in stacks::list_targets(&context.store, "dataset")
        .await
        .map_err(internal)?
    {
        let stack = stacks::get(&context.store, &uri).await.map_err(internal)?;
        if stack.is_some_and(|stack| {
            stacks::is_final(&stack.status)
                && !stacks::is_failure(&stack.status)
                && stack.status != stacks::PENDING
        }) {
            deployed.push(json!({"datasetUri": uri}));
        }
    }
    tracing::info!(count = deployed.len(), "datasets listed for table sync");
    Ok(json!({"datasets": deployed}))
}

async fn sync_tables(context: &AppContext, uri: &str) -> Result<Value, WorkerError> {
    let dataset = datasets::get(&context.store, uri)
        .await
        .map_err(internal)?
        .ok_or_else(|| WorkerError::new("DatasetNotFound", format!("dataset {uri} not found")))?;
    let summary =
        table_sync::sync_dataset(context, &dataset)
            .await
            .map_err(|error| match error {
                SyncError::PivotRole(error) => {
                    WorkerError::new("PivotRoleNotAssumable", error.to_string())
                }
                SyncError::Glue { .. } => WorkerError::new("GlueUnavailable", error.to_string()),
                SyncError::Store(error) => internal(error),
            })?;
    tracing::info!(dataset_uri = %uri, ?summary, "tables synchronised");
    Ok(json!({"datasetUri": uri, "summary": summary}))
}
