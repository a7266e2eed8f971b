//! The per-dataset processing lock: one share workflow at a time changes a dataset's grants.
//!
//! The lock is an item written with a condition: absent, held by the same owner, or its lease
//! expired. The lease bounds how long a crashed workflow can block others.

use aws_sdk_dynamodb::types::AttributeValue;

use crate::store::{Keys, Store, StoreError};

/// How long a lock is held before another workflow may take it over.
pub const LEASE_SECONDS: i64 = 15 * 60;

fn keys(dataset_uri: &str) -> Keys {
    Keys::new(format!("LOCK#dataset#{dataset_uri}"), "LOCK")
}

/// Takes the lock for `owner`. Returns `false` when another owner holds an unexpired lease.
pub async fn acquire(store: &Store, dataset_uri: &str, owner: &str) -> Result<bool, StoreError> {
    let keys = keys(dataset_uri);
    let now = crate::time::now_epoch_seconds();
    let result = store
        .client()
        .put_item()
        .table_name(store.table_name())
        .item("PK", AttributeValue::S(keys.pk))
        .item("SK", AttributeValue::S(keys.sk))
        .item("type", AttributeValue::S("Lock".into()))
        .item("owner", AttributeValue::S(owner.to_owned()))
        .item(
            "expiresAt",
            AttributeValue::N((now + LEASE_SECONDS).to_string()),
        )
        .condition_expression("attribute_not_exists(PK) OR #owner = :owner OR expiresAt < :now")
        .expression_attribute_names("#owner", "owner")
        .expression_attribute_values(":owner", AttributeValue::S(owner.to_owned()))
        .expression_attribute_values(":now", AttributeValue::N(now.to_string()))
        .send()
        .await;
    match result {
        Ok(_) => Ok(true),
        Err(error) if crate::aws::error_chain(&error).contains("ConditionalCheckFailed") => {
            Ok(false)
        }
        Err(error) => Err(StoreError::Dynamo {
            operation: "PutItem",
            message: crate::aws::error_chain(&error),
        }),
    }
}

/// Releases the lock if `owner` holds it; releasing a lock that is gone or held by another
/// owner changes nothing.
pub async fn release(store: &Store, dataset_uri: &str, owner: &str) -> Result<(), StoreError> {
    let keys = keys(dataset_uri);
    let result = store
        .client()
        .delete_item()
        .table_name(store.table_name())
        .key("PK", AttributeValue::S(keys.pk))
        .key("SK", AttributeValue::S(keys.sk))
        .condition_expression("#owner = :owner")
        .expression_attribute_names("#owner", "owner")
        .expression_attribute_values(":owner", AttributeValue::S(owner.to_owned()))
        .send()
        .await;
    match result {
        Ok(_) => Ok(()),
        Err(error) if crate::aws::error_chain(&error).contains("ConditionalCheckFailed") => Ok(()),
        Err(error) => Err(StoreError::Dynamo {
            operation: "DeleteItem",
            message: crate::aws::error_chain(&error),
        }),
    }
}
