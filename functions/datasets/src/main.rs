//! Lambda function serving the datasets module's routes.
#![recursion_limit = "256"]

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::api::run_lambda(shared::routes::Module::Datasets, datasets::handle).await
}
