//! Creating, importing, reading, updating and deleting datasets.

use std::collections::BTreeMap;

use serde::Deserialize;
use shared::api::{ApiRequest, ApiResponse, page_of_uris};
use shared::authz;
use shared::aws::{AwsClients, error_chain};
use shared::domain::catalog::{CatalogEntry, entry_keys};
use shared::domain::catalog_changes;
use shared::domain::datasets::{
    self, CONFIDENTIALITY, Dataset, DatasetNames, FOLDER_TYPE, MAX_LABEL_LENGTH, RESOURCE_TYPE,
    SSE_S3, TABLE_TYPE, TOPICS, bucket_claim_keys, folder_label_claim_keys, prefix_claim_keys,
};
use shared::domain::environments::{self, Environment};
use shared::domain::stacks::{self, Stack};
use shared::identity::Caller;
use shared::permissions::{
    CREATE_DATASET, DATASET_ALL, DATASET_FOLDER_READ, DATASET_STEWARD, DATASET_TABLE_ALL, owned,
};
use shared::store::{Keys, StoreError};
use shared::time::now_rfc3339;
use shared::{ApiError, AppContext, validate};

use crate::{load, view};

/// Fields shared by dataset creation and import.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewDataset {
    environment_uri: String,
    label: String,
    description: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    topics: Vec<String>,
    confidentiality: Option<String>,
    owner_team: String,
    stewards_team: Option<String>,
    #[serde(default)]
    auto_approval: bool,
    /// Import only: the existing bucket.
    bucket_name: Option<String>,
    /// Import only: an existing Glue database; one is created when absent.
    glue_database_name: Option<String>,
    /// Import only: the alias (without `alias/`) of the bucket's KMS key.
    kms_alias: Option<String>,
}

fn check_topics(topics: &[String]) -> Result<Vec<String>, ApiError> {
    if topics.is_empty() {
        return Err(ApiError::invalid(
            "topics",
            format!("must hold at least one of {TOPICS:?}"),
        ));
    }
    validate::permissions("topics", topics, TOPICS)
}

fn check_confidentiality(value: Option<&str>) -> Result<String, ApiError> {
    let value = value.unwrap_or("Unclassified");
    if CONFIDENTIALITY.contains(&value) {
        Ok(value.to_owned())
    } else {
        Err(ApiError::invalid(
            "confidentiality",
            format!("must be one of {CONFIDENTIALITY:?}"),
        ))
    }
}

/// Checks the fields common to creation and import, and that the owner team is the caller's
/// and may create datasets in the environment. Returns the dataset without AWS names.
async fn prepare(
    context: &AppContext,
    caller: &Caller,
    body: &NewDataset,
) -> Result<(Dataset, Environment), ApiError> {
    let environment_uri = shared::uri::parse_uri("environmentUri", &body.environment_uri)?;
    let label = validate::label("label", &body.label, MAX_LABEL_LENGTH)?;
    let description = validate::description(body.description.as_deref())?;
    let tags = validate::tags(&body.tags)?;
    let topics = check_topics(&body.topics)?;
    let confidentiality = check_confidentiality(body.confidentiality.as_deref())?;
    let owner_team = validate::team("ownerTeam", &body.owner_team)?;
    let stewards_team = match &body.stewards_team {
        Some(team) => validate::team("stewardsTeam", team)?,
        None => owner_team.clone(),
    };
    let environment = environments::get(&context.store, &environment_uri)
        .await?
        .ok_or_else(|| ApiError::not_found("Environment", &environment_uri))?;
    authz::require_team_in_environment(
        &context.store,
        caller,
        &owner_team,
        &environment_uri,
        CREATE_DATASET,
    )
    .await?;
    let now = now_rfc3339();
    let dataset = Dataset {
        uri: shared::uri::new_uri(),
        environment_uri,
        organization_uri: environment.organization_uri.clone(),
        label,
        description,
        tags,
        topics,
        confidentiality,
        owner_team,
        stewards_team,
        auto_approval: body.auto_approval,
        owner: caller.username.clone(),
        aws_account_id: environment.aws_account_id.clone(),
        region: environment.region.clone(),
        bucket_name: String::new(),
        glue_database_name: String::new(),
        kms_alias: String::new(),
        iam_role_name: String::new(),
        iam_role_arn: String::new(),
        imported: false,
        imported_glue_database: false,
        created: now.clone(),
        updated: now,
        version: 1,
    };
    Ok((dataset, environment))
}

/// Returns the dataset grants: everything for the owner team and the environment's admin
/// team, read access for the stewards.
fn dataset_grants(dataset: &Dataset, environment: &Environment) -> BTreeMap<String, Vec<String>> {
    let mut grants: BTreeMap<String, Vec<String>> = BTreeMap::new();
    grants
        .entry(dataset.stewards_team.clone())
        .or_default()
        .extend(owned(DATASET_STEWARD));
    grants
        .entry(environment.admin_team.clone())
        .or_default()
        .extend(owned(DATASET_ALL));
    grants
        .entry(dataset.owner_team.clone())
        .or_default()
        .extend(owned(DATASET_ALL));
    grants
}

/// Stores a new dataset with its grants, stack record and catalog entry, then starts the
/// deployment of its stack.
async fn store_new(
    context: &AppContext,
    caller: &Caller,
    dataset: Dataset,
    environment: &Environment,
) -> Result<ApiResponse, ApiError> {
    let store = &context.store;
    let stack_name = shared::names::compliant_name(
        &environment.resource_prefix,
        "dataset",
        &dataset.uri,
        shared::names::NamePattern::Default,
    );
    let stack = Stack::new(
        "dataset",
        &dataset.uri,
        &stack_name,
        &dataset.aws_account_id,
        &dataset.region,
    );
    let entry = CatalogEntry::for_dataset(&dataset);
    let mut writes = vec![
        store.create_write(dataset.keys().item("Dataset", &dataset)?),
        store.create_write(bucket_claim_keys(&dataset.bucket_name).item(
            "BucketClaim",
            &serde_json::json!({"datasetUri": dataset.uri}),
        )?),
        store.create_write(stack.keys().item("Stack", &stack)?),
        store.put_write(entry.keys().item("CatalogEntry", &entry)?),
    ];
    for (team, permissions) in dataset_grants(&dataset, environment) {
        writes.push(authz::grant_write(
            store.table_name(),
            RESOURCE_TYPE,
            &dataset.uri,
            &team,
            &permissions,
        )?);
    }
    match catalog_changes::transact(store, writes).await {
        Ok(()) => {}
        Err(StoreError::ConditionFailed) => {
            return Err(ApiError::ResourceAlreadyExists(format!(
                "bucket {} already belongs to a dataset",
                dataset.bucket_name
            )));
        }
        Err(error) => return Err(error.into()),
    }
    tracing::info!(dataset_uri = %dataset.uri, environment_uri = %dataset.environment_uri, imported = dataset.imported, "dataset stored");
    shared::workflows::redeploy_after_change(context, "dataset", &dataset.uri).await;
    ApiResponse::created(view(context, caller, dataset).await?)
}

pub async fn create(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let body: NewDataset = request.json()?;
    for (field, present) in [
        ("bucketName", body.bucket_name.is_some()),
        ("glueDatabaseName", body.glue_database_name.is_some()),
        ("kmsAlias", body.kms_alias.is_some()),
    ] {
        if present {
            return Err(ApiError::invalid(
                field,
                "is only accepted when importing a dataset, with POST /datasets/import",
            ));
        }
    }
    let (mut dataset, environment) = prepare(context, caller, &body).await?;
    let names = DatasetNames::new(&environment.resource_prefix, &dataset.label, &dataset.uri);
    dataset.bucket_name = names.bucket;
    dataset.glue_database_name = names.glue_database;
    dataset.kms_alias = names.kms_alias;
    dataset.iam_role_arn = environment.role_arn(&names.iam_role);
    dataset.iam_role_name = names.iam_role;
    store_new(context, caller, dataset, &environment).await
}

/// Checks an S3 bucket name by the rules for general purpose buckets.
fn check_bucket_name(name: &str) -> Result<String, ApiError> {
    let rule = "must be an S3 bucket name: 3 to 63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit";
    let valid = (3..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && name.as_bytes()[0].is_ascii_alphanumeric()
        && name.as_bytes()[name.len() - 1].is_ascii_alphanumeric()
        && !name.contains("..")
        && !name.starts_with("xn--")
        && !name.ends_with("-s3alias");
    if valid {
        Ok(name.to_owned())
    } else {
        Err(ApiError::invalid("bucketName", rule))
    }
}

fn check_glue_name(field: &str, name: &str, max: usize) -> Result<String, ApiError> {
    let valid = !name.is_empty()
        && name.len() <= max
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if valid {
        Ok(name.to_owned())
    } else {
        Err(ApiError::invalid(
            field,
            format!("must be 1 to {max} characters of a-z, A-Z, 0-9, '_' and '-'"),
        ))
    }
}

pub async fn import(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let body: NewDataset = request.json()?;
    let bucket = check_bucket_name(
        body.bucket_name
            .as_deref()
            .ok_or_else(|| ApiError::required("bucketName"))?,
    )?;
    let database = body
        .glue_database_name
        .as_deref()
        .map(|name| check_glue_name("glueDatabaseName", name, 240))
        .transpose()?;
    let alias = body
        .kms_alias
        .as_deref()
        .map(|alias| check_glue_name("kmsAlias", alias.trim_start_matches("alias/"), 63))
        .transpose()?;
    let (mut dataset, environment) = prepare(context, caller, &body).await?;
    let claim = bucket_claim_keys(&bucket);
    if context.store.get(&claim.pk, &claim.sk).await?.is_some() {
        return Err(ApiError::ResourceAlreadyExists(format!(
            "bucket {bucket} already belongs to a dataset"
        )));
    }
    let clients = context
        .environment_account(&environment.aws_account_id, &environment.region)
        .await?;
    let kms_alias = check_bucket_and_key(&clients, &bucket, alias.as_deref()).await?;
    if let Some(database) = &database {
        clients.glue().get_database().name(database).send().await.map_err(|error| {
            tracing::info!(%database, error = %error_chain(&error), "imported Glue database not readable");
            ApiError::AwsResourceNotFound(format!("Glue database {database} not found in account {}", environment.aws_account_id))
        })?;
    }
    let names = DatasetNames::new(&environment.resource_prefix, &dataset.label, &dataset.uri);
    dataset.imported = true;
    dataset.imported_glue_database = database.is_some();
    dataset.bucket_name = bucket;
    dataset.glue_database_name = database.unwrap_or(names.glue_database);
    dataset.kms_alias = kms_alias;
    dataset.iam_role_arn = environment.role_arn(&names.iam_role);
    dataset.iam_role_name = names.iam_role;
    store_new(context, caller, dataset, &environment).await
}

/// Checks that the bucket exists and that `alias` names the key that encrypts it. Returns
/// the alias to record: the given one, or `SSE-S3` for a bucket without a KMS key.
async fn check_bucket_and_key(
    clients: &AwsClients,
    bucket: &str,
    alias: Option<&str>,
) -> Result<String, ApiError> {
    let s3 = clients.s3();
    s3.head_bucket()
        .bucket(bucket)
        .send()
        .await
        .map_err(|error| {
            tracing::info!(%bucket, error = %error_chain(&error), "imported bucket not readable");
            ApiError::AwsResourceNotFound(format!(
                "bucket {bucket} not found in the environment account"
            ))
        })?;
    let bucket_key = match s3.get_bucket_encryption().bucket(bucket).send().await {
        Ok(output) => output
            .server_side_encryption_configuration()
            .and_then(|configuration| configuration.rules().first())
            .and_then(|rule| rule.apply_server_side_encryption_by_default())
            .and_then(|default| default.kms_master_key_id())
            .map(str::to_owned),
        Err(error) if error_chain(&error).contains("ServerSideEncryptionConfigurationNotFound") => {
            None
        }
        Err(error) => {
            return Err(ApiError::internal(format!(
                "GetBucketEncryption {bucket} failed: {}",
                error_chain(&error)
            )));
        }
    };
    match (bucket_key, alias) {
        (None, None) => Ok(SSE_S3.to_owned()),
        (None, Some(alias)) => Err(ApiError::invalid(
            "kmsAlias",
            format!("is set but bucket {bucket} is not encrypted with a KMS key ({alias})"),
        )),
        (Some(_), None) => Err(ApiError::required("kmsAlias")),
        (Some(bucket_key), Some(alias)) => {
            let described = clients.kms().describe_key().key_id(format!("alias/{alias}")).send().await.map_err(|error| {
                tracing::info!(%alias, error = %error_chain(&error), "imported KMS alias not readable");
                ApiError::AwsResourceNotFound(format!("KMS alias {alias} not found in the environment account"))
            })?;
            let metadata = described
                .key_metadata()
                .ok_or_else(|| ApiError::internal("DescribeKey returned no key metadata"))?;
            let matches = [Some(metadata.key_id()), metadata.arn()]
                .into_iter()
                .flatten()
                .any(|id| id == bucket_key || bucket_key.ends_with(&format!("/{id}")))
                || bucket_key == format!("alias/{alias}")
                || bucket_key.ends_with(&format!(":alias/{alias}"));
            if matches {
                Ok(alias.to_owned())
            } else {
                Err(ApiError::invalid(
                    "kmsAlias",
                    format!("alias/{alias} is not the key that encrypts bucket {bucket}"),
                ))
            }
        }
    }
}

pub async fn list(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let uris = authz::resources_of_teams(&context.store, &caller.groups, RESOURCE_TYPE).await?;
    let (page, next_token) = page_of_uris(&uris, request.limit()?, request.query("nextToken"))?;
    let mut items = Vec::new();
    for uri in page {
        if let Some(dataset) = datasets::get(&context.store, &uri).await? {
            items.push(view(context, caller, dataset).await?);
        }
    }
    ApiResponse::page(items, next_token)
}

pub async fn get(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let dataset = load(context, request.path("datasetUri")?).await?;
    ApiResponse::ok(view(context, caller, dataset).await?)
}

pub async fn stack(context: &AppContext, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let uri = request.path("datasetUri")?;
    load(context, uri).await?;
    let stack = stacks::get(&context.store, uri)
        .await?
        .ok_or_else(|| ApiError::ResourceNotFound(format!("dataset {uri} has no stack yet")))?;
    ApiResponse::ok(stack)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UpdateDataset {
    label: Option<String>,
    description: Option<String>,
    tags: Option<Vec<String>>,
    topics: Option<Vec<String>>,
    confidentiality: Option<String>,
    stewards_team: Option<String>,
    auto_approval: Option<bool>,
}

pub async fn update(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let uri = request.path("datasetUri")?;
    let body: UpdateDataset = request.json()?;
    let old = load(context, uri).await?;
    let mut dataset = old.clone();
    if let Some(label) = &body.label {
        dataset.label = validate::label("label", label, MAX_LABEL_LENGTH)?;
    }
    if body.description.is_some() {
        dataset.description = validate::description(body.description.as_deref())?;
    }
    if let Some(tags) = &body.tags {
        dataset.tags = validate::tags(tags)?;
    }
    if let Some(topics) = &body.topics {
        dataset.topics = check_topics(topics)?;
    }
    if body.confidentiality.is_some() {
        dataset.confidentiality = check_confidentiality(body.confidentiality.as_deref())?;
    }
    if let Some(auto_approval) = body.auto_approval {
        dataset.auto_approval = auto_approval;
    }
    let store = &context.store;
    let mut writes = Vec::new();
    if let Some(stewards) = &body.stewards_team {
        let stewards = validate::team("stewardsTeam", stewards)?;
        if stewards != old.stewards_team {
            dataset.stewards_team = stewards;
            writes.extend(move_stewards(context, &old, &dataset).await?);
        }
    }
    dataset.version = old.version + 1;
    dataset.updated = now_rfc3339();
    let entry = CatalogEntry::for_dataset(&dataset);
    writes.push(
        store.replace_versioned_write(dataset.keys().item("Dataset", &dataset)?, old.version),
    );
    writes.push(store.put_write(entry.keys().item("CatalogEntry", &entry)?));
    for chunk in split_last(writes) {
        catalog_changes::transact(store, chunk).await?;
    }
    tracing::info!(dataset_uri = %uri, stewards_team = %dataset.stewards_team, "dataset updated");
    ApiResponse::ok(view(context, caller, dataset).await?)
}

/// Builds the grant changes of a new stewards team: the old stewards lose their dataset,
/// table and folder grants unless they are also the owner team or the environment's admin
/// team; the new stewards get read access to the dataset and everything on its tables.
async fn move_stewards(
    context: &AppContext,
    old: &Dataset,
    new: &Dataset,
) -> Result<Vec<shared::store::TransactWriteItem>, ApiError> {
    let store = &context.store;
    let environment = environments::get(store, &old.environment_uri)
        .await?
        .ok_or_else(|| ApiError::not_found("Environment", &old.environment_uri))?;
    let tables = datasets::tables(store, &old.uri).await?;
    let folders = datasets::folders(store, &old.uri).await?;
    let mut writes = Vec::new();
    let table = store.table_name();
    let old_keeps_access =
        old.stewards_team == old.owner_team || old.stewards_team == environment.admin_team;
    if !old_keeps_access {
        writes.push(authz::revoke_write(table, &old.uri, &old.stewards_team)?);
        for item in &tables {
            writes.push(authz::revoke_write(table, &item.uri, &old.stewards_team)?);
        }
        for folder in &folders {
            writes.push(authz::revoke_write(table, &folder.uri, &old.stewards_team)?);
        }
    }
    let grants = dataset_grants(new, &environment);
    if let Some(permissions) = grants.get(&new.stewards_team) {
        writes.push(authz::grant_write(
            table,
            RESOURCE_TYPE,
            &new.uri,
            &new.stewards_team,
            permissions,
        )?);
    }
    for item in &tables {
        writes.push(authz::grant_write(
            table,
            TABLE_TYPE,
            &item.uri,
            &new.stewards_team,
            &owned(DATASET_TABLE_ALL),
        )?);
    }
    for folder in &folders {
        writes.push(authz::grant_write(
            table,
            FOLDER_TYPE,
            &folder.uri,
            &new.stewards_team,
            &owned(DATASET_FOLDER_READ),
        )?);
    }
    Ok(writes)
}

/// Splits writes into transactions of at most [`catalog_changes::MAX_WRITES`], keeping the
/// last write (the object itself) in the last transaction, so the object changes only after
/// its children did.
fn split_last<T>(mut writes: Vec<T>) -> Vec<Vec<T>> {
    let Some(last) = writes.pop() else {
        return Vec::new();
    };
    let max = catalog_changes::MAX_WRITES;
    let mut chunks: Vec<Vec<T>> = Vec::new();
    let mut rest = writes.into_iter().peekable();
    while rest.peek().is_some() {
        chunks.push(rest.by_ref().take(max - 1).collect());
    }
    match chunks.last_mut() {
        Some(chunk) if chunk.len() < max => chunk.push(last),
        _ => chunks.push(vec![last]),
    }
    chunks
}

pub async fn delete(context: &AppContext, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let uri = request.path("datasetUri")?;
    let delete_from_aws = match request.query("deleteFromAws") {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(ApiError::invalid("deleteFromAws", "must be true or false")),
    };
    let dataset = load(context, uri).await?;
    let store = &context.store;
    let dataset_shares = shared::shares::of_dataset(store, uri).await?;
    for share in &dataset_shares {
        if shared::shares::has_shared_items(store, &share.uri).await? {
            return Err(ApiError::ResourceShared(format!(
                "dataset {uri} has items shared by share {}; revoke them before deleting the dataset",
                share.uri
            )));
        }
    }
    if delete_from_aws {
        delete_stack(context, &dataset).await?;
    }
    let mut writes = Vec::new();
    for share in &dataset_shares {
        writes.extend(shared::shares::delete_writes(store, share).await?);
    }
    for table in datasets::tables(store, uri).await? {
        writes.push(store.delete_write(&table.keys()));
        writes.push(store.delete_write(&entry_keys(&table.uri)));
        for grant in authz::grants_on(store, &table.uri).await? {
            writes.push(authz::revoke_write(
                store.table_name(),
                &table.uri,
                &grant.team,
            )?);
        }
    }
    for folder in datasets::folders(store, uri).await? {
        writes.push(store.delete_write(&folder.keys()));
        writes.push(store.delete_write(&entry_keys(&folder.uri)));
        writes.push(store.delete_write(&prefix_claim_keys(uri, &folder.prefix)));
        writes.push(store.delete_write(&folder_label_claim_keys(uri, &folder.label)));
        for grant in authz::grants_on(store, &folder.uri).await? {
            writes.push(authz::revoke_write(
                store.table_name(),
                &folder.uri,
                &grant.team,
            )?);
        }
    }
    for grant in authz::grants_on(store, uri).await? {
        writes.push(authz::revoke_write(store.table_name(), uri, &grant.team)?);
    }
    writes.push(store.delete_write(&entry_keys(uri)));
    writes.push(store.delete_write(&bucket_claim_keys(&dataset.bucket_name)));
    writes.push(store.delete_write(&Keys::new(format!("STACK#{uri}"), "META")));
    writes.push(store.delete_write(&dataset.keys()));
    for chunk in split_last(writes) {
        catalog_changes::transact(store, chunk).await?;
    }
    tracing::info!(dataset_uri = %uri, delete_from_aws, "dataset deleted");
    ApiResponse::ok(
        serde_json::json!({"uri": uri, "deleted": true, "stackDeleted": delete_from_aws}),
    )
}

/// Deletes the dataset's stack, whose bucket and key are retained so no data is lost.
async fn delete_stack(context: &AppContext, dataset: &Dataset) -> Result<(), ApiError> {
    let Some(stack) = stacks::get(&context.store, &dataset.uri).await? else {
        return Ok(());
    };
    let clients = context
        .environment_account(&dataset.aws_account_id, &dataset.region)
        .await?;
    clients
        .cloudformation()
        .delete_stack()
        .stack_name(&stack.stack_name)
        .send()
        .await
        .map_err(|error| {
            ApiError::internal(format!(
                "DeleteStack {} failed: {}",
                stack.stack_name,
                error_chain(&error)
            ))
        })?;
    tracing::info!(dataset_uri = %dataset.uri, stack = %stack.stack_name, "dataset stack deleted");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_name_rules() {
        assert!(check_bucket_name("my-data.bucket-1").is_ok());
        for bad in [
            "ab",
            "Upper",
            "-start",
            "end-",
            "a..b",
            "xn--x",
            "x-s3alias",
            &"a".repeat(64),
            "arn:aws:s3:::x",
        ] {
            assert!(check_bucket_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn split_keeps_object_last() {
        let writes: Vec<usize> = (0..250).collect();
        let chunks = split_last(writes);
        assert!(
            chunks
                .iter()
                .all(|chunk| chunk.len() <= catalog_changes::MAX_WRITES)
        );
        assert_eq!(chunks.iter().map(Vec::len).sum::<usize>(), 250);
        assert_eq!(*chunks.last().unwrap().last().unwrap(), 249);
        assert_eq!(split_last(vec![1]), vec![vec![1]]);
    }
}
