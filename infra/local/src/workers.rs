//! The worker functions the local host runs in-process when a state machine invokes them.

use serde_json::Value;
use shared::AppContext;
use shared::functions::WORKERS;
use shared::worker::WorkerError;

/// Returns whether a worker function of that name exists.
pub fn exists(name: &str) -> bool {
    WORKERS.iter().any(|worker| worker.name == name)
}

/// Runs the worker `name` with `input`.
pub async fn invoke(context: &AppContext, name: &str, input: Value) -> Result<Value, WorkerError> {
    match name {
        "stack-worker" => stack_worker::handle(context, input).await,
        "dataset-worker" => dataset_worker::handle(context, input).await,
        "share-worker" => share_worker::handle(context, input).await,
        other => Err(WorkerError::new(
            "ResourceNotFoundException",
            format!("function {other} not found"),
        )),
    }
}
