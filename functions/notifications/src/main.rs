//! Lambda function serving the notifications module's routes.
#![recursion_limit = "256"]

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::api::run_lambda(shared::routes::Module::Notifications, notifications::handle).await
}
