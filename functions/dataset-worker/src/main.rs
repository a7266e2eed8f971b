//! Lambda function of the dataset worker.
#![recursion_limit = "256"]

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::worker::run_lambda(dataset_worker::handle).await
}
