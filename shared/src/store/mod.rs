//! The DynamoDB store: one table holds every object.
//!
//! # Key design
//!
//! Every item has the generic keys `PK` and `SK`, a `type`, a `version` that starts at 1 and
//! grows by one on every update, and `created`/`updated` timestamps. Two generic global
//! secondary indexes, `GSI1` (`GSI1PK`, `GSI1SK`) and `GSI2` (`GSI2PK`, `GSI2SK`), both
//! projecting all attributes, serve the list patterns. No request path scans the table.
//!
//! | entity | `PK` | `SK` | `GSI1PK` / `GSI1SK` | `GSI2PK` / `GSI2SK` |
//! |---|---|---|---|---|
//! | tenant policy of a team | `TENANT` | `GROUP#<team>` | | |
//! | resource grant | `GRANT#<resourceUri>` | `GROUP#<team>` | `GROUP#<team>` / `GRANT#<resourceType>#<resourceUri>` | |
//! | organization | `ORG#<uri>` | `META` | | |
//! | team of an organization | `ORG#<uri>` | `TEAM#<team>` | | |
//! | environment | `ENV#<uri>` | `META` | | `ORG#<organizationUri>` / `ENV#<uri>` |
//! | account and region claim | `ACCOUNT#<accountId>#<region>` | `ENV` | | |
//! | team of an environment | `ENV#<uri>` | `TEAM#<team>` | | |
//! | consumption role | `CROLE#<uri>` | `META` | | `ENV#<environmentUri>` / `CROLE#<uri>` |
//! | stack of a target | `STACK#<targetUri>` | `META` | `STACKS` / `<stackType>#<targetUri>` | |
//! | key-value tags of a target | `TAGS#<targetUri>` | `META` | | |
//! | dataset | `DATASET#<uri>` | `META` | | `ENV#<environmentUri>` / `DATASET#<uri>` |
//! | bucket claim | `BUCKET#<bucketName>` | `DATASET` | | |
//! | table | `TABLE#<uri>` | `META` | | `DATASET#<datasetUri>` / `TABLE#<glueTableName>` |
//! | folder | `FOLDER#<uri>` | `META` | | `DATASET#<datasetUri>` / `FOLDER#<uri>` |
//! | folder prefix and label claims | `DATASET#<datasetUri>` | `PREFIX#<prefix>`, `FOLDERLABEL#<label>` | | |
//! | share | `SHARE#<uri>` | `META` | `DATASETSHARES#<datasetUri>` / `SHARE#<uri>` | `ENVSHARES#<environmentUri>` / `SHARE#<uri>` |
//! | share item | `SHARE#<shareUri>` | `ITEM#<itemUri>` | | `SHAREDITEM#<itemUri>` / `SHARE#<shareUri>` |
//! | share claim (dataset, environment, team, principal) | `SHAREKEY#<...>` | `SHARE` | | |
//! | dataset lock | `LOCK#dataset#<datasetUri>` | `LOCK` | | |
//! | notification | `NOTIF#<uri>` | `META` | `RECIPIENT#<team>` / `NOTIF#<created>#<uri>` | |
//! | catalog entry | `CATALOG#<uri>` | `META` | `CATALOG` / `<entryType>#<uri>` | |
//! | term marker on a catalog entry | `CATALOG#<targetUri>` | `TERM#<termUri>` | `CATALOGTERMS` / `<targetUri>#<termUri>` (approved links only) | |
//! | vote on a dataset | `CATALOG#<datasetUri>` | `VOTE#<username>` | `CATALOGVOTES` / `<datasetUri>#<username>` (upvotes only) | |
//! | catalog change | `CATALOGCHANGES` | `<time>#<changeUri>` | | |
//! | glossary node | `GLOSSARY#<nodeUri>` | `META` | `GLOSSARY#<glossaryUri>` / `NODE#<path>` | `GLOSSARIES` / `<nodeUri>` (glossaries), `GLOSSARYTERMS` / `<nodeUri>` (terms) |
//! | label claim among a node's children or among glossaries | `GLOSSARY#<parentUri>` or `GLOSSARIES` | `LABEL#<lowercase label>` | | |
//! | term link | `TERMLINK#<linkUri>` | `META` | `GLOSSARY#<glossaryUri>` / `LINK#<termPath>/<linkUri>` | |
//! | feed message | `FEED#<targetUri>` | `MESSAGE#<created>#<messageUri>` | | |
//!
//! Catalog change items carry `expiresAt` (Unix seconds), the table's time to live attribute,
//! and expire after a day.
//! Dataset locks carry the same attribute as their lease end, so DynamoDB also deletes
//! expired locks, which any owner may take over anyway.
//!
//! Access patterns and their key conditions:
//! - tenant permissions of the caller's teams: `BatchGetItem` of `TENANT`/`GROUP#<team>`;
//! - resource check: `BatchGetItem` of `GRANT#<uri>`/`GROUP#<team>` for each caller team;
//! - "what can team T see" (lists): `GSI1`, `GSI1PK = GROUP#<team>`,
//!   `begins_with(GSI1SK, GRANT#<resourceType>#)`;
//! - teams of an organization or environment: `PK = ORG#<uri>|ENV#<uri>`,
//!   `begins_with(SK, TEAM#)`;
//! - environments of an organization, consumption roles and datasets of an environment,
//!   tables and folders of a dataset: `GSI2`, `GSI2PK = ORG#<uri>`, `ENV#<uri>` or
//!   `DATASET#<uri>` with a sort key prefix;
//! - every catalog entry (index rebuild): `GSI1`, `GSI1PK = CATALOG`, with the approved term
//!   markers (`GSI1PK = CATALOGTERMS`), the upvotes (`GSI1PK = CATALOGVOTES`) and the terms
//!   (`GSI2`, `GSI2PK = GLOSSARYTERMS`);
//! - catalog changes since a time (index refresh): `PK = CATALOGCHANGES`, `SK > <time>`,
//!   then one entry with its markers and votes: `PK = CATALOG#<uri>`;
//! - glossaries: `GSI2`, `GSI2PK = GLOSSARIES`; a node's subtree and the links of the terms
//!   below it: `GSI1`, `GSI1PK = GLOSSARY#<glossaryUri>`, `begins_with(GSI1SK, NODE#<path>)`
//!   or `begins_with(GSI1SK, LINK#<path>/)`;
//! - one label among siblings, one link per term and catalog entry: conditional puts of the
//!   label claim and of the term marker in the same transaction as the node or link;
//! - a feed, newest first: `PK = FEED#<targetUri>`, `begins_with(SK, MESSAGE#)`, descending;
//! - one vote per user and dataset: the vote's key;
//! - shares of a dataset (delete guards, dataset shares list): `GSI1`, `DATASETSHARES#<uri>`;
//!   shares requested from an environment: `GSI2`, `ENVSHARES#<uri>`; share items of a
//!   table, folder or bucket in every share: `GSI2`, `SHAREDITEM#<itemUri>`;
//! - notifications of a team: `GSI1`, `RECIPIENT#<team>`;
//! - one dataset per bucket, one folder per prefix and label in a dataset: conditional puts
//!   of claim items in the same transaction as the object;
//! - all environment stacks (daily update): `GSI1`, `GSI1PK = STACKS`,
//!   `begins_with(GSI1SK, environment#)`;
//! - one environment per account and region: a conditional put of the claim item in the same
//!   transaction as the environment.

mod items;

pub use aws_sdk_dynamodb::types::TransactWriteItem;
pub use items::{Item, ItemExt, Keys};

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, Delete, GlobalSecondaryIndex, KeySchemaElement, KeyType,
    KeysAndAttributes, Projection, ProjectionType, Put, ScalarAttributeType,
    TimeToLiveSpecification,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::ApiError;

/// Most writes one DynamoDB transaction takes.
pub const TRANSACTION_LIMIT: usize = 100;

/// Attribute holding the Unix time in seconds after which DynamoDB may delete an item.
pub const TTL_ATTRIBUTE: &str = "expiresAt";

/// Names of the key attributes of the table and its indexes.
pub const KEY_ATTRIBUTES: [&str; 6] = ["PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK"];

/// A secondary index of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Index {
    Gsi1,
    Gsi2,
}

impl Index {
    /// Returns the index name.
    pub fn name(self) -> &'static str {
        match self {
            Index::Gsi1 => "GSI1",
            Index::Gsi2 => "GSI2",
        }
    }

    /// Returns the names of the index's partition and sort key attributes.
    pub fn key_names(self) -> (&'static str, &'static str) {
        match self {
            Index::Gsi1 => ("GSI1PK", "GSI1SK"),
            Index::Gsi2 => ("GSI2PK", "GSI2SK"),
        }
    }
}

/// A failure of a store operation.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A condition on the expected version, status or absence of the item did not hold.
    #[error("the item changed or already exists")]
    ConditionFailed,
    #[error("DynamoDB {operation} failed: {message}")]
    Dynamo {
        operation: &'static str,
        message: String,
    },
    #[error("item {0} could not be decoded: {1}")]
    Decode(String, String),
    #[error("nextToken is invalid")]
    InvalidCursor,
    /// Writes split over several transactions stopped part-way.
    #[error("{applied} of {total} transactions were applied: {source}")]
    Incomplete {
        applied: usize,
        total: usize,
        source: Box<StoreError>,
    },
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::ConditionFailed => ApiError::InvalidStateTransition(
                "the object was changed by another request; read it again and retry".into(),
            ),
            StoreError::InvalidCursor => {
                ApiError::invalid("nextToken", "is not a token returned by this list")
            }
            StoreError::Incomplete {
                applied,
                total,
                source,
            } if matches!(*source, StoreError::ConditionFailed) => {
                ApiError::InvalidStateTransition(format!(
                    "another request changed the object after {applied} of {total} steps of this one; read it again and repeat the request to finish"
                ))
            }
            other => ApiError::internal(other),
        }
    }
}

fn dynamo_error<E, R>(operation: &'static str, error: SdkError<E, R>) -> StoreError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    StoreError::Dynamo {
        operation,
        message: crate::aws::error_chain(&error),
    }
}

/// One page of a query.
#[derive(Debug)]
pub struct Page {
    pub items: Vec<Item>,
    pub next_token: Option<String>,
}

/// The table of a deployment, reached through one DynamoDB client.
#[derive(Clone, Debug)]
pub struct Store {
    client: Client,
    table: String,
}

impl Store {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Store {
            client,
            table: table.into(),
        }
    }

    pub fn table_name(&self) -> &str {
        &self.table
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Reads one item.
    pub async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("PK", AttributeValue::S(pk.to_owned()))
            .key("SK", AttributeValue::S(sk.to_owned()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|error| dynamo_error("GetItem", error))?;
        Ok(output.item)
    }

    /// Reads one item and decodes its record.
    pub async fn get_record<T: serde::de::DeserializeOwned>(
        &self,
        pk: &str,
        sk: &str,
    ) -> Result<Option<T>, StoreError> {
        match self.get(pk, sk).await? {
            Some(item) => Ok(Some(item.record()?)),
            None => Ok(None),
        }
    }

    /// Queries every page of a partition and decodes each item's record.
    pub async fn query_records<T: serde::de::DeserializeOwned>(
        &self,
        index: Option<Index>,
        pk: &str,
        sk_prefix: Option<&str>,
    ) -> Result<Vec<T>, StoreError> {
        self.query_all(index, pk, sk_prefix)
            .await?
            .into_iter()
            .map(ItemExt::record)
            .collect()
    }

    /// Reads items by key, 100 keys per request. Missing items are left out.
    pub async fn batch_get(&self, keys: &[(String, String)]) -> Result<Vec<Item>, StoreError> {
        let mut found = Vec::new();
        for chunk in keys.chunks(100) {
            let mut request_keys: Vec<HashMap<String, AttributeValue>> = chunk
                .iter()
                .map(|(pk, sk)| {
                    HashMap::from([
                        ("PK".to_owned(), AttributeValue::S(pk.clone())),
                        ("SK".to_owned(), AttributeValue::S(sk.clone())),
                    ])
                })
                .collect();
            request_keys.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
            request_keys.dedup();
            let mut pending = Some(
                KeysAndAttributes::builder()
                    .set_keys(Some(request_keys))
                    .consistent_read(true)
                    .build()
                    .map_err(|error| StoreError::Dynamo {
                        operation: "BatchGetItem",
                        message: error.to_string(),
                    })?,
            );
            while let Some(request) = pending.take() {
                let output = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, request)
                    .send()
                    .await
                    .map_err(|error| dynamo_error("BatchGetItem", error))?;
                if let Some(mut responses) = output.responses
                    && let Some(items) = responses.remove(&self.table)
                {
                    found.extend(items);
                }
                pending = output
                    .unprocessed_keys
                    .and_then(|mut unprocessed| unprocessed.remove(&self.table))
                    .filter(|rest| !rest.keys.is_empty());
            }
        }
        Ok(found)
    }

    /// Writes a new item; fails with `ConditionFailed` when an item with its key exists.
    pub async fn put_new(&self, item: Item) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK)")
            .send()
            .await
            .map_err(|error| condition_or(error, "PutItem"))?;
        Ok(())
    }

    /// Writes an item, replacing any item with its key.
    pub async fn put(&self, item: Item) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(|error| dynamo_error("PutItem", error))?;
        Ok(())
    }

    /// Replaces an item only while its `version` is still `expected_version`; the new item's
    /// version must be `expected_version + 1`, which the caller sets.
    pub async fn replace_versioned(
        &self,
        item: Item,
        expected_version: i64,
    ) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("#version = :expected")
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(
                ":expected",
                AttributeValue::N(expected_version.to_string()),
            )
            .send()
            .await
            .map_err(|error| condition_or(error, "PutItem"))?;
        Ok(())
    }

    /// Deletes an item; a missing item is not an error.
    pub async fn delete(&self, pk: &str, sk: &str) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key("PK", AttributeValue::S(pk.to_owned()))
            .key("SK", AttributeValue::S(sk.to_owned()))
            .send()
            .await
            .map_err(|error| dynamo_error("DeleteItem", error))?;
        Ok(())
    }

    /// Applies writes that may exceed one transaction, in transactions of at most 100 in
    /// order. The first transaction takes the first writes, so the write that decides a race
    /// (a status change) goes first. Every later one also contains `guard`, a condition check
    /// on an item the first one wrote, so it applies only while no other request has changed
    /// that item since. A failure after the first transaction is `Incomplete`.
    pub async fn transact_leading(
        &self,
        writes: Vec<TransactWriteItem>,
        guard: TransactWriteItem,
    ) -> Result<(), StoreError> {
        self.transact_each(leading_chunks(writes, &guard, TRANSACTION_LIMIT))
            .await
    }

    /// Applies writes that may exceed one transaction, with `deciding` in the last
    /// transaction, so the object those writes create or delete appears or disappears in
    /// one step with the last of the others. Every earlier transaction also contains `guard`
    /// when one is given. A failure after the first transaction is `Incomplete`.
    pub async fn transact_trailing(
        &self,
        writes: Vec<TransactWriteItem>,
        deciding: Vec<TransactWriteItem>,
        guard: Option<TransactWriteItem>,
    ) -> Result<(), StoreError> {
        self.transact_each(trailing_chunks(
            writes,
            deciding,
            guard.as_ref(),
            TRANSACTION_LIMIT,
        ))
        .await
    }

    async fn transact_each(&self, chunks: Vec<Vec<TransactWriteItem>>) -> Result<(), StoreError> {
        let total = chunks.len();
        for (applied, chunk) in chunks.into_iter().enumerate() {
            if let Err(error) = self.transact(chunk).await {
                return Err(if applied == 0 {
                    error
                } else {
                    StoreError::Incomplete {
                        applied,
                        total,
                        source: Box::new(error),
                    }
                });
            }
        }
        Ok(())
    }

    /// Builds a transaction check that an item is still at `expected_version`.
    pub fn version_check(&self, keys: &Keys, expected_version: i64) -> TransactWriteItem {
        let check = aws_sdk_dynamodb::types::ConditionCheck::builder()
            .table_name(&self.table)
            .key("PK", AttributeValue::S(keys.pk.clone()))
            .key("SK", AttributeValue::S(keys.sk.clone()))
            .condition_expression("#version = :version")
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(
                ":version",
                AttributeValue::N(expected_version.to_string()),
            )
            .build()
            .expect("table name, key and condition are set");
        TransactWriteItem::builder().condition_check(check).build()
    }

    /// Applies up to 100 writes atomically. A failed condition on any of them fails all with
    /// `ConditionFailed`.
    pub async fn transact(&self, writes: Vec<TransactWriteItem>) -> Result<(), StoreError> {
        if writes.is_empty() {
            return Ok(());
        }
        self.client
            .transact_write_items()
            .set_transact_items(Some(writes))
            .send()
            .await
            .map_err(|error| {
                let text = crate::aws::error_chain(&error);
                if text.contains("ConditionalCheckFailed") {
                    StoreError::ConditionFailed
                } else {
                    dynamo_error("TransactWriteItems", error)
                }
            })?;
        Ok(())
    }

    /// Builds a transaction write that creates an item, failing when its key exists.
    pub fn create_write(&self, item: Item) -> TransactWriteItem {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK)")
            .build()
            .expect("table name and item are set");
        TransactWriteItem::builder().put(put).build()
    }

    /// Builds a transaction write that creates or replaces an item.
    pub fn put_write(&self, item: Item) -> TransactWriteItem {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .build()
            .expect("table name and item are set");
        TransactWriteItem::builder().put(put).build()
    }

    /// Builds a transaction write that replaces an item while its `version` is
    /// `expected_version`.
    pub fn replace_versioned_write(&self, item: Item, expected_version: i64) -> TransactWriteItem {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("#version = :expected")
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(
                ":expected",
                AttributeValue::N(expected_version.to_string()),
            )
            .build()
            .expect("table name and item are set");
        TransactWriteItem::builder().put(put).build()
    }

    /// Builds a transaction write that deletes an item while its `version` is
    /// `expected_version`.
    pub fn delete_versioned_write(&self, keys: &Keys, expected_version: i64) -> TransactWriteItem {
        let delete = Delete::builder()
            .table_name(&self.table)
            .key("PK", AttributeValue::S(keys.pk.clone()))
            .key("SK", AttributeValue::S(keys.sk.clone()))
            .condition_expression("#version = :expected")
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(
                ":expected",
                AttributeValue::N(expected_version.to_string()),
            )
            .build()
            .expect("table name and key are set");
        TransactWriteItem::builder().delete(delete).build()
    }

    /// Builds a transaction write that deletes an item.
    pub fn delete_write(&self, keys: &Keys) -> TransactWriteItem {
        let delete = Delete::builder()
            .table_name(&self.table)
            .key("PK", AttributeValue::S(keys.pk.clone()))
            .key("SK", AttributeValue::S(keys.sk.clone()))
            .build()
            .expect("table name and key are set");
        TransactWriteItem::builder().delete(delete).build()
    }

    /// Builds a transaction write that deletes an item only while its `status` is
    /// `expected_status`.
    pub fn delete_if_status_write(&self, keys: &Keys, expected_status: &str) -> TransactWriteItem {
        let delete = Delete::builder()
            .table_name(&self.table)
            .key("PK", AttributeValue::S(keys.pk.clone()))
            .key("SK", AttributeValue::S(keys.sk.clone()))
            .condition_expression("#status = :status")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":status", AttributeValue::S(expected_status.to_owned()))
            .build()
            .expect("table name and key are set");
        TransactWriteItem::builder().delete(delete).build()
    }

    /// Queries one partition of the table or of an index, optionally by sort key prefix,
    /// one page at a time.
    pub async fn query(
        &self,
        index: Option<Index>,
        pk: &str,
        sk_prefix: Option<&str>,
        limit: Option<i32>,
        next_token: Option<&str>,
    ) -> Result<Page, StoreError> {
        self.query_ordered(index, pk, sk_prefix, limit, next_token, true)
            .await
    }

    /// Queries one page of a partition of the table, optionally by sort key prefix, from the
    /// highest sort key down.
    pub async fn query_descending(
        &self,
        pk: &str,
        sk_prefix: Option<&str>,
        limit: Option<i32>,
        next_token: Option<&str>,
    ) -> Result<Page, StoreError> {
        self.query_ordered(None, pk, sk_prefix, limit, next_token, false)
            .await
    }

    async fn query_ordered(
        &self,
        index: Option<Index>,
        pk: &str,
        sk_prefix: Option<&str>,
        limit: Option<i32>,
        next_token: Option<&str>,
        ascending: bool,
    ) -> Result<Page, StoreError> {
        let (pk_name, sk_name) = index.map_or(("PK", "SK"), Index::key_names);
        let mut request = self
            .client
            .query()
            .table_name(&self.table)
            .scan_index_forward(ascending)
            .expression_attribute_names("#pk", pk_name)
            .expression_attribute_values(":pk", AttributeValue::S(pk.to_owned()));
        if let Some(index) = index {
            request = request.index_name(index.name());
        } else {
            request = request.consistent_read(true);
        }
        request = match sk_prefix {
            Some(prefix) => request
                .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expression_attribute_names("#sk", sk_name)
                .expression_attribute_values(":prefix", AttributeValue::S(prefix.to_owned())),
            None => request.key_condition_expression("#pk = :pk"),
        };
        if let Some(limit) = limit {
            request = request.limit(limit);
        }
        if let Some(token) = next_token {
            request = request.set_exclusive_start_key(Some(decode_cursor(token)?));
        }
        let output = request
            .send()
            .await
            .map_err(|error| dynamo_error("Query", error))?;
        Ok(Page {
            items: output.items.unwrap_or_default(),
            next_token: output.last_evaluated_key.as_ref().map(encode_cursor),
        })
    }

    /// Queries every page of a partition.
    pub async fn query_all(
        &self,
        index: Option<Index>,
        pk: &str,
        sk_prefix: Option<&str>,
    ) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .query(index, pk, sk_prefix, None, token.as_deref())
                .await?;
            items.extend(page.items);
            match page.next_token {
                Some(next) => token = Some(next),
                None => return Ok(items),
            }
        }
    }

    /// Reads every item of a table partition whose sort key is greater than `after`, in
    /// sort key order, with strongly consistent reads.
    pub async fn query_after(&self, pk: &str, after: &str) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start: Option<HashMap<String, AttributeValue>> = None;
        loop {
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .consistent_read(true)
                .key_condition_expression("PK = :pk AND SK > :after")
                .expression_attribute_values(":pk", AttributeValue::S(pk.to_owned()))
                .expression_attribute_values(":after", AttributeValue::S(after.to_owned()))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|error| dynamo_error("Query", error))?;
            items.extend(output.items.unwrap_or_default());
            match output.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => return Ok(items),
            }
        }
    }

    /// Returns the table's key schema, indexes and billing mode, so the local bootstrap and
    /// the deployment template describe the same table.
    pub fn table_definition() -> TableDefinition {
        TableDefinition
    }
}

/// Builder of the table's `CreateTable` request.
///
/// The template generator in `infra/generate` reads `KEYS`, `INDEXES` and
/// [`KEY_ATTRIBUTES`] and, like this request, uses on-demand billing and indexes that
/// project every attribute.
pub struct TableDefinition;

impl TableDefinition {
    /// The table's partition and sort key attributes.
    pub const KEYS: (&'static str, &'static str) = ("PK", "SK");
    /// The table's global secondary indexes.
    pub const INDEXES: [Index; 2] = [Index::Gsi1, Index::Gsi2];

    /// Creates the table with its indexes, unless it exists.
    pub async fn create(&self, client: &Client, table: &str) -> Result<(), StoreError> {
        let string_attribute = |name: &str| {
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .expect("attribute name and type are set")
        };
        let key = |name: &str, key_type: KeyType| {
            KeySchemaElement::builder()
                .attribute_name(name)
                .key_type(key_type)
                .build()
                .expect("attribute name and key type are set")
        };
        let index = |index: Index| {
            let (pk, sk) = index.key_names();
            GlobalSecondaryIndex::builder()
                .index_name(index.name())
                .key_schema(key(pk, KeyType::Hash))
                .key_schema(key(sk, KeyType::Range))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::All)
                        .build(),
                )
                .build()
                .expect("index name, keys and projection are set")
        };
        let mut request = client
            .create_table()
            .table_name(table)
            .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
            .key_schema(key(Self::KEYS.0, KeyType::Hash))
            .key_schema(key(Self::KEYS.1, KeyType::Range));
        for gsi in Self::INDEXES {
            request = request.global_secondary_indexes(index(gsi));
        }
        for name in KEY_ATTRIBUTES {
            request = request.attribute_definitions(string_attribute(name));
        }
        match request.send().await {
            Ok(_) => {}
            Err(error) if crate::aws::error_chain(&error).contains("ResourceInUse") => {}
            Err(error) => return Err(dynamo_error("CreateTable", error)),
        }
        let time_to_live = TimeToLiveSpecification::builder()
            .attribute_name(TTL_ATTRIBUTE)
            .enabled(true)
            .build()
            .map_err(|error| StoreError::Dynamo {
                operation: "UpdateTimeToLive",
                message: error.to_string(),
            })?;
        match client
            .update_time_to_live()
            .table_name(table)
            .time_to_live_specification(time_to_live)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(error) if crate::aws::error_chain(&error).contains("already enabled") => Ok(()),
            Err(error) => Err(dynamo_error("UpdateTimeToLive", error)),
        }
    }
}

fn condition_or<E, R>(error: SdkError<E, R>, operation: &'static str) -> StoreError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    if crate::aws::error_chain(&error).contains("ConditionalCheckFailed") {
        StoreError::ConditionFailed
    } else {
        dynamo_error(operation, error)
    }
}

fn encode_cursor(key: &HashMap<String, AttributeValue>) -> String {
    let plain: HashMap<&str, &str> = key
        .iter()
        .filter_map(|(name, value)| value.as_s().ok().map(|text| (name.as_str(), text.as_str())))
        .collect();
    let json = serde_json::to_vec(&plain).expect("a map of strings serializes");
    URL_SAFE_NO_PAD.encode(json)
}

fn decode_cursor(token: &str) -> Result<HashMap<String, AttributeValue>, StoreError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(token)
        .map_err(|_| StoreError::InvalidCursor)?;
    let plain: HashMap<String, String> =
        serde_json::from_slice(&bytes).map_err(|_| StoreError::InvalidCursor)?;
    if plain.is_empty()
        || plain
            .keys()
            .any(|name| !KEY_ATTRIBUTES.contains(&name.as_str()))
    {
        return Err(StoreError::InvalidCursor);
    }
    Ok(plain
        .into_iter()
        .map(|(name, value)| (name, AttributeValue::S(value)))
        .collect())
}

/// Splits `writes` into chunks of at most `limit`: the first chunk as full as it can be,
/// every later one starting with `guard`.
fn leading_chunks<T: Clone>(writes: Vec<T>, guard: &T, limit: usize) -> Vec<Vec<T>> {
    let mut rest = writes.into_iter();
    let mut chunks: Vec<Vec<T>> = vec![rest.by_ref().take(limit).collect()];
    loop {
        let next: Vec<T> = rest.by_ref().take(limit - 1).collect();
        if next.is_empty() {
            return chunks;
        }
        chunks.push(std::iter::once(guard.clone()).chain(next).collect());
    }
}

/// Splits `writes` and `deciding` into chunks of at most `limit`. The last chunk contains
/// `deciding` and the last writes that fit beside them, and every earlier one starts with
/// `guard` when there is one.
fn trailing_chunks<T: Clone>(
    mut writes: Vec<T>,
    deciding: Vec<T>,
    guard: Option<&T>,
    limit: usize,
) -> Vec<Vec<T>> {
    assert!(
        deciding.len() < limit,
        "the deciding writes leave room in one transaction"
    );
    let room = limit - deciding.len();
    let late = writes.split_off(writes.len().saturating_sub(room));
    let per_chunk = limit - usize::from(guard.is_some());
    let mut chunks: Vec<Vec<T>> = writes
        .chunks(per_chunk)
        .map(|chunk| guard.into_iter().chain(chunk).cloned().collect())
        .collect();
    chunks.push(deciding.into_iter().chain(late).collect());
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_chunks_put_the_first_writes_first() {
        assert_eq!(leading_chunks(vec![1, 2, 3], &0, 4), vec![vec![1, 2, 3]]);
        assert_eq!(
            leading_chunks(Vec::<i32>::new(), &0, 4),
            vec![Vec::<i32>::new()]
        );
        let writes: Vec<i32> = (1..=11).collect();
        assert_eq!(
            leading_chunks(writes, &0, 4),
            vec![
                vec![1, 2, 3, 4],
                vec![0, 5, 6, 7],
                vec![0, 8, 9, 10],
                vec![0, 11]
            ]
        );
        let chunks = leading_chunks((0..250).collect(), &-1, TRANSACTION_LIMIT);
        assert!(chunks.iter().all(|chunk| chunk.len() <= TRANSACTION_LIMIT));
        assert_eq!(chunks.iter().flatten().filter(|w| **w >= 0).count(), 250);
    }

    #[test]
    fn trailing_chunks_put_the_deciding_writes_last() {
        assert_eq!(
            trailing_chunks(vec![1, 2], vec![10, 11], None, 5),
            vec![vec![10, 11, 1, 2]]
        );
        assert_eq!(
            trailing_chunks((1..=8).collect(), vec![10, 11], Some(&0), 5),
            vec![vec![0, 1, 2, 3, 4], vec![0, 5], vec![10, 11, 6, 7, 8]]
        );
        assert_eq!(
            trailing_chunks((1..=8).collect(), vec![10, 11], None, 5),
            vec![vec![1, 2, 3, 4, 5], vec![10, 11, 6, 7, 8]]
        );
        let chunks = trailing_chunks(
            (0..300).collect(),
            vec![-2; 5],
            Some(&-1),
            TRANSACTION_LIMIT,
        );
        assert!(chunks.iter().all(|chunk| chunk.len() <= TRANSACTION_LIMIT));
        assert_eq!(chunks.iter().flatten().filter(|w| **w >= 0).count(), 300);
        assert_eq!(chunks.last().unwrap()[..5], [-2; 5]);
    }

    #[test]
    fn cursor_round_trips() {
        let key = HashMap::from([
            ("PK".to_owned(), AttributeValue::S("ORG#abcdefgh".into())),
            ("SK".to_owned(), AttributeValue::S("META".into())),
        ]);
        assert_eq!(decode_cursor(&encode_cursor(&key)).unwrap(), key);
    }

    #[test]
    fn cursor_rejects_foreign_tokens() {
        for token in [
            "",
            "not base64!",
            &URL_SAFE_NO_PAD.encode(b"{\"password\":\"x\"}"),
        ] {
            assert!(
                matches!(decode_cursor(token), Err(StoreError::InvalidCursor)),
                "{token}"
            );
        }
    }
}
