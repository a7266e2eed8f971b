//! Whole-bucket items: the dataset bucket's policy lets the principals of every shared bucket
//! item read it, the principal holds a KMS grant on the dataset key, and its role has an
//! inline policy for the bucket.
//!
//! The bucket policy belongs to the dataset stack, which renders the same `BucketShares`
//! statement from the stored shares (see the stack worker), so a stack update keeps it.

use serde_json::{Value, json};
use shared::AppContext;
use shared::aws::{AwsClients, error_chain};
use shared::domain::datasets::Dataset;
use shared::shares::{self, Share, ShareItem};
use shared::worker::WorkerError;

use crate::accounts::ShareAccounts;
use crate::internal;

/// Sid of the bucket policy statement that lists the principals of shared bucket items.
pub const STATEMENT_SID: &str = "BucketShares";

fn failure(operation: &str, error: &dyn std::error::Error) -> WorkerError {
    WorkerError::new(
        "AwsCallFailed",
        format!("{operation} failed: {}", error_chain(error)),
    )
}

/// Rewrites the `BucketShares` statement of the bucket policy for `principals`, removing it
/// when there are none.
async fn write_statement(
    source: &AwsClients,
    dataset: &Dataset,
    principals: &[String],
) -> Result<(), WorkerError> {
    let s3 = source.s3();
    let mut policy: Value = match s3
        .get_bucket_policy()
        .bucket(&dataset.bucket_name)
        .send()
        .await
    {
        Ok(output) => output
            .policy()
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or_else(|| json!({})),
        Err(error) if error_chain(&error).contains("NoSuchBucketPolicy") => json!({}),
        Err(error) => return Err(failure("GetBucketPolicy", &error)),
    };
    policy["Version"] = json!("2012-10-17");
    if !policy["Statement"].is_array() {
        policy["Statement"] = json!([]);
    }
    let statements = policy["Statement"]
        .as_array_mut()
        .expect("Statement is an array");
    statements.retain(|statement| statement["Sid"] != STATEMENT_SID);
    if let Some(statement) = crate::buckets::statement(dataset, principals) {
        statements.push(statement);
    }
    s3.put_bucket_policy()
        .bucket(&dataset.bucket_name)
        .policy(policy.to_string())
        .send()
        .await
        .map_err(|error| failure("PutBucketPolicy", &error))?;
    Ok(())
}

/// Builds the `BucketShares` statement, or `None` without principals.
pub fn statement(dataset: &Dataset, principals: &[String]) -> Option<Value> {
    if principals.is_empty() {
        return None;
    }
    let bucket = &dataset.bucket_name;
    Some(json!({
        "Sid": STATEMENT_SID,
        "Effect": "Allow",
        "Principal": {"AWS": principals},
        "Action": ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"],
        "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")]
    }))
}

/// Lists the principal role ARNs of every bucket item of the dataset that is shared, plus
/// `including` and minus `excluding`.
pub async fn principals(
    context: &AppContext,
    dataset: &Dataset,
    including: Option<&Share>,
    excluding: Option<&ShareItem>,
) -> Result<Vec<String>, WorkerError> {
    let mut arns = Vec::new();
    for item in shares::items_of_object(&context.store, &dataset.uri)
        .await
        .map_err(internal)?
    {
        if excluding.is_some_and(|excluded| excluded.uri == item.uri)
            || item.status != shares::states::SHARE_SUCCEEDED
        {
            continue;
        }
        if let Some(share) = shares::get(&context.store, &item.share_uri)
            .await
            .map_err(internal)?
        {
            arns.push(share.principal_role_arn);
        }
    }
    if let Some(share) = including {
        arns.push(share.principal_role_arn.clone());
    }
    arns.sort();
    arns.dedup();
    Ok(arns)
}

fn role_policy_name(dataset: &Dataset) -> String {
    format!("dataall-bucket-share-{}", dataset.uri)
}

/// Grants the whole bucket to the share's principal.
pub async fn grant(
    context: &AppContext,
    share: &Share,
    dataset: &Dataset,
    item: &ShareItem,
) -> Result<(), WorkerError> {
    let ShareAccounts { source, target } =
        ShareAccounts::assume_for_grant(context, share, dataset).await?;
    let principals = principals(context, dataset, Some(share), Some(item)).await?;
    write_statement(&source, dataset, &principals).await?;
    crate::folders::ensure_key_grant(&source, share, dataset).await?;
    let bucket = &dataset.bucket_name;
    let mut statements = vec![json!({
        "Effect": "Allow",
        "Action": ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"],
        "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")]
    })];
    if let Some(key) = crate::folders::key_arn(&source, dataset).await? {
        statements.push(json!({"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": key}));
    }
    target
        .iam()
        .put_role_policy()
        .role_name(&share.principal_name)
        .policy_name(role_policy_name(dataset))
        .policy_document(json!({"Version": "2012-10-17", "Statement": statements}).to_string())
        .send()
        .await
        .map_err(|error| failure("PutRolePolicy", &error))?;
    tracing::info!(share_uri = %share.uri, bucket = %bucket, "bucket shared");
    Ok(())
}

/// Revokes the whole bucket from the share's principal.
pub async fn revoke(
    context: &AppContext,
    share: &Share,
    dataset: &Dataset,
    item: &ShareItem,
) -> Result<Option<String>, WorkerError> {
    let ShareAccounts { source, target } = ShareAccounts::assume(context, share, dataset).await?;
    let principals = principals(context, dataset, None, Some(item)).await?;
    write_statement(&source, dataset, &principals).await?;
    match target
        .iam()
        .delete_role_policy()
        .role_name(&share.principal_name)
        .policy_name(role_policy_name(dataset))
        .send()
        .await
    {
        Ok(_) => {}
        Err(error) if error_chain(&error).contains("NoSuchEntity") => {}
        Err(error) => return Err(failure("DeleteRolePolicy", &error)),
    }
    tracing::info!(share_uri = %share.uri, bucket = %dataset.bucket_name, "bucket revoked");
    Ok(None)
}

/// Checks that the bucket policy names the principal and that its role has the bucket
/// policy. Returns one message per missing piece.
pub async fn verify(
    context: &AppContext,
    share: &Share,
    dataset: &Dataset,
) -> Result<Vec<String>, WorkerError> {
    let ShareAccounts { source, target } = ShareAccounts::assume(context, share, dataset).await?;
    let mut missing = Vec::new();
    let policy = match source
        .s3()
        .get_bucket_policy()
        .bucket(&dataset.bucket_name)
        .send()
        .await
    {
        Ok(output) => output.policy().unwrap_or_default().to_owned(),
        Err(_) => String::new(),
    };
    let named = serde_json::from_str::<Value>(&policy)
        .ok()
        .and_then(|document| document["Statement"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .any(|statement| {
            statement["Sid"] == STATEMENT_SID
                && statement.to_string().contains(&share.principal_role_arn)
        });
    if !named {
        missing.push(format!(
            "the policy of bucket {} does not let {} read it",
            dataset.bucket_name, share.principal_role_arn
        ));
    }
    let role_policy = target
        .iam()
        .get_role_policy()
        .role_name(&share.principal_name)
        .policy_name(role_policy_name(dataset))
        .send()
        .await;
    if role_policy.is_err() {
        missing.push(format!(
            "role {} lacks its policy {}",
            share.principal_name,
            role_policy_name(dataset)
        ));
    }
    Ok(missing)
}
