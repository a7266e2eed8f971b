//! The catalog change log: one item per transaction that changes a catalog entry, its
//! annotations or a glossary node, written in that same transaction.
//!
//! Search functions keep their index in memory and read the log to refresh it: a query of
//! the items after a point in time names the entries and glossary nodes to read again. Items
//! expire after [`RETENTION_SECONDS`] through the table's time to live.

use serde::{Deserialize, Serialize};

use crate::store::{ItemExt, Keys, Store, StoreError, TransactWriteItem};

/// Partition key of the change log.
pub const CHANGES_PK: &str = "CATALOGCHANGES";

/// How long change items are kept: a search index older than this is rebuilt in full.
pub const RETENTION_SECONDS: i64 = 24 * 60 * 60;

/// Maximum writes of a transaction passed to [`transact`], which adds the change item to
/// DynamoDB's limit of 100.
pub const MAX_WRITES: usize = 99;

/// The catalog changes of one transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogChange {
    /// The sort key: the writer's time with microseconds, then a random uri.
    pub change_id: String,
    /// Uris of the catalog entries whose partition changed.
    pub entries: Vec<String>,
    /// Uris of the glossary nodes that changed.
    pub nodes: Vec<String>,
    /// Unix time in seconds after which DynamoDB may delete the item.
    pub expires_at: i64,
}

/// Formats a time as the change log's sort keys do, so that they sort by time.
pub fn change_time(time: chrono::DateTime<chrono::Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Returns the catalog entries and glossary nodes that a list of writes changes: writes to
/// a `CATALOG#<uri>` partition and to glossary nodes (`GLOSSARY#<uri>`, `META`).
pub fn changed_objects(writes: &[TransactWriteItem]) -> (Vec<String>, Vec<String>) {
    let mut entries: Vec<String> = Vec::new();
    let mut nodes: Vec<String> = Vec::new();
    for write in writes {
        let key = match (write.put(), write.delete()) {
            (Some(put), _) => Some(put.item()),
            (None, Some(delete)) => Some(delete.key()),
            (None, None) => write.update().map(|update| update.key()),
        };
        let Some(key) = key else { continue };
        let (Some(pk), Some(sk)) = (key.string("PK"), key.string("SK")) else {
            continue;
        };
        if let Some(uri) = pk.strip_prefix("CATALOG#") {
            if !entries.iter().any(|seen| seen == uri) {
                entries.push(uri.to_owned());
            }
        } else if let Some(uri) = pk.strip_prefix("GLOSSARY#")
            && sk == "META"
            && !nodes.iter().any(|seen| seen == uri)
        {
            nodes.push(uri.to_owned());
        }
    }
    (entries, nodes)
}

/// Applies up to [`MAX_WRITES`] writes atomically, adding a change item when any of them
/// changes a catalog entry, its annotations or a glossary node.
pub async fn transact(store: &Store, mut writes: Vec<TransactWriteItem>) -> Result<(), StoreError> {
    let (entries, nodes) = changed_objects(&writes);
    if entries.is_empty() && nodes.is_empty() {
        return store.transact(writes).await;
    }
    if writes.len() > MAX_WRITES {
        return Err(StoreError::Dynamo {
            operation: "TransactWriteItems",
            message: format!(
                "{} writes with a catalog change exceed the maximum of {MAX_WRITES}",
                writes.len()
            ),
        });
    }
    let now = chrono::Utc::now();
    let change = CatalogChange {
        change_id: format!("{}#{}", change_time(now), crate::uri::new_uri()),
        entries,
        nodes,
        expires_at: now.timestamp() + RETENTION_SECONDS,
    };
    let item = Keys::new(CHANGES_PK, change.change_id.clone()).item("CatalogChange", &change)?;
    writes.push(store.put_write(item));
    store.transact(writes).await
}

/// Reads the changes recorded after `after` (a time from [`change_time`]), oldest first,
/// with strongly consistent reads.
pub async fn changes_after(store: &Store, after: &str) -> Result<Vec<CatalogChange>, StoreError> {
    store
        .query_after(CHANGES_PK, after)
        .await?
        .into_iter()
        .map(ItemExt::record)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put};

    fn put(pk: &str, sk: &str) -> TransactWriteItem {
        let item = Keys::new(pk, sk).item("X", &serde_json::json!({})).unwrap();
        let put = Put::builder()
            .table_name("t")
            .set_item(Some(item))
            .build()
            .unwrap();
        TransactWriteItem::builder().put(put).build()
    }

    fn delete(pk: &str, sk: &str) -> TransactWriteItem {
        let delete = Delete::builder()
            .table_name("t")
            .key("PK", AttributeValue::S(pk.into()))
            .key("SK", AttributeValue::S(sk.into()))
            .build()
            .unwrap();
        TransactWriteItem::builder().delete(delete).build()
    }

    #[test]
    fn changed_objects_from_keys() {
        let writes = vec![
            put("DATASET#aaaaaaaa", "META"),
            put("CATALOG#aaaaaaaa", "META"),
            delete("CATALOG#bbbbbbbb", "META"),
            put("CATALOG#aaaaaaaa", "VOTE#ds-a"),
            put("GLOSSARY#cccccccc", "META"),
            put("GLOSSARY#cccccccc", "LABEL#sales"),
        ];
        let (entries, nodes) = changed_objects(&writes);
        assert_eq!(entries, vec!["aaaaaaaa", "bbbbbbbb"]);
        assert_eq!(nodes, vec!["cccccccc"]);
    }

    #[test]
    fn change_times_sort_as_times() {
        let early = chrono::DateTime::from_timestamp(1_700_000_000, 5_000).unwrap();
        let late = chrono::DateTime::from_timestamp(1_700_000_000, 120_000_000).unwrap();
        assert!(change_time(early) < change_time(late));
        assert_eq!(change_time(early), "2023-11-14T22:13:20.000005Z");
    }
}
