//! Lambda function serving the catalog module's routes.
#![recursion_limit = "256"]

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::api::run_lambda(shared::routes::Module::Catalog, catalog::handle).await
}
