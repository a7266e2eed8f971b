//! Lambda function of the share worker.
#![recursion_limit = "256"]

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::worker::run_lambda(share_worker::handle).await
}
