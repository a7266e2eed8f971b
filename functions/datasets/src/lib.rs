//! Datasets module: create or import datasets, synchronise their tables from Glue, manage
//! folders, preview tables through Athena and hand out presigned upload URLs.
//!
//! Each route's checks are declared in the route table and enforced before these handlers
//! run; the handlers add the checks that need the request body or the parent dataset (the
//! owner team must be the caller's and hold `CREATE_DATASET` in the environment; table and
//! folder changes need the permission on their dataset; previews of confidential data are
//! for the owner team and stewards only).

mod folders;
mod lifecycle;
mod tables;
mod uploads;

use serde::Serialize;
use shared::api::{ApiRequest, ApiResponse};
use shared::authz;
use shared::domain::datasets::{self, Dataset, Folder, RESOURCE_TYPE, Table};
use shared::domain::stacks;
use shared::identity::Caller;
use shared::{ApiError, AppContext};

/// Handles every route of the datasets module.
pub async fn handle(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    match request.route.operation {
        "createDataset" => lifecycle::create(context, caller, request).await,
        "importDataset" => lifecycle::import(context, caller, request).await,
        "listDatasets" => lifecycle::list(context, caller, request).await,
        "getDataset" => lifecycle::get(context, caller, request).await,
        "updateDataset" => lifecycle::update(context, caller, request).await,
        "deleteDataset" => lifecycle::delete(context, request).await,
        "getDatasetStack" => lifecycle::stack(context, request).await,
        "listDatasetTables" => tables::list(context, request).await,
        "syncDatasetTables" => tables::sync(context, request).await,
        "getTable" => tables::get(context, request).await,
        "updateTable" => tables::update(context, caller, request).await,
        "deleteTable" => tables::delete(context, caller, request).await,
        "listTableColumns" => tables::columns(context, caller, request).await,
        "updateTableColumn" => tables::update_column(context, caller, request).await,
        "previewTable" => tables::preview(context, caller, request).await,
        "listDatasetFolders" => folders::list(context, request).await,
        "createDatasetFolder" => folders::create(context, caller, request).await,
        "getFolder" => folders::get(context, request).await,
        "updateFolder" => folders::update(context, caller, request).await,
        "deleteFolder" => folders::delete(context, caller, request).await,
        "createDatasetUpload" => uploads::create(context, request).await,
        other => Err(ApiError::ResourceNotFound(format!(
            "operation {other} is not in the datasets module"
        ))),
    }
}

/// Returns the caller's role on a dataset: `Creator` (the user who created it), `Admin` (in
/// its owner team), `DataSteward` (in its stewards team) or `NoPermission`.
fn user_role(caller: &Caller, dataset: &Dataset) -> &'static str {
    if caller.username == dataset.owner {
        "Creator"
    } else if caller.in_group(&dataset.owner_team) {
        "Admin"
    } else if caller.in_group(&dataset.stewards_team) {
        "DataSteward"
    } else {
        "NoPermission"
    }
}

/// A dataset as the API returns it, with its stack and the caller's role.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct DatasetView {
    #[serde(flatten)]
    dataset: Dataset,
    stack: Option<serde_json::Value>,
    user_role: &'static str,
}

async fn view(
    context: &AppContext,
    caller: &Caller,
    dataset: Dataset,
) -> Result<DatasetView, ApiError> {
    let stack = stacks::get(&context.store, &dataset.uri)
        .await?
        .map(|stack| serde_json::json!({"status": stack.status, "reason": stack.reason, "outputs": stack.outputs}));
    let user_role = user_role(caller, &dataset);
    Ok(DatasetView {
        dataset,
        stack,
        user_role,
    })
}

async fn load(context: &AppContext, uri: &str) -> Result<Dataset, ApiError> {
    datasets::get(&context.store, uri)
        .await?
        .ok_or_else(|| ApiError::not_found(RESOURCE_TYPE, uri))
}

async fn load_table(context: &AppContext, uri: &str) -> Result<Table, ApiError> {
    datasets::get_table(&context.store, uri)
        .await?
        .ok_or_else(|| ApiError::not_found(datasets::TABLE_TYPE, uri))
}

async fn load_folder(context: &AppContext, uri: &str) -> Result<Folder, ApiError> {
    datasets::get_folder(&context.store, uri)
        .await?
        .ok_or_else(|| ApiError::not_found(datasets::FOLDER_TYPE, uri))
}

/// Fails with `UnauthorizedOperation` unless the caller's teams hold `permission` on the
/// dataset of a table or folder the caller can already see.
async fn require_on_dataset(
    context: &AppContext,
    caller: &Caller,
    dataset_uri: &str,
    permission: &str,
) -> Result<(), ApiError> {
    match authz::require_resource(
        &context.store,
        caller,
        RESOURCE_TYPE,
        dataset_uri,
        permission,
    )
    .await
    {
        Err(ApiError::ResourceNotFound(_)) => Err(ApiError::UnauthorizedOperation(format!(
            "user {} is not authorized to perform {permission} on Dataset {dataset_uri}",
            caller.username
        ))),
        other => other,
    }
}
