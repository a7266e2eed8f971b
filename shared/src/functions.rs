//! The worker functions: Lambda functions that state machines invoke, as opposed to the
//! API functions of the route table.
//!
//! The local host runs them in-process, and the deployment template gets one function for
//! each, whose ARN fills the state machines' definition substitution.

/// A worker function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Worker {
    /// The function name on the local host, which is also the name of the worker's crate
    /// and binary.
    pub name: &'static str,
    /// The `${...}` definition substitution that state machines use for the function's ARN.
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
