//! The statements that folder and bucket shares add to a dataset's bucket policy and KMS key
//! policy. Both the share worker, which writes them when an item is shared or revoked, and
//! the stack worker, which renders them into the dataset stack so that a stack update keeps
//! them, build them here.

use serde_json::{Value, json};

use crate::store::{Store, StoreError};

/// Sid of the bucket policy statement that lists the principals of shared bucket items.
pub const BUCKET_SHARES_SID: &str = "BucketShares";

/// Builds the `BucketShares` bucket policy statement, or `None` without principals.
pub fn bucket_share_statement(bucket: &str, principals: &[String]) -> Option<Value> {
    if principals.is_empty() {
        return None;
    }
    Some(json!({
        "Sid": BUCKET_SHARES_SID,
        "Effect": "Allow",
        "Principal": {"AWS": principals},
        "Action": ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"],
        "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")]
    }))
}

/// A statement of the dataset key's policy that lets the principals of one type of shared
/// item decrypt the dataset's objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStatement {
    /// The principals of shared folders, which read through S3 access points.
    AccessPoint,
    /// The principals of shared whole buckets.
    Bucket,
}

impl KeyStatement {
    pub const ALL: [KeyStatement; 2] = [KeyStatement::AccessPoint, KeyStatement::Bucket];

    /// Returns the statement's Sid, the one that data.all's S3 share managers use.
    pub fn sid(self) -> &'static str {
        match self {
            KeyStatement::AccessPoint => "DataAll-Access-Point-KMS-Decrypt",
            KeyStatement::Bucket => "DataAll-Bucket-KMS-Decrypt",
        }
    }

    /// Returns the share item type whose principals the statement names.
    pub fn item_type(self) -> &'static str {
        match self {
            KeyStatement::AccessPoint => crate::domain::datasets::FOLDER_TYPE,
            KeyStatement::Bucket => "Bucket",
        }
    }

    /// Builds the statement, or `None` without principals. Downloading an object encrypted
    /// with SSE-KMS needs `kms:Decrypt` on the key (Amazon S3 user guide, SSE-KMS permissions),
    /// and reading is all that these shares allow.
    pub fn build(self, principals: &[String]) -> Option<Value> {
        if principals.is_empty() {
            return None;
        }
        Some(json!({
            "Sid": self.sid(),
            "Effect": "Allow",
            "Principal": {"AWS": principals},
            "Action": "kms:Decrypt",
            "Resource": "*"
        }))
    }

    /// Replaces this statement of a key policy document with one naming `principals`, or
    /// removes it when there are none. Every other statement stays as it is.
    pub fn write_into(self, policy: &mut Value, principals: &[String]) {
        if !policy.is_object() {
            *policy = json!({});
        }
        if policy["Version"].is_null() {
            policy["Version"] = json!("2012-10-17");
        }
        let statements = statements_mut(policy);
        statements.retain(|statement| statement["Sid"] != self.sid());
        statements.extend(self.build(principals));
    }

    /// Returns whether this statement of a key policy document names `principal`.
    pub fn names(self, policy: &Value, principal: &str) -> bool {
        policy["Statement"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|statement| statement["Sid"] == self.sid())
            .any(|statement| aws_principals(statement).contains(&principal))
    }
}

/// Returns the statement list of a policy document, creating an empty one when it is missing.
pub fn statements_mut(policy: &mut Value) -> &mut Vec<Value> {
    if !policy["Statement"].is_array() {
        policy["Statement"] = json!([]);
    }
    policy["Statement"]
        .as_array_mut()
        .expect("Statement is an array")
}

/// Lists the `Principal.AWS` entries of a statement, which IAM allows as one string or a list.
fn aws_principals(statement: &Value) -> Vec<&str> {
    match &statement["Principal"]["AWS"] {
        Value::String(principal) => vec![principal.as_str()],
        Value::Array(principals) => principals.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Lists the principal role ARNs of the dataset's `Share_Succeeded` items of `item_type`,
/// leaving out the share item `excluded_item_uri`, sorted and without duplicates.
pub async fn shared_principals(
    store: &Store,
    dataset_uri: &str,
    item_type: &str,
    excluded_item_uri: Option<&str>,
) -> Result<Vec<String>, StoreError> {
    let mut arns = Vec::new();
    for share in super::of_dataset(store, dataset_uri).await? {
        let shared = super::items(store, &share.uri).await?.iter().any(|item| {
            item.item_type == item_type
                && item.status == super::states::SHARE_SUCCEEDED
                && excluded_item_uri != Some(item.uri.as_str())
        });
        if shared {
            arns.push(share.principal_role_arn);
        }
    }
    arns.sort();
    arns.dedup();
    Ok(arns)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arns(names: &[&str]) -> Vec<String> {
        names
            .iter()
            .map(|name| format!("arn:aws:iam::333333333333:role/{name}"))
            .collect()
    }

    fn key_policy() -> Value {
        json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "AccountAdministers",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
                "Action": "kms:*",
                "Resource": "*"
            }]
        })
    }

    #[test]
    fn write_into_keeps_other_statements() {
        let mut policy = key_policy();
        KeyStatement::AccessPoint.write_into(&mut policy, &arns(&["a"]));
        KeyStatement::Bucket.write_into(&mut policy, &arns(&["b"]));
        let statements = policy["Statement"].as_array().unwrap();
        assert_eq!(statements.len(), 3);
        assert_eq!(statements[0], key_policy()["Statement"][0]);
        assert!(KeyStatement::AccessPoint.names(&policy, &arns(&["a"])[0]));
        assert!(!KeyStatement::AccessPoint.names(&policy, &arns(&["b"])[0]));
        assert!(KeyStatement::Bucket.names(&policy, &arns(&["b"])[0]));
    }

    #[test]
    fn write_into_replaces_and_removes() {
        let mut policy = key_policy();
        KeyStatement::AccessPoint.write_into(&mut policy, &arns(&["a", "b"]));
        KeyStatement::AccessPoint.write_into(&mut policy, &arns(&["b"]));
        assert_eq!(policy["Statement"].as_array().unwrap().len(), 2);
        assert!(!KeyStatement::AccessPoint.names(&policy, &arns(&["a"])[0]));
        assert!(KeyStatement::AccessPoint.names(&policy, &arns(&["b"])[0]));
        KeyStatement::AccessPoint.write_into(&mut policy, &[]);
        assert_eq!(policy, key_policy());
    }

    #[test]
    fn names_accepts_one_principal_as_string() {
        let policy = json!({"Statement": [{
            "Sid": "DataAll-Bucket-KMS-Decrypt",
            "Principal": {"AWS": "arn:aws:iam::333333333333:role/a"}
        }]});
        assert!(KeyStatement::Bucket.names(&policy, "arn:aws:iam::333333333333:role/a"));
        assert!(!KeyStatement::AccessPoint.names(&policy, "arn:aws:iam::333333333333:role/a"));
    }

    #[test]
    fn build_without_principals() {
        assert_eq!(KeyStatement::Bucket.build(&[]), None);
        assert_eq!(bucket_share_statement("bucket", &[]), None);
    }
}
