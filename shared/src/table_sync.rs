//! Synchronisation of a dataset's tables from its Glue database, run on request and every 15
//! minutes by schedule.
//!
//! New Glue tables become tables with their columns and partition keys, granted to the owner
//! team and the stewards. Changed ones are refreshed, keeping column uris and descriptions by
//! column name. Tables whose Glue table vanished are marked `Deleted` and leave the catalog,
//! but are never removed, so items shared from them stay visible to their shares.

use std::collections::BTreeMap;

use aws_sdk_glue::types::Column as GlueColumn;
use serde::Serialize;

use crate::AppContext;
use crate::authz;
use crate::aws::error_chain;
use crate::domain::catalog::{CatalogEntry, entry_keys};
use crate::domain::catalog_changes;
use crate::domain::datasets::{self, Column, DELETED, Dataset, IN_SYNC, TABLE_TYPE, Table};
use crate::permissions::{DATASET_TABLE_ALL, owned};
use crate::store::StoreError;
use crate::time::now_rfc3339;

/// What one synchronisation changed.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncSummary {
    pub added: usize,
    pub updated: usize,
    pub deleted: usize,
    pub total: usize,
}

/// A failed synchronisation.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    PivotRole(#[from] crate::context::PivotRoleError),
    #[error("Glue GetTables on {database} failed: {message}")]
    Glue { database: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A Glue table as the sync reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlueTable {
    pub name: String,
    pub location: String,
    pub description: String,
    pub columns: Vec<(String, String, String)>,
    pub partition_keys: Vec<(String, String, String)>,
}

fn glue_columns(columns: &[GlueColumn]) -> Vec<(String, String, String)> {
    columns
        .iter()
        .map(|column| {
            (
                column.name().to_owned(),
                column.r#type().unwrap_or_default().to_owned(),
                column.comment().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// Reads every table of the dataset's Glue database through the pivot role.
pub async fn glue_tables(
    context: &AppContext,
    dataset: &Dataset,
) -> Result<Vec<GlueTable>, SyncError> {
    let clients = context
        .environment_account(&dataset.aws_account_id, &dataset.region)
        .await?;
    let glue = clients.glue();
    let mut tables = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let output = glue
            .get_tables()
            .database_name(&dataset.glue_database_name)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|error| SyncError::Glue {
                database: dataset.glue_database_name.clone(),
                message: error_chain(&error),
            })?;
        for table in output.table_list() {
            let descriptor = table.storage_descriptor();
            tables.push(GlueTable {
                name: table.name().to_owned(),
                location: descriptor
                    .and_then(|d| d.location())
                    .unwrap_or_default()
                    .to_owned(),
                description: table.description().unwrap_or_default().to_owned(),
                columns: descriptor
                    .map(|d| glue_columns(d.columns()))
                    .unwrap_or_default(),
                partition_keys: glue_columns(table.partition_keys()),
            });
        }
        match output.next_token {
            Some(next) if !next.is_empty() => token = Some(next),
            _ => return Ok(tables),
        }
    }
}

/// Builds the columns of a table from Glue, keeping the uri and description of columns that
/// already exist by name.
pub fn merge_columns(glue: &GlueTable, existing: &[Column]) -> Vec<Column> {
    let known: BTreeMap<&str, &Column> = existing
        .iter()
        .map(|column| (column.name.as_str(), column))
        .collect();
    let build = |(name, type_name, comment): &(String, String, String), column_type: String| {
        let previous = known.get(name.as_str());
        Column {
            uri: previous.map_or_else(crate::uri::new_uri, |column| column.uri.clone()),
            name: name.clone(),
            type_name: type_name.clone(),
            column_type,
            description: previous
                .map(|column| column.description.clone())
                .filter(|description| !description.is_empty())
                .unwrap_or_else(|| comment.clone()),
        }
    };
    let mut columns: Vec<Column> = glue
        .columns
        .iter()
        .map(|column| build(column, "column".into()))
        .collect();
    columns.extend(
        glue.partition_keys
            .iter()
            .enumerate()
            .map(|(index, column)| build(column, format!("partition_{index}"))),
    );
    columns
}

/// Synchronises the dataset's tables with its Glue database.
pub async fn sync_dataset(
    context: &AppContext,
    dataset: &Dataset,
) -> Result<SyncSummary, SyncError> {
    let glue = glue_tables(context, dataset).await?;
    let existing = datasets::tables(&context.store, &dataset.uri).await?;
    let store = &context.store;
    let mut summary = SyncSummary {
        total: glue.len(),
        ..SyncSummary::default()
    };
    for glue_table in &glue {
        let now = now_rfc3339();
        match existing.iter().find(|table| table.name == glue_table.name) {
            None => {
                let table = Table {
                    uri: crate::uri::new_uri(),
                    dataset_uri: dataset.uri.clone(),
                    label: glue_table.name.clone(),
                    name: glue_table.name.clone(),
                    description: glue_table.description.clone(),
                    tags: Vec::new(),
                    topics: Vec::new(),
                    glue_database_name: dataset.glue_database_name.clone(),
                    location: glue_table.location.clone(),
                    status: IN_SYNC.to_owned(),
                    columns: merge_columns(glue_table, &[]),
                    aws_account_id: dataset.aws_account_id.clone(),
                    region: dataset.region.clone(),
                    created: now.clone(),
                    updated: now,
                    version: 1,
                };
                let mut writes = vec![
                    store.create_write(table.keys().item("Table", &table)?),
                    store.put_write(
                        CatalogEntry::for_table(dataset, &table)
                            .keys()
                            .item("CatalogEntry", &CatalogEntry::for_table(dataset, &table))?,
                    ),
                ];
                let mut teams = vec![dataset.owner_team.clone(), dataset.stewards_team.clone()];
                teams.dedup();
                for team in teams {
                    writes.push(authz::grant_write(
                        store.table_name(),
                        TABLE_TYPE,
                        &table.uri,
                        &team,
                        &owned(DATASET_TABLE_ALL),
                    )?);
                }
                catalog_changes::transact(store, writes).await?;
                tracing::info!(dataset_uri = %dataset.uri, table_uri = %table.uri, name = %table.name, "table added from Glue");
                summary.added += 1;
            }
            Some(old) => {
                let columns = merge_columns(glue_table, &old.columns);
                let unchanged = old.status == IN_SYNC
                    && old.location == glue_table.location
                    && old.columns == columns;
                if unchanged {
                    continue;
                }
                let table = Table {
                    location: glue_table.location.clone(),
                    columns,
                    status: IN_SYNC.to_owned(),
                    updated: now,
                    version: old.version + 1,
                    ..old.clone()
                };
                let entry = CatalogEntry::for_table(dataset, &table);
                catalog_changes::transact(
                    store,
                    vec![
                        store.replace_versioned_write(
                            table.keys().item("Table", &table)?,
                            old.version,
                        ),
                        store.put_write(entry.keys().item("CatalogEntry", &entry)?),
                    ],
                )
                .await?;
                tracing::info!(dataset_uri = %dataset.uri, table_uri = %table.uri, "table refreshed from Glue");
                summary.updated += 1;
            }
        }
    }
    for old in existing.iter().filter(|table| table.status != DELETED) {
        if glue.iter().any(|glue_table| glue_table.name == old.name) {
            continue;
        }
        let table = Table {
            status: DELETED.to_owned(),
            updated: now_rfc3339(),
            version: old.version + 1,
            ..old.clone()
        };
        catalog_changes::transact(
            store,
            vec![
                store.replace_versioned_write(table.keys().item("Table", &table)?, old.version),
                store.delete_write(&entry_keys(&table.uri)),
            ],
        )
        .await?;
        tracing::warn!(dataset_uri = %dataset.uri, table_uri = %table.uri, name = %table.name, "Glue table vanished; table marked Deleted");
        flag_shared_items(store, &table).await?;
        summary.deleted += 1;
    }
    Ok(summary)
}

/// Marks the succeeded share items of a vanished table `Unhealthy`, keeping them, so their
/// shares show the problem instead of losing the item.
async fn flag_shared_items(store: &crate::store::Store, table: &Table) -> Result<(), StoreError> {
    use crate::shares::{self, states::SHARE_SUCCEEDED};
    for item in shares::items_of_object(store, &table.uri).await? {
        if item.status != SHARE_SUCCEEDED || item.health_status.as_deref() == Some("Unhealthy") {
            continue;
        }
        let flagged = crate::shares::ShareItem {
            health_status: Some("Unhealthy".into()),
            health_message: Some(format!(
                "Glue table {} no longer exists in the dataset's database",
                table.name
            )),
            updated: now_rfc3339(),
            version: item.version + 1,
            ..item.clone()
        };
        store
            .transact(vec![shares::item_write(
                store,
                &flagged,
                &item.status,
                item.version,
            )?])
            .await?;
        tracing::warn!(share_uri = %item.share_uri, share_item_uri = %item.uri, "shared item of a vanished table flagged Unhealthy");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glue(columns: &[&str], partitions: &[&str]) -> GlueTable {
        let triple = |name: &&str| (name.to_string(), "string".to_string(), String::new());
        GlueTable {
            name: "sales".into(),
            location: "s3://b/sales/".into(),
            description: String::new(),
            columns: columns.iter().map(triple).collect(),
            partition_keys: partitions.iter().map(triple).collect(),
        }
    }

    #[test]
    fn merge_keeps_known_columns() {
        let first = merge_columns(&glue(&["id", "amount"], &["day"]), &[]);
        assert_eq!(first.len(), 3);
        assert_eq!(first[2].column_type, "partition_0");
        let mut described = first.clone();
        described[0].description = "identifier".into();
        let second = merge_columns(&glue(&["id", "amount", "region"], &["day"]), &described);
        assert_eq!(second[0].uri, first[0].uri);
        assert_eq!(second[0].description, "identifier");
        assert_eq!(second[2].name, "region");
        assert_ne!(second[2].uri, first[2].uri);
    }
}
