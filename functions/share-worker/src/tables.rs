//! Table items, shared with Lake Formation without moving data.
//!
//! Grant: the source table's permissions go to the principal in the dataset's account; in
//! the requester's account, the database `<db>_shared` holds a resource link named after the
//! table, and the principal can describe both. Revoke undoes what no other share still needs.
//! Every grant is read before it is written and every revoke accepts an already missing grant,
//! so a step can run twice.
//!
//! NOTE: cross-account grants on AWS also need the RAM resource share invitation that Lake
//! Formation creates to be accepted in the requester's account, and Lake Formation's
//! cross-account version 3 or later; the emulator models neither, so they are not done here yet.

use std::time::Duration;

use aws_sdk_lakeformation::types::{
    DataLakePrincipal, DatabaseResource, Permission, Resource, TableResource,
};
use shared::AppContext;
use shared::aws::{AwsClients, error_chain};
use shared::domain::datasets::{Dataset, TABLE_TYPE};
use shared::permissions::{DATASET_TABLE_READ, owned};
use shared::shares::states::SHARE_SUCCEEDED;
use shared::shares::{self, Share, ShareItem};
use shared::worker::WorkerError;

use crate::accounts::ShareAccounts;
use crate::internal;

/// Attempts of a grant or revoke that fails with a concurrent modification.
const ATTEMPTS: u32 = 5;

/// Returns the Lake Formation permissions on the source table for the share's permissions:
/// Read gives DESCRIBE and SELECT, Write INSERT, Modify ALTER, DROP and DELETE.
pub fn table_permissions(share: &Share) -> Vec<Permission> {
    let mut permissions = Vec::new();
    for permission in &share.permissions {
        match permission.as_str() {
            "Read" => permissions.extend([Permission::Describe, Permission::Select]),
            "Write" => permissions.push(Permission::Insert),
            "Modify" => {
                permissions.extend([Permission::Alter, Permission::Drop, Permission::Delete])
            }
            _ => {}
        }
    }
    permissions.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    permissions.dedup();
    permissions
}

/// Returns the name of the database that holds resource links in the requester's account.
pub fn shared_database(dataset: &Dataset) -> String {
    format!("{}_shared", dataset.glue_database_name)
}

fn principal(share: &Share) -> DataLakePrincipal {
    DataLakePrincipal::builder()
        .data_lake_principal_identifier(&share.principal_role_arn)
        .build()
}

fn table_resource(catalog: &str, database: &str, name: &str) -> Result<Resource, WorkerError> {
    let table = TableResource::builder()
        .catalog_id(catalog)
        .database_name(database)
        .name(name)
        .build()
        .map_err(internal)?;
    Ok(Resource::builder().table(table).build())
}

fn database_resource(catalog: &str, database: &str) -> Result<Resource, WorkerError> {
    let database = DatabaseResource::builder()
        .catalog_id(catalog)
        .name(database)
        .build()
        .map_err(internal)?;
    Ok(Resource::builder().database(database).build())
}

fn lake_formation_failure(operation: &str, error: &dyn std::error::Error) -> WorkerError {
    let text = error_chain(error);
    let name = if text.contains("Throttling") {
        "AwsThrottled"
    } else {
        "AwsCallFailed"
    };
    WorkerError::new(name, format!("Lake Formation {operation} failed: {text}"))
}

/// Returns the permissions the principal already holds on the resource.
async fn held(
    clients: &AwsClients,
    share: &Share,
    resource: &Resource,
) -> Result<Vec<Permission>, WorkerError> {
    let output = clients
        .lakeformation()
        .list_permissions()
        .principal(principal(share))
        .resource(resource.clone())
        .send()
        .await
        .map_err(|error| lake_formation_failure("ListPermissions", &error))?;
    Ok(output
        .principal_resource_permissions()
        .iter()
        .flat_map(|entry| entry.permissions().iter().cloned())
        .collect())
}

fn jitter() -> Duration {
    let mut byte = [0u8; 1];
    let random = getrandom::fill(&mut byte)
        .map(|()| u64::from(byte[0]))
        .unwrap_or(128);
    Duration::from_millis(1000 + random * 8)
}

/// Grants the permissions the principal lacks on the resource.
async fn grant_missing(
    clients: &AwsClients,
    share: &Share,
    resource: Resource,
    wanted: &[Permission],
) -> Result<(), WorkerError> {
    let present = held(clients, share, &resource).await?;
    let missing: Vec<Permission> = wanted
        .iter()
        .filter(|permission| !present.contains(permission))
        .cloned()
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    for attempt in 1..=ATTEMPTS {
        let result = clients
            .lakeformation()
            .grant_permissions()
            .principal(principal(share))
            .resource(resource.clone())
            .set_permissions(Some(missing.clone()))
            .send()
            .await;
        match result {
            Ok(_) => return Ok(()),
            Err(error)
                if error_chain(&error).contains("ConcurrentModification") && attempt < ATTEMPTS =>
            {
                tracing::info!(
                    attempt,
                    "Lake Formation grant met a concurrent modification; retrying"
                );
                tokio::time::sleep(jitter()).await;
            }
            Err(error) => return Err(lake_formation_failure("GrantPermissions", &error)),
        }
    }
    Ok(())
}

/// Maximum number of entries in one `BatchGrantPermissions` call.
const BATCH_LIMIT: usize = 20;

/// Grants `wanted` on each resource where the principal lacks them, in batches of at most
/// 20 entries. A failed entry fails the step with its error.
async fn grant_missing_batch(
    clients: &AwsClients,
    share: &Share,
    resources: &[Resource],
    wanted: &[Permission],
) -> Result<(), WorkerError> {
    use aws_sdk_lakeformation::types::BatchPermissionsRequestEntry;
    let mut entries = Vec::new();
    for (index, resource) in resources.iter().enumerate() {
        let present = held(clients, share, resource).await?;
        let missing: Vec<Permission> = wanted
            .iter()
            .filter(|permission| !present.contains(permission))
            .cloned()
            .collect();
        if missing.is_empty() {
            continue;
        }
        let entry = BatchPermissionsRequestEntry::builder()
            .id(index.to_string())
            .principal(principal(share))
            .resource(resource.clone())
            .set_permissions(Some(missing))
            .build()
            .map_err(internal)?;
        entries.push(entry);
    }
    for chunk in entries.chunks(BATCH_LIMIT) {
        let output = clients
            .lakeformation()
            .batch_grant_permissions()
            .set_entries(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(|error| lake_formation_failure("BatchGrantPermissions", &error))?;
        if let Some(failure) = output.failures().first() {
            let message = failure
                .error()
                .and_then(|detail| detail.error_message())
                .unwrap_or("no message");
            return Err(WorkerError::new(
                "AwsCallFailed",
                format!("Lake Formation BatchGrantPermissions failed: {message}"),
            ));
        }
    }
    Ok(())
}

/// Revokes the permissions the principal holds on the resource among `unwanted`.
async fn revoke_present(
    clients: &AwsClients,
    share: &Share,
    resource: Resource,
    unwanted: &[Permission],
) -> Result<bool, WorkerError> {
    let present = held(clients, share, &resource).await?;
    let revoking: Vec<Permission> = unwanted
        .iter()
        .filter(|permission| present.contains(permission))
        .cloned()
        .collect();
    if revoking.is_empty() {
        return Ok(false);
    }
    clients
        .lakeformation()
        .revoke_permissions()
        .principal(principal(share))
        .resource(resource)
        .set_permissions(Some(revoking))
        .send()
        .await
        .map_err(|error| lake_formation_failure("RevokePermissions", &error))?;
    Ok(true)
}

async fn table_name(context: &AppContext, item: &ShareItem) -> Result<String, WorkerError> {
    let table = shared::domain::datasets::get_table(&context.store, &item.item_uri)
        .await
        .map_err(internal)?
        .ok_or_else(|| {
            WorkerError::new(
                "AWSResourceNotFound",
                format!("table {} no longer exists in the catalog", item.item_uri),
            )
        })?;
    Ok(table.name)
}

/// Grants one table to the share's principal.
pub async fn grant(
    context: &AppContext,
    share: &Share,
    dataset: &Dataset,
    item: &ShareItem,
) -> Result<Option<String>, WorkerError> {
    let name = table_name(context, item).await?;
    let ShareAccounts { source, target } =
        ShareAccounts::assume_for_grant(context, share, dataset).await?;
    let source_database = &dataset.glue_database_name;
    source
        .glue()
        .get_table()
        .database_name(source_database)
        .name(&name)
        .send()
        .await
        .map_err(|error| {
            WorkerError::new(
                "AWSResourceNotFound",
                format!(
                    "Glue table {source_database}.{name} not found: {}",
                    error_chain(&error)
                ),
            )
        })?;

    grant_missing(
        &source,
        share,
        table_resource(&dataset.aws_account_id, source_database, &name)?,
        &table_permissions(share),
    )
    .await?;

    let shared_database = shared_database(dataset);
    ensure_resource_link(&target, dataset, &shared_database, &name).await?;
    let target_grants = [
        database_resource(&share.aws_account_id, &shared_database)?,
        table_resource(&share.aws_account_id, &shared_database, &name)?,
    ];
    grant_missing_batch(&target, share, &target_grants, &[Permission::Describe]).await?;

    shared::authz::add_permissions(
        &context.store,
        TABLE_TYPE,
        &item.item_uri,
        &share.requester_team,
        &owned(DATASET_TABLE_READ),
    )
    .await
    .map_err(internal)?;
    tracing::info!(share_uri = %share.uri, table = %name, principal = %share.principal_role_arn, "table shared");
    Ok(None)
}

async fn ensure_shared_database(
    target: &AwsClients,
    dataset: &Dataset,
    name: &str,
) -> Result<(), WorkerError> {
    let input = aws_sdk_glue::types::DatabaseInput::builder()
        .name(name)
        .description(format!(
            "Tables shared from dataset {} ({})",
            dataset.label, dataset.uri
        ))
        .location_uri(format!("s3://{}/", dataset.bucket_name))
        .build()
        .map_err(internal)?;
    match target
        .glue()
        .create_database()
        .database_input(input)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(error) if error_chain(&error).contains("AlreadyExists") => Ok(()),
        Err(error) => Err(WorkerError::new(
            "AwsCallFailed",
            format!("Glue CreateDatabase {name} failed: {}", error_chain(&error)),
        )),
    }
}

/// Creates the resource link to the source table. When Glue reports the shared database
/// missing, creates the database and then the link.
async fn ensure_resource_link(
    target: &AwsClients,
    dataset: &Dataset,
    database: &str,
    table: &str,
) -> Result<(), WorkerError> {
    let failure = |error: &dyn std::error::Error| {
        WorkerError::new(
            "AwsCallFailed",
            format!(
                "Glue CreateTable {database}.{table} failed: {}",
                error_chain(error)
            ),
        )
    };
    let link = aws_sdk_glue::types::TableIdentifier::builder()
        .catalog_id(&dataset.aws_account_id)
        .database_name(&dataset.glue_database_name)
        .name(table)
        .build();
    let input = aws_sdk_glue::types::TableInput::builder()
        .name(table)
        .target_table(link)
        .build()
        .map_err(internal)?;
    match create_resource_link(target, database, input.clone()).await {
        Ok(()) => Ok(()),
        Err(error)
            if error
                .as_service_error()
                .is_some_and(|error| error.is_entity_not_found_exception()) =>
        {
            tracing::info!(%database, %table, dataset_uri = %dataset.uri, "shared database missing, creating it");
            ensure_shared_database(target, dataset, database).await?;
            create_resource_link(target, database, input)
                .await
                .map_err(|error| failure(&error))
        }
        Err(error) => Err(failure(&error)),
    }
}

/// Creates the resource link `input` in `database`, keeping a link that already exists.
async fn create_resource_link(
    target: &AwsClients,
    database: &str,
    input: aws_sdk_glue::types::TableInput,
) -> Result<
    (),
    aws_sdk_glue::error::SdkError<aws_sdk_glue::operation::create_table::CreateTableError>,
> {
    match target
        .glue()
        .create_table()
        .database_name(database)
        .table_input(input)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(error)
            if error
                .as_service_error()
                .is_some_and(|error| error.is_already_exists_exception()) =>
        {
            Ok(())
        }
        Err(error) => Err(error),
    }
}

/// Revokes one table from the share's principal. The resource link stays while another
/// share still has this table succeeded in the same environment. Returns a note for the
/// item's health message when grants were already gone.
pub async fn revoke(
    context: &AppContext,
    share: &Share,
    dataset: &Dataset,
    item: &ShareItem,
) -> Result<Option<String>, WorkerError> {
    let name = table_name(context, item).await?;
    let ShareAccounts { source, target } = ShareAccounts::assume(context, share, dataset).await?;
    let shared_database = shared_database(dataset);

    let link_revoked = revoke_present(
        &target,
        share,
        table_resource(&share.aws_account_id, &shared_database, &name)?,
        &[Permission::Describe],
    )
    .await?;
    let table_revoked = revoke_present(
        &source,
        share,
        table_resource(&dataset.aws_account_id, &dataset.glue_database_name, &name)?,
        &table_permissions(share),
    )
    .await?;

    let others = other_shares_of_table(context, share, item).await?;
    if others
        .iter()
        .all(|other| other.environment_uri != share.environment_uri)
    {
        match target
            .glue()
            .delete_table()
            .database_name(&shared_database)
            .name(&name)
            .send()
            .await
        {
            Ok(_) => {}
            Err(error) if error_chain(&error).contains("EntityNotFound") => {}
            Err(error) => {
                return Err(WorkerError::new(
                    "AwsCallFailed",
                    format!(
                        "Glue DeleteTable {shared_database}.{name} failed: {}",
                        error_chain(&error)
                    ),
                ));
            }
        }
    }
    let keeps_team_access = dataset.owner_team == share.requester_team
        || dataset.stewards_team == share.requester_team
        || others
            .iter()
            .any(|other| other.requester_team == share.requester_team);
    if !keeps_team_access {
        shared::authz::remove_permissions(
            &context.store,
            &item.item_uri,
            &share.requester_team,
            &owned(DATASET_TABLE_READ),
        )
        .await
        .map_err(internal)?;
    }
    tracing::info!(share_uri = %share.uri, table = %name, principal = %share.principal_role_arn, "table revoked");
    if link_revoked || table_revoked {
        Ok(None)
    } else {
        Ok(Some("the Lake Formation grants were already gone".into()))
    }
}

/// Checks that a shared table's grants and resource link are all in place. Returns one
/// message per missing piece; an empty list means the item is healthy.
pub async fn verify(
    context: &AppContext,
    share: &Share,
    dataset: &Dataset,
    item: &ShareItem,
) -> Result<Vec<String>, WorkerError> {
    let name = table_name(context, item).await?;
    let ShareAccounts { source, target } = ShareAccounts::assume(context, share, dataset).await?;
    let shared_database = shared_database(dataset);
    let mut missing = Vec::new();
    let wanted = table_permissions(share);
    let source_table = table_resource(&dataset.aws_account_id, &dataset.glue_database_name, &name)?;
    let held_on_table = held(&source, share, &source_table).await?;
    let lacking: Vec<&str> = wanted
        .iter()
        .filter(|p| !held_on_table.contains(p))
        .map(Permission::as_str)
        .collect();
    if !lacking.is_empty() {
        missing.push(format!(
            "{} lacks Lake Formation permissions {} on table {}.{name}",
            share.principal_role_arn,
            lacking.join(","),
            dataset.glue_database_name
        ));
    }
    match target
        .glue()
        .get_table()
        .database_name(&shared_database)
        .name(&name)
        .send()
        .await
    {
        Ok(_) => {
            let link = table_resource(&share.aws_account_id, &shared_database, &name)?;
            if !held(&target, share, &link)
                .await?
                .contains(&Permission::Describe)
            {
                missing.push(format!(
                    "{} lacks DESCRIBE on resource link {shared_database}.{name}",
                    share.principal_role_arn
                ));
            }
        }
        Err(_) => missing.push(format!(
            "resource link {shared_database}.{name} does not exist in account {}",
            share.aws_account_id
        )),
    }
    Ok(missing)
}

/// Returns the other shares in which the same table is `Share_Succeeded`.
async fn other_shares_of_table(
    context: &AppContext,
    share: &Share,
    item: &ShareItem,
) -> Result<Vec<Share>, WorkerError> {
    let mut others = Vec::new();
    for other_item in shares::items_of_object(&context.store, &item.item_uri)
        .await
        .map_err(internal)?
    {
        if other_item.share_uri == share.uri || other_item.status != SHARE_SUCCEEDED {
            continue;
        }
        if let Some(other) = shares::get(&context.store, &other_item.share_uri)
            .await
            .map_err(internal)?
        {
            others.push(other);
        }
    }
    Ok(others)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_mapping() {
        let mut share = test_share();
        share.permissions = vec!["Read".into()];
        assert_eq!(
            table_permissions(&share),
            vec![Permission::Describe, Permission::Select]
        );
        share.permissions = vec!["Read".into(), "Modify".into()];
        let mapped = table_permissions(&share);
        assert!(mapped.contains(&Permission::Drop));
        assert!(mapped.contains(&Permission::Select));
        assert_eq!(mapped.len(), 5);
    }

    fn test_share() -> Share {
        Share {
            uri: "share001".into(),
            dataset_uri: "data0001".into(),
            dataset_label: "d".into(),
            environment_uri: "envi0001".into(),
            requester_team: "TeamA".into(),
            principal_type: "Group".into(),
            principal_id: "TeamA".into(),
            principal_name: "role".into(),
            principal_role_arn: "arn:aws:iam::333333333333:role/role".into(),
            permissions: vec![],
            request_purpose: String::new(),
            reject_purpose: String::new(),
            status: "Draft".into(),
            owner: "ds-a".into(),
            aws_account_id: "333333333333".into(),
            region: "eu-west-1".into(),
            created: String::new(),
            updated: String::new(),
            version: 1,
        }
    }
}
