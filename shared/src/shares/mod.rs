//! Share requests: a team asks for tables, folders or a whole bucket of another team's
//! dataset, for one principal (its environment role or a consumption role).

pub mod lock;
pub mod policies;
pub mod states;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};

use crate::store::{Index, Keys, Store, StoreError, TransactWriteItem};

pub const RESOURCE_TYPE: &str = "Share";
/// Maximum number of items in one share. Actions on many items span several transactions
/// (see `Store::transact_leading`). The bound is an estimate that keeps a share's workflow
/// within the dataset lock's lease and its item list within a state machine's payload.
pub const MAX_ITEMS: usize = 500;

/// A share request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Share {
    pub uri: String,
    pub dataset_uri: String,
    pub dataset_label: String,
    /// The requester's environment.
    pub environment_uri: String,
    pub requester_team: String,
    /// `Group` or `ConsumptionRole`.
    pub principal_type: String,
    /// The requester team for `Group`, the consumption role's uri otherwise.
    pub principal_id: String,
    /// Name of the IAM role granted access.
    pub principal_name: String,
    pub principal_role_arn: String,
    pub permissions: Vec<String>,
    pub request_purpose: String,
    pub reject_purpose: String,
    pub status: String,
    pub owner: String,
    pub aws_account_id: String,
    pub region: String,
    pub created: String,
    pub updated: String,
    pub version: i64,
}

impl Share {
    pub fn keys(&self) -> Keys {
        Keys::new(format!("SHARE#{}", self.uri), "META")
            .with_gsi1(
                format!("DATASETSHARES#{}", self.dataset_uri),
                format!("SHARE#{}", self.uri),
            )
            .with_gsi2(
                format!("ENVSHARES#{}", self.environment_uri),
                format!("SHARE#{}", self.uri),
            )
    }

    /// Keys of the item that makes (dataset, environment, team, principal) unique.
    pub fn claim_keys(&self) -> Keys {
        claim_keys(
            &self.dataset_uri,
            &self.environment_uri,
            &self.requester_team,
            &self.principal_id,
        )
    }
}

pub fn claim_keys(
    dataset_uri: &str,
    environment_uri: &str,
    team: &str,
    principal_id: &str,
) -> Keys {
    Keys::new(
        format!("SHAREKEY#{dataset_uri}#{environment_uri}#{team}#{principal_id}"),
        "SHARE",
    )
}

/// One table, folder or bucket in a share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareItem {
    pub uri: String,
    pub share_uri: String,
    /// `Table`, `Folder` or `Bucket`.
    pub item_type: String,
    pub item_uri: String,
    pub item_name: String,
    pub status: String,
    pub health_status: Option<String>,
    pub health_message: Option<String>,
    pub last_verification_time: Option<String>,
    pub created: String,
    pub updated: String,
    pub version: i64,
}

impl ShareItem {
    pub fn keys(&self) -> Keys {
        Keys::new(
            format!("SHARE#{}", self.share_uri),
            format!("ITEM#{}", self.item_uri),
        )
        .with_gsi2(
            format!("SHAREDITEM#{}", self.item_uri),
            format!("SHARE#{}", self.share_uri),
        )
    }
}

/// Counts of a share's items by outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Statistics {
    pub shared_items: usize,
    pub revoked_items: usize,
    pub failed_items: usize,
    pub pending_items: usize,
}

impl Statistics {
    pub fn of(items: &[ShareItem]) -> Self {
        let count = |statuses: &[&str]| {
            items
                .iter()
                .filter(|item| statuses.contains(&item.status.as_str()))
                .count()
        };
        Statistics {
            shared_items: count(states::SHARED_STATES),
            revoked_items: count(&[states::REVOKE_SUCCEEDED]),
            failed_items: count(&[states::SHARE_FAILED, states::REVOKE_FAILED]),
            pending_items: count(&[states::PENDING_APPROVAL]),
        }
    }
}

pub async fn get(store: &Store, uri: &str) -> Result<Option<Share>, StoreError> {
    store.get_record(&format!("SHARE#{uri}"), "META").await
}

pub async fn items(store: &Store, share_uri: &str) -> Result<Vec<ShareItem>, StoreError> {
    store
        .query_records(None, &format!("SHARE#{share_uri}"), Some("ITEM#"))
        .await
}

/// Reads the item of a share that shares `object_uri` (a table, folder or dataset bucket).
pub async fn item_of(
    store: &Store,
    share_uri: &str,
    object_uri: &str,
) -> Result<Option<ShareItem>, StoreError> {
    store
        .get_record(&format!("SHARE#{share_uri}"), &format!("ITEM#{object_uri}"))
        .await
}

/// Lists the share items of every share that includes `item_uri` (a table, folder or
/// dataset bucket).
pub async fn items_of_object(store: &Store, item_uri: &str) -> Result<Vec<ShareItem>, StoreError> {
    store
        .query_records(
            Some(Index::Gsi2),
            &format!("SHAREDITEM#{item_uri}"),
            Some("SHARE#"),
        )
        .await
}

pub async fn of_dataset(store: &Store, dataset_uri: &str) -> Result<Vec<Share>, StoreError> {
    store
        .query_records(
            Some(Index::Gsi1),
            &format!("DATASETSHARES#{dataset_uri}"),
            Some("SHARE#"),
        )
        .await
}

/// Returns whether any item of the object is in a shared state, which blocks deleting it.
pub async fn object_is_shared(store: &Store, item_uri: &str) -> Result<bool, StoreError> {
    Ok(items_of_object(store, item_uri)
        .await?
        .iter()
        .any(|item| states::SHARED_STATES.contains(&item.status.as_str())))
}

/// Builds the write that replaces an item while it is still in `expected_status` at
/// `expected_version`.
pub fn item_write(
    store: &Store,
    item: &ShareItem,
    expected_status: &str,
    expected_version: i64,
) -> Result<TransactWriteItem, StoreError> {
    let put = aws_sdk_dynamodb::types::Put::builder()
        .table_name(store.table_name())
        .set_item(Some(item.keys().item("ShareItem", item)?))
        .condition_expression("#status = :status AND #version = :version")
        .expression_attribute_names("#status", "status")
        .expression_attribute_names("#version", "version")
        .expression_attribute_values(":status", AttributeValue::S(expected_status.to_owned()))
        .expression_attribute_values(":version", AttributeValue::N(expected_version.to_string()))
        .build()
        .expect("table name and item are set");
    Ok(TransactWriteItem::builder().put(put).build())
}

/// Builds the write that replaces a share while it is still in `expected_status` at
/// `expected_version`.
pub fn share_write(
    store: &Store,
    share: &Share,
    expected_status: &str,
    expected_version: i64,
) -> Result<TransactWriteItem, StoreError> {
    let put = aws_sdk_dynamodb::types::Put::builder()
        .table_name(store.table_name())
        .set_item(Some(share.keys().item("Share", share)?))
        .condition_expression("#status = :status AND #version = :version")
        .expression_attribute_names("#status", "status")
        .expression_attribute_names("#version", "version")
        .expression_attribute_values(":status", AttributeValue::S(expected_status.to_owned()))
        .expression_attribute_values(":version", AttributeValue::N(expected_version.to_string()))
        .build()
        .expect("table name and item are set");
    Ok(TransactWriteItem::builder().put(put).build())
}

/// Lists the shares requested from an environment.
pub async fn of_environment(
    store: &Store,
    environment_uri: &str,
) -> Result<Vec<Share>, StoreError> {
    store
        .query_records(
            Some(Index::Gsi2),
            &format!("ENVSHARES#{environment_uri}"),
            Some("SHARE#"),
        )
        .await
}

/// Returns whether any item of the share is in a shared state.
pub async fn has_shared_items(store: &Store, share_uri: &str) -> Result<bool, StoreError> {
    Ok(items(store, share_uri)
        .await?
        .iter()
        .any(|item| states::SHARED_STATES.contains(&item.status.as_str())))
}

/// Deletes a share with `items`, its claim and grants, while the share and every item keep
/// the status and version read. Items go first, in as many transactions as they need, and
/// the share goes with the last of them. After a failure part-way the share is still there
/// with fewer items, so a repeated delete finishes the work.
pub async fn delete(store: &Store, share: &Share, items: &[ShareItem]) -> Result<(), StoreError> {
    let item_writes = items
        .iter()
        .map(|item| store.delete_if_status_write(&item.keys(), &item.status))
        .collect();
    let mut deciding = vec![
        store.delete_if_status_write(&share.keys(), &share.status),
        store.delete_write(&share.claim_keys()),
    ];
    for grant in crate::authz::grants_on(store, &share.uri).await? {
        deciding.push(crate::authz::revoke_write(
            store.table_name(),
            &share.uri,
            &grant.team,
        )?);
    }
    store
        .transact_trailing(
            item_writes,
            deciding,
            Some(store.version_check(&share.keys(), share.version)),
        )
        .await
}

/// Builds the writes that delete a share with its items, claim and grants.
pub async fn delete_writes(
    store: &Store,
    share: &Share,
) -> Result<Vec<TransactWriteItem>, StoreError> {
    let mut writes = vec![
        store.delete_write(&share.keys()),
        store.delete_write(&share.claim_keys()),
    ];
    for item in items(store, &share.uri).await? {
        writes.push(store.delete_write(&item.keys()));
    }
    for grant in crate::authz::grants_on(store, &share.uri).await? {
        writes.push(crate::authz::revoke_write(
            store.table_name(),
            &share.uri,
            &grant.team,
        )?);
    }
    Ok(writes)
}
