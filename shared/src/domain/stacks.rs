//! CloudFormation stacks deployed for an environment (and later datasets), and the record of
//! their last deployment.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::store::{Index, ItemExt, Keys, Store, StoreError};
use crate::time::now_rfc3339;

/// Status of a stack before its first deployment has reported anything.
pub const PENDING: &str = "PENDING";
/// Status recorded when the deployment failed before CloudFormation could report a status,
/// for example because the pivot role could not be assumed.
pub const DEPLOY_FAILED: &str = "DEPLOY_FAILED";

/// One stack event, as CloudFormation reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StackEvent {
    pub timestamp: String,
    pub logical_id: String,
    pub resource_type: String,
    pub status: String,
    pub reason: Option<String>,
}

/// The deployment record of the stack of one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stack {
    pub target_uri: String,
    /// `environment` or `dataset`.
    pub target_type: String,
    pub stack_name: String,
    pub account_id: String,
    pub region: String,
    pub status: String,
    pub reason: Option<String>,
    pub stack_id: Option<String>,
    pub outputs: BTreeMap<String, String>,
    pub events: Vec<StackEvent>,
    /// The Step Functions execution of the last deployment.
    pub execution_arn: Option<String>,
    pub created: String,
    pub updated: String,
    pub version: i64,
}

impl Stack {
    pub fn new(
        target_type: &str,
        target_uri: &str,
        stack_name: &str,
        account_id: &str,
        region: &str,
    ) -> Self {
        let now = now_rfc3339();
        Stack {
            target_uri: target_uri.to_owned(),
            target_type: target_type.to_owned(),
            stack_name: stack_name.to_owned(),
            account_id: account_id.to_owned(),
            region: region.to_owned(),
            status: PENDING.to_owned(),
            reason: None,
            stack_id: None,
            outputs: BTreeMap::new(),
            events: Vec::new(),
            execution_arn: None,
            created: now.clone(),
            updated: now,
            version: 1,
        }
    }

    pub fn keys(&self) -> Keys {
        keys(&self.target_type, &self.target_uri)
    }
}

fn keys(target_type: &str, target_uri: &str) -> Keys {
    Keys::new(format!("STACK#{target_uri}"), "META")
        .with_gsi1("STACKS", format!("{target_type}#{target_uri}"))
}

/// Reads the stack record of a target.
pub async fn get(store: &Store, target_uri: &str) -> Result<Option<Stack>, StoreError> {
    store
        .get_record(&format!("STACK#{target_uri}"), "META")
        .await
}

/// Writes a stack record with optimistic concurrency: `stack.version` must be one more than
/// the stored version, or 1 for a new record.
pub async fn save(store: &Store, stack: &Stack) -> Result<(), StoreError> {
    let item = stack.keys().item("Stack", stack)?;
    if stack.version == 1 {
        store.put_new(item).await
    } else {
        store.replace_versioned(item, stack.version - 1).await
    }
}

/// Applies `change` to the stored record, retrying on concurrent writes.
pub async fn update<F>(store: &Store, target_uri: &str, mut change: F) -> Result<Stack, StoreError>
where
    F: FnMut(&mut Stack),
{
    for _ in 0..5 {
        let Some(mut stack) = get(store, target_uri).await? else {
            return Err(StoreError::Decode(
                format!("STACK#{target_uri}"),
                "no stack record".into(),
            ));
        };
        change(&mut stack);
        stack.version += 1;
        stack.updated = now_rfc3339();
        match save(store, &stack).await {
            Ok(()) => return Ok(stack),
            Err(StoreError::ConditionFailed) => continue,
            Err(error) => return Err(error),
        }
    }
    Err(StoreError::ConditionFailed)
}

/// Lists the target uris of every stack of one type.
pub async fn list_targets(store: &Store, target_type: &str) -> Result<Vec<String>, StoreError> {
    let prefix = format!("{target_type}#");
    let items = store
        .query_all(Some(Index::Gsi1), "STACKS", Some(&prefix))
        .await?;
    Ok(items
        .iter()
        .filter_map(|item| item.string("GSI1SK"))
        .filter_map(|sort_key| sort_key.strip_prefix(&prefix))
        .map(str::to_owned)
        .collect())
}

/// Returns whether a CloudFormation stack status is final.
pub fn is_final(status: &str) -> bool {
    !status.ends_with("_IN_PROGRESS")
}

/// Returns whether a final CloudFormation stack status means the last deployment failed.
pub fn is_failure(status: &str) -> bool {
    status.ends_with("_FAILED") || status.contains("ROLLBACK") || status == DEPLOY_FAILED
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_classes() {
        assert!(is_final("CREATE_COMPLETE"));
        assert!(!is_failure("CREATE_COMPLETE"));
        assert!(!is_final("UPDATE_IN_PROGRESS"));
        assert!(!is_final("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"));
        assert!(is_failure("ROLLBACK_COMPLETE"));
        assert!(is_failure("UPDATE_ROLLBACK_COMPLETE"));
        assert!(is_failure("CREATE_FAILED"));
        assert!(is_failure(DEPLOY_FAILED));
    }
}
