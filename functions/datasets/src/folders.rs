//! Folders: S3 prefixes of a dataset's bucket that can be shared on their own.

use serde::Deserialize;
use shared::api::{ApiRequest, ApiResponse};
use shared::authz;
use shared::aws::error_chain;
use shared::domain::catalog::{CatalogEntry, entry_keys};
use shared::domain::catalog_changes;
use shared::domain::datasets::{
    self, FOLDER_TYPE, Folder, folder_label_claim_keys, prefix_claim_keys,
};
use shared::identity::Caller;
use shared::permissions::{
    DATASET_FOLDER_READ, DELETE_DATASET_FOLDER, UPDATE_DATASET_FOLDER, owned,
};
use shared::store::StoreError;
use shared::time::now_rfc3339;
use shared::{ApiError, AppContext, validate};

use crate::{load, load_folder, require_on_dataset};

/// Maximum length of a folder prefix, within S3's 1,024-byte key limit.
const MAX_PREFIX_LENGTH: usize = 900;

/// Normalises a prefix (no leading or trailing `/`) and checks it holds only characters S3
/// keys take without encoding.
pub fn normalise_prefix(field: &str, value: &str) -> Result<String, ApiError> {
    let prefix = value.trim().trim_matches('/').to_owned();
    let valid = !prefix.is_empty()
        && prefix.len() <= MAX_PREFIX_LENGTH
        && !prefix.contains("//")
        && prefix.split('/').all(|part| part != "." && part != "..")
        && prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/!-_.*'()=".contains(c));
    if valid {
        Ok(prefix)
    } else {
        Err(ApiError::invalid(
            field,
            format!(
                "must be 1 to {MAX_PREFIX_LENGTH} characters of a-z, A-Z, 0-9 and /!-_.*'()= without empty or relative segments"
            ),
        ))
    }
}

pub async fn list(context: &AppContext, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let uri = request.path("datasetUri")?;
    load(context, uri).await?;
    ApiResponse::page(datasets::folders(&context.store, uri).await?, None)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewFolder {
    label: String,
    prefix: String,
    description: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
}

pub async fn create(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let dataset_uri = request.path("datasetUri")?;
    let body: NewFolder = request.json()?;
    let label = validate::label("label", &body.label, validate::MAX_LABEL_LENGTH)?;
    let prefix = normalise_prefix("prefix", &body.prefix)?;
    let description = validate::description(body.description.as_deref())?;
    let tags = validate::tags(&body.tags)?;
    let dataset = load(context, dataset_uri).await?;
    let now = now_rfc3339();
    let folder = Folder {
        uri: shared::uri::new_uri(),
        dataset_uri: dataset.uri.clone(),
        label,
        description,
        tags,
        prefix,
        bucket_name: dataset.bucket_name.clone(),
        aws_account_id: dataset.aws_account_id.clone(),
        region: dataset.region.clone(),
        owner: caller.username.clone(),
        created: now.clone(),
        updated: now,
        version: 1,
    };
    let store = &context.store;
    for (claim, what) in [
        (
            prefix_claim_keys(dataset_uri, &folder.prefix),
            format!("prefix {}", folder.prefix),
        ),
        (
            folder_label_claim_keys(dataset_uri, &folder.label),
            format!("label {}", folder.label),
        ),
    ] {
        if store.get(&claim.pk, &claim.sk).await?.is_some() {
            return Err(ApiError::ResourceAlreadyExists(format!(
                "dataset {dataset_uri} already has a folder with {what}"
            )));
        }
    }
    // The marker object is written first: it is harmless if the transaction below fails, and
    // writing it again is idempotent.
    let clients = context
        .environment_account(&dataset.aws_account_id, &dataset.region)
        .await?;
    clients
        .s3()
        .put_object()
        .bucket(&dataset.bucket_name)
        .key(format!("{}/", folder.prefix))
        .send()
        .await
        .map_err(|error| {
            ApiError::internal(format!(
                "S3 PutObject {}/{}/ failed: {}",
                dataset.bucket_name,
                folder.prefix,
                error_chain(&error)
            ))
        })?;
    let entry = CatalogEntry::for_folder(&dataset, &folder);
    let claim = serde_json::json!({"folderUri": folder.uri});
    let mut writes = vec![
        store.create_write(folder.keys().item("Folder", &folder)?),
        store.create_write(
            prefix_claim_keys(dataset_uri, &folder.prefix).item("PrefixClaim", &claim)?,
        ),
        store.create_write(
            folder_label_claim_keys(dataset_uri, &folder.label).item("FolderLabelClaim", &claim)?,
        ),
        store.put_write(entry.keys().item("CatalogEntry", &entry)?),
    ];
    let mut teams = vec![dataset.owner_team.clone(), dataset.stewards_team.clone()];
    teams.dedup();
    for team in teams {
        writes.push(authz::grant_write(
            store.table_name(),
            FOLDER_TYPE,
            &folder.uri,
            &team,
            &owned(DATASET_FOLDER_READ),
        )?);
    }
    match catalog_changes::transact(store, writes).await {
        Ok(()) => {}
        Err(StoreError::ConditionFailed) => {
            return Err(ApiError::ResourceAlreadyExists(format!(
                "dataset {dataset_uri} already has a folder with prefix {} or label {}",
                folder.prefix, folder.label
            )));
        }
        Err(error) => return Err(error.into()),
    }
    tracing::info!(%dataset_uri, folder_uri = %folder.uri, prefix = %folder.prefix, "folder created");
    ApiResponse::created(folder)
}

pub async fn get(context: &AppContext, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
    ApiResponse::ok(load_folder(context, request.path("folderUri")?).await?)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UpdateFolder {
    label: Option<String>,
    description: Option<String>,
    tags: Option<Vec<String>>,
}

pub async fn update(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let body: UpdateFolder = request.json()?;
    let old = load_folder(context, request.path("folderUri")?).await?;
    require_on_dataset(context, caller, &old.dataset_uri, UPDATE_DATASET_FOLDER).await?;
    let dataset = load(context, &old.dataset_uri).await?;
    let mut folder = old.clone();
    let store = &context.store;
    let mut writes = Vec::new();
    if let Some(label) = &body.label {
        folder.label = validate::label("label", label, validate::MAX_LABEL_LENGTH)?;
        if folder.label.to_lowercase() != old.label.to_lowercase() {
            let claim = serde_json::json!({"folderUri": folder.uri});
            writes.push(
                store.create_write(
                    folder_label_claim_keys(&folder.dataset_uri, &folder.label)
                        .item("FolderLabelClaim", &claim)?,
                ),
            );
            writes.push(store.delete_write(&folder_label_claim_keys(&old.dataset_uri, &old.label)));
        }
    }
    if body.description.is_some() {
        folder.description = validate::description(body.description.as_deref())?;
    }
    if let Some(tags) = &body.tags {
        folder.tags = validate::tags(tags)?;
    }
    folder.version = old.version + 1;
    folder.updated = now_rfc3339();
    let entry = CatalogEntry::for_folder(&dataset, &folder);
    writes.push(store.replace_versioned_write(folder.keys().item("Folder", &folder)?, old.version));
    writes.push(store.put_write(entry.keys().item("CatalogEntry", &entry)?));
    match catalog_changes::transact(store, writes).await {
        Ok(()) => {}
        Err(StoreError::ConditionFailed) if folder.label != old.label => {
            return Err(ApiError::ResourceAlreadyExists(format!(
                "dataset {} already has a folder labelled {}, or the folder changed meanwhile",
                folder.dataset_uri, folder.label
            )));
        }
        Err(error) => return Err(error.into()),
    }
    tracing::info!(folder_uri = %folder.uri, "folder updated");
    ApiResponse::ok(folder)
}

pub async fn delete(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let folder = load_folder(context, request.path("folderUri")?).await?;
    require_on_dataset(context, caller, &folder.dataset_uri, DELETE_DATASET_FOLDER).await?;
    let store = &context.store;
    if shared::shares::object_is_shared(store, &folder.uri).await? {
        return Err(ApiError::ResourceShared(format!(
            "folder {} is shared; revoke its share items before deleting it",
            folder.uri
        )));
    }
    let mut writes = vec![
        store.delete_write(&folder.keys()),
        store.delete_write(&entry_keys(&folder.uri)),
        store.delete_write(&prefix_claim_keys(&folder.dataset_uri, &folder.prefix)),
        store.delete_write(&folder_label_claim_keys(&folder.dataset_uri, &folder.label)),
    ];
    for grant in authz::grants_on(store, &folder.uri).await? {
        writes.push(authz::revoke_write(
            store.table_name(),
            &folder.uri,
            &grant.team,
        )?);
    }
    catalog_changes::transact(store, writes).await?;
    tracing::info!(folder_uri = %folder.uri, "folder deleted; its objects are kept");
    ApiResponse::ok(serde_json::json!({"uri": folder.uri, "deleted": true}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_rules() {
        assert_eq!(
            normalise_prefix("prefix", "/raw/sales/").unwrap(),
            "raw/sales"
        );
        for bad in ["", "/", "a//b", "../x", "a/./b", "with space", "ünï"] {
            assert!(normalise_prefix("prefix", bad).is_err(), "{bad:?}");
        }
    }
}
