//! The worker functions the local host runs in-process when a state machine invokes them.

use serde_json::Value;
use shared::AppContext;
use shared::worker::WorkerError;

/// A worker function: its Lambda function name and the definition substitution that state
/// machines use for its ARN.
pub struct Worker {
    pub name: &'static str,
    pub substitution: &'static str,
}

/// Every worker function.
pub const WORKERS: &[Worker] = &[
    Worker {
        name: "stack-worker",
        substitution: "StackWorkerFunctionArn",
    },
    Worker {
        name: "dataset-worker",
        substitution: "DatasetWorkerFunctionArn",
    },
    Worker {
        name: "share-worker",
        substitution: "ShareWorkerFunctionArn",
    },
];

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
