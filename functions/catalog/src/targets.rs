//! The catalog objects that feeds, votes and term links point at, and the permissions they
//! need on them.

use shared::authz;
use shared::domain::catalog::ENTRY_TYPES;
use shared::domain::datasets::{FOLDER_TYPE, RESOURCE_TYPE, TABLE_TYPE};
use shared::identity::Caller;
use shared::permissions::{
    GET_DATASET, GET_DATASET_FOLDER, GET_DATASET_TABLE, UPDATE_DATASET, UPDATE_DATASET_FOLDER,
    UPDATE_DATASET_TABLE,
};
use shared::{ApiError, AppContext};

/// Checks a target type: `dataset`, `table` or `folder`.
pub fn target_type(field: &str, value: &str) -> Result<&'static str, ApiError> {
    ENTRY_TYPES
        .iter()
        .find(|known| **known == value)
        .copied()
        .ok_or_else(|| ApiError::invalid(field, format!("must be one of {ENTRY_TYPES:?}")))
}

/// Fails unless the caller's teams hold the read permission of the target: `GET_DATASET`,
/// `GET_DATASET_TABLE` or `GET_DATASET_FOLDER`. A caller whose teams hold no grant on it gets
/// `ResourceNotFound`.
pub async fn require_reader(
    context: &AppContext,
    caller: &Caller,
    target_type: &str,
    target_uri: &str,
) -> Result<(), ApiError> {
    let (kind, permission) = match target_type {
        "dataset" => (RESOURCE_TYPE, GET_DATASET),
        "table" => (TABLE_TYPE, GET_DATASET_TABLE),
        _ => (FOLDER_TYPE, GET_DATASET_FOLDER),
    };
    authz::require_resource(&context.store, caller, kind, target_uri, permission).await
}

/// Returns the permission on the parent dataset that an editor needs to link a glossary
/// term to a target of this type.
pub fn edit_permission(target_type: &str) -> &'static str {
    match target_type {
        "dataset" => UPDATE_DATASET,
        "table" => UPDATE_DATASET_TABLE,
        _ => UPDATE_DATASET_FOLDER,
    }
}

/// Fails with `UnauthorizedOperation` unless the caller's teams hold the edit permission of
/// the target type on its dataset. Catalog metadata is public, so a caller without any grant
/// on the dataset learns nothing from a 403.
pub async fn require_editor(
    context: &AppContext,
    caller: &Caller,
    target_type: &str,
    dataset_uri: &str,
) -> Result<(), ApiError> {
    let permission = edit_permission(target_type);
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
