//! Lambda function of the stack worker.
#![recursion_limit = "256"]

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::worker::run_lambda(stack_worker::handle).await
}
