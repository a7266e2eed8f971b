//! Tables: synchronised from the dataset's Glue database, described by their owners, and
//! previewed through Athena.

use std::time::Duration;

use serde::Deserialize;
use shared::api::{ApiRequest, ApiResponse};
use shared::authz;
use shared::aws::error_chain;
use shared::domain::catalog::{CatalogEntry, entry_keys};
use shared::domain::catalog_changes;
use shared::domain::datasets::{self, DELETED, Dataset, Table};
use shared::domain::environments;
use shared::identity::Caller;
use shared::permissions::{DELETE_DATASET_TABLE, UPDATE_DATASET_TABLE};
use shared::table_sync::{self, SyncError};
use shared::time::now_rfc3339;
use shared::{ApiError, AppContext, validate};

use crate::{load, load_table, require_on_dataset};

/// Maximum number of rows a preview returns.
const PREVIEW_ROWS: usize = 100;
/// How long a preview waits for its Athena query.
const PREVIEW_TIMEOUT: Duration = Duration::from_secs(20);

pub async fn list(context: &AppContext, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let uri = request.path("datasetUri")?;
    load(context, uri).await?;
    ApiResponse::page(datasets::tables(&context.store, uri).await?, None)
}

pub async fn sync(context: &AppContext, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let dataset = load(context, request.path("datasetUri")?).await?;
    let summary = table_sync::sync_dataset(context, &dataset).await.map_err(|error| match error {
        SyncError::PivotRole(error) => error.into(),
        SyncError::Glue { database, message } => {
            tracing::warn!(dataset_uri = %dataset.uri, %database, %message, "table sync could not read Glue");
            ApiError::AwsResourceNotFound(format!(
                "Glue database {database} could not be read; it is created once the dataset stack is deployed"
            ))
        }
        SyncError::Store(error) => error.into(),
    })?;
    tracing::info!(dataset_uri = %dataset.uri, ?summary, "tables synchronised");
    ApiResponse::ok(summary)
}

pub async fn get(context: &AppContext, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
    ApiResponse::ok(load_table(context, request.path("tableUri")?).await?)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UpdateTable {
    label: Option<String>,
    description: Option<String>,
    tags: Option<Vec<String>>,
    topics: Option<Vec<String>>,
}

async fn save(
    context: &AppContext,
    dataset: &Dataset,
    old: &Table,
    mut table: Table,
) -> Result<Table, ApiError> {
    table.version = old.version + 1;
    table.updated = now_rfc3339();
    let store = &context.store;
    let mut writes =
        vec![store.replace_versioned_write(table.keys().item("Table", &table)?, old.version)];
    if table.status != DELETED {
        let entry = CatalogEntry::for_table(dataset, &table);
        writes.push(store.put_write(entry.keys().item("CatalogEntry", &entry)?));
    }
    catalog_changes::transact(store, writes).await?;
    Ok(table)
}

pub async fn update(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let body: UpdateTable = request.json()?;
    let old = load_table(context, request.path("tableUri")?).await?;
    require_on_dataset(context, caller, &old.dataset_uri, UPDATE_DATASET_TABLE).await?;
    let dataset = load(context, &old.dataset_uri).await?;
    let mut table = old.clone();
    if let Some(label) = &body.label {
        table.label = validate::label("label", label, validate::MAX_LABEL_LENGTH)?;
    }
    if body.description.is_some() {
        table.description = validate::description(body.description.as_deref())?;
    }
    if let Some(tags) = &body.tags {
        table.tags = validate::tags(tags)?;
    }
    if let Some(topics) = &body.topics {
        table.topics = validate::permissions("topics", topics, datasets::TOPICS)?;
    }
    let table = save(context, &dataset, &old, table).await?;
    tracing::info!(table_uri = %table.uri, "table updated");
    ApiResponse::ok(table)
}

pub async fn delete(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let table = load_table(context, request.path("tableUri")?).await?;
    require_on_dataset(context, caller, &table.dataset_uri, DELETE_DATASET_TABLE).await?;
    let store = &context.store;
    if shared::shares::object_is_shared(store, &table.uri).await? {
        return Err(ApiError::ResourceShared(format!(
            "table {} is shared; revoke its share items before deleting it",
            table.uri
        )));
    }
    let mut writes = vec![
        store.delete_write(&table.keys()),
        store.delete_write(&entry_keys(&table.uri)),
    ];
    for item in shared::shares::items_of_object(store, &table.uri).await? {
        writes.push(store.delete_if_status_write(&item.keys(), &item.status));
    }
    for grant in authz::grants_on(store, &table.uri).await? {
        writes.push(authz::revoke_write(
            store.table_name(),
            &table.uri,
            &grant.team,
        )?);
    }
    catalog_changes::transact(store, writes).await?;
    tracing::info!(table_uri = %table.uri, "table removed from the catalog; the Glue table is kept");
    ApiResponse::ok(serde_json::json!({"uri": table.uri, "deleted": true}))
}

/// Fails unless the caller may read the rows or columns of a table of `dataset`: when the
/// dataset is not `Unclassified`, only its owner team and stewards may.
fn require_confidential_access(caller: &Caller, dataset: &Dataset) -> Result<(), ApiError> {
    if dataset.confidentiality == "Unclassified"
        || caller.in_group(&dataset.owner_team)
        || caller.in_group(&dataset.stewards_team)
    {
        Ok(())
    } else {
        Err(ApiError::UnauthorizedOperation(format!(
            "dataset {} is {}: only its owner team and stewards may read its data",
            dataset.uri, dataset.confidentiality
        )))
    }
}

pub async fn columns(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let table = load_table(context, request.path("tableUri")?).await?;
    let dataset = load(context, &table.dataset_uri).await?;
    require_confidential_access(caller, &dataset)?;
    ApiResponse::page(table.columns, None)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UpdateColumn {
    description: String,
}

pub async fn update_column(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let column_uri = request.path("columnUri")?;
    let body: UpdateColumn = request.json()?;
    let description = validate::description(Some(&body.description))?;
    if description.chars().count() > 255 {
        return Err(ApiError::invalid(
            "description",
            "must be at most 255 characters, the limit of a Glue column comment",
        ));
    }
    let old = load_table(context, request.path("tableUri")?).await?;
    require_on_dataset(context, caller, &old.dataset_uri, UPDATE_DATASET_TABLE).await?;
    let dataset = load(context, &old.dataset_uri).await?;
    let mut table = old.clone();
    let column = table
        .columns
        .iter_mut()
        .find(|column| column.uri == column_uri)
        .ok_or_else(|| ApiError::not_found("Column", column_uri))?;
    column.description = description.clone();
    let column_name = column.name.clone();
    write_column_comment(context, &dataset, &table, &column_name, &description).await?;
    let table = save(context, &dataset, &old, table).await?;
    tracing::info!(table_uri = %table.uri, column = %column_name, "column description updated in the catalog and in Glue");
    let column = table
        .columns
        .into_iter()
        .find(|column| column.uri == column_uri);
    ApiResponse::ok(column)
}

/// Writes a column's description to Glue as its comment, keeping the rest of the table.
async fn write_column_comment(
    context: &AppContext,
    dataset: &Dataset,
    table: &Table,
    column: &str,
    comment: &str,
) -> Result<(), ApiError> {
    let clients = context
        .environment_account(&dataset.aws_account_id, &dataset.region)
        .await?;
    let glue = clients.glue();
    let current = glue
        .get_table()
        .database_name(&table.glue_database_name)
        .name(&table.name)
        .send()
        .await
        .map_err(|error| {
            ApiError::AwsResourceNotFound(format!(
                "Glue table {} could not be read: {}",
                table.name,
                error_chain(&error)
            ))
        })?;
    let glue_table = current
        .table()
        .ok_or_else(|| ApiError::internal("GetTable returned no table"))?;
    let with_comment =
        |columns: &[aws_sdk_glue::types::Column]| -> Vec<aws_sdk_glue::types::Column> {
            columns
                .iter()
                .map(|existing| {
                    if existing.name() == column {
                        let mut builder = aws_sdk_glue::types::Column::builder()
                            .name(existing.name())
                            .comment(comment);
                        if let Some(type_name) = existing.r#type() {
                            builder = builder.r#type(type_name);
                        }
                        builder.build().unwrap_or_else(|_| existing.clone())
                    } else {
                        existing.clone()
                    }
                })
                .collect()
        };
    let descriptor = glue_table.storage_descriptor().map(|descriptor| {
        let mut descriptor = descriptor.clone();
        descriptor.columns = Some(with_comment(descriptor.columns()));
        descriptor
    });
    let input = aws_sdk_glue::types::TableInput::builder()
        .name(glue_table.name())
        .set_description(glue_table.description().map(str::to_owned))
        .set_table_type(glue_table.table_type().map(str::to_owned))
        .set_parameters(glue_table.parameters().cloned())
        .set_storage_descriptor(descriptor)
        .set_partition_keys(Some(with_comment(glue_table.partition_keys())))
        .build()
        .map_err(ApiError::internal)?;
    glue.update_table()
        .database_name(&table.glue_database_name)
        .table_input(input)
        .send()
        .await
        .map_err(|error| {
            ApiError::internal(format!(
                "Glue UpdateTable {} failed: {}",
                table.name,
                error_chain(&error)
            ))
        })?;
    Ok(())
}

pub async fn preview(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let table = load_table(context, request.path("tableUri")?).await?;
    let dataset = load(context, &table.dataset_uri).await?;
    require_confidential_access(caller, &dataset)?;
    if table.status == DELETED {
        return Err(ApiError::AwsResourceNotFound(format!(
            "Glue table {} no longer exists",
            table.name
        )));
    }
    let environment = environments::get(&context.store, &dataset.environment_uri)
        .await?
        .ok_or_else(|| ApiError::not_found("Environment", &dataset.environment_uri))?;
    let clients = context
        .environment_account(&dataset.aws_account_id, &dataset.region)
        .await?;
    let athena = clients.athena();
    let query = format!(
        "SELECT * FROM \"{}\".\"{}\" LIMIT {PREVIEW_ROWS}",
        table.glue_database_name.replace('"', ""),
        table.name.replace('"', "")
    );
    let output_location = format!(
        "s3://{}/athenaqueries/{}/",
        environment.default_bucket_name, environment.athena_workgroup
    );
    let started = athena
        .start_query_execution()
        .query_string(&query)
        .work_group(&environment.athena_workgroup)
        .result_configuration(
            aws_sdk_athena::types::ResultConfiguration::builder()
                .output_location(output_location)
                .build(),
        )
        .send()
        .await
        .map_err(|error| {
            ApiError::internal(format!(
                "Athena StartQueryExecution failed: {}",
                error_chain(&error)
            ))
        })?;
    let execution_id = started.query_execution_id().unwrap_or_default().to_owned();
    wait_for_query(&athena, &execution_id).await?;
    let results = athena
        .get_query_results()
        .query_execution_id(&execution_id)
        .max_results(i32::try_from(PREVIEW_ROWS + 1).unwrap_or(101))
        .send()
        .await
        .map_err(|error| {
            ApiError::internal(format!(
                "Athena GetQueryResults failed: {}",
                error_chain(&error)
            ))
        })?;
    let rows: Vec<Vec<Option<String>>> = results
        .result_set()
        .map(|set| set.rows())
        .unwrap_or_default()
        .iter()
        .map(|row| {
            row.data()
                .iter()
                .map(|datum| datum.var_char_value().map(str::to_owned))
                .collect()
        })
        .collect();
    let fields: Vec<String> = results
        .result_set()
        .and_then(|set| set.result_set_metadata())
        .map(|metadata| {
            metadata
                .column_info()
                .iter()
                .map(|column| column.name().to_owned())
                .collect()
        })
        .unwrap_or_default();
    // Athena returns the column names as the first row of a SELECT.
    let rows: Vec<Vec<Option<String>>> = match rows.first() {
        Some(first)
            if !fields.is_empty()
                && first
                    .iter()
                    .map(|v| v.as_deref().unwrap_or(""))
                    .eq(fields.iter().map(String::as_str)) =>
        {
            rows.into_iter().skip(1).take(PREVIEW_ROWS).collect()
        }
        _ => rows.into_iter().take(PREVIEW_ROWS).collect(),
    };
    tracing::info!(table_uri = %table.uri, %execution_id, rows = rows.len(), "table previewed");
    ApiResponse::ok(
        serde_json::json!({"fields": fields, "rows": rows, "queryExecutionId": execution_id}),
    )
}

async fn wait_for_query(
    athena: &aws_sdk_athena::Client,
    execution_id: &str,
) -> Result<(), ApiError> {
    let deadline = tokio::time::Instant::now() + PREVIEW_TIMEOUT;
    loop {
        let execution = athena
            .get_query_execution()
            .query_execution_id(execution_id)
            .send()
            .await
            .map_err(|error| {
                ApiError::internal(format!(
                    "Athena GetQueryExecution failed: {}",
                    error_chain(&error)
                ))
            })?;
        let status = execution.query_execution().and_then(|query| query.status());
        let state = status
            .and_then(|status| status.state())
            .map(|state| state.as_str().to_owned())
            .unwrap_or_default();
        match state.as_str() {
            "SUCCEEDED" => return Ok(()),
            "FAILED" | "CANCELLED" => {
                let reason = status
                    .and_then(|status| status.state_change_reason())
                    .unwrap_or("no reason given");
                return Err(ApiError::internal(format!(
                    "Athena query {execution_id} ended {state}: {reason}"
                )));
            }
            _ if tokio::time::Instant::now() > deadline => {
                return Err(ApiError::internal(format!(
                    "Athena query {execution_id} timed out after {PREVIEW_TIMEOUT:?}"
                )));
            }
            _ => tokio::time::sleep(Duration::from_millis(300)).await,
        }
    }
}
