//! Worker functions: Lambda handlers started by Step Functions tasks.
//!
//! A worker returns a [`WorkerError`] with a stable name. Lambda reports that name as the
//! `errorType` of the failed invocation, which is the error name that a state machine's
//! `Retry` and `Catch` match on.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::context::AppContext;

/// A failed worker step, named for Step Functions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name}: {message}")]
pub struct WorkerError {
    /// Stable error name, such as `LockBusy` or `PivotRoleNotAssumable`.
    pub name: &'static str,
    pub message: String,
}

impl WorkerError {
    pub fn new(name: &'static str, message: impl Into<String>) -> Self {
        WorkerError {
            name,
            message: message.into(),
        }
    }

    /// Builds the error for a malformed task input.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new("InvalidInput", message)
    }

    /// Builds the error for an unexpected fault, which the state machines retry.
    pub fn internal(error: &dyn std::error::Error) -> Self {
        Self::new("InternalError", crate::aws::error_chain(error))
    }

    /// Returns the error payload Lambda returns for a failed invocation.
    pub fn payload(&self) -> Value {
        serde_json::json!({"errorType": self.name, "errorMessage": self.message})
    }
}

impl From<WorkerError> for lambda_runtime::Diagnostic {
    fn from(error: WorkerError) -> Self {
        lambda_runtime::Diagnostic {
            error_type: error.name.to_owned(),
            error_message: error.message,
        }
    }
}

/// Parses a task input into `T`.
pub fn parse_input<T: DeserializeOwned>(input: Value) -> Result<T, WorkerError> {
    serde_json::from_value(input)
        .map_err(|error| WorkerError::invalid_input(format!("task input is invalid: {error}")))
}

/// Runs a worker's Lambda function with `handler` until the runtime stops.
pub async fn run_lambda<H>(handler: H) -> Result<(), lambda_runtime::Error>
where
    H: AsyncFn(&AppContext, Value) -> Result<Value, WorkerError> + Copy,
{
    crate::logging::init();
    let context = AppContext::from_env().await?;
    let context = &context;
    lambda_runtime::run(lambda_runtime::service_fn(
        move |event: lambda_runtime::LambdaEvent<Value>| async move {
            let request_id = event.context.request_id.clone();
            let result = handler(context, event.payload).await;
            if let Err(error) = &result {
                tracing::error!(%request_id, error = %error, "worker step failed");
            }
            result
        },
    ))
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_carries_error_type() {
        let payload = WorkerError::new("LockBusy", "dataset ab12cd34 is locked").payload();
        assert_eq!(payload["errorType"], "LockBusy");
        assert_eq!(payload["errorMessage"], "dataset ab12cd34 is locked");
    }

    #[test]
    fn diagnostic_keeps_name() {
        let diagnostic: lambda_runtime::Diagnostic =
            WorkerError::new("AwsThrottled", "slow down").into();
        assert_eq!(diagnostic.error_type, "AwsThrottled");
    }
}
