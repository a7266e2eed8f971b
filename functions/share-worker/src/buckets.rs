//! Whole-bucket items: the dataset bucket's policy lets the principals of every shared bucket
//! item read it, the dataset key's policy names them in its `DataAll-Bucket-KMS-Decrypt`
//! statement (see `key_policy`), and each principal's role has an inline policy for the
//! bucket and the key. Revoke rewrites both statements without the revoked item, so a
//! principal stays named while another shared bucket item still uses it.
//!
//! The bucket policy and key policy belong to the dataset stack, which renders the same
//! statements from the stored shares (see the stack worker), so a stack update keeps them.

use serde_json::{Value, json};
use shared::AppContext;
use shared::aws::{AwsClients, error_chain};
use shared::domain::datasets::Dataset;
use shared::shares::policies::{
    BUCKET_SHARES_SID, KeyStatement, bucket_share_statement, shared_principals, statements_mut,
};
use shared::shares::{Share, ShareItem};
use shared::worker::WorkerError;

use crate::accounts::ShareAccounts;
use crate::{aws_failure, internal, key_policy, role_policy};

async fn read_bucket_policy(source: &AwsClients, dataset: &Dataset) -> Result<Value, WorkerError> {
    match source
        .s3()
        .get_bucket_policy()
        .bucket(&dataset.bucket_name)
        .send()
        .await
    {
        Ok(output) => Ok(output
            .policy()
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or_else(|| json!({}))),
        Err(error) if error_chain(&error).contains("NoSuchBucketPolicy") => Ok(json!({})),
        Err(error) => Err(aws_failure("GetBucketPolicy", &error)),
    }
}

/// Rewrites the `BucketShares` statement of the bucket policy for `principals`, removing it
/// when there are none.
async fn write_statement(
    source: &AwsClients,
    dataset: &Dataset,
    principals: &[String],
) -> Result<(), WorkerError> {
    let mut policy = read_bucket_policy(source, dataset).await?;
    policy["Version"] = json!("2012-10-17");
    let statements = statements_mut(&mut policy);
    statements.retain(|statement| statement["Sid"] != BUCKET_SHARES_SID);
    statements.extend(bucket_share_statement(&dataset.bucket_name, principals));
    source
        .s3()
        .put_bucket_policy()
        .bucket(&dataset.bucket_name)
        .policy(policy.to_string())
        .send()
        .await
        .map_err(|error| aws_failure("PutBucketPolicy", &error))?;
    Ok(())
}

/// Lists the principal role ARNs of every shared bucket item of the dataset, plus
/// `including` and minus the item `excluding`.
async fn principals(
    context: &AppContext,
    dataset: &Dataset,
    including: Option<&Share>,
    excluding: Option<&ShareItem>,
) -> Result<Vec<String>, WorkerError> {
    let mut arns = shared_principals(
        &context.store,
        &dataset.uri,
        KeyStatement::Bucket.item_type(),
        excluding.map(|item| item.uri.as_str()),
    )
    .await
    .map_err(internal)?;
    if let Some(share) = including {
        arns.push(share.principal_role_arn.clone());
        arns.sort();
        arns.dedup();
    }
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
    let key_arn = key_policy::grant(context, &source, share, dataset, KeyStatement::Bucket).await?;
    let bucket = &dataset.bucket_name;
    let statements = vec![json!({
        "Effect": "Allow",
        "Action": ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"],
        "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")]
    })];
    let policy_name = role_policy_name(dataset);
    role_policy::put(&target, share, &policy_name, statements, key_arn.as_deref()).await?;
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
    key_policy::revoke(context, &source, share, dataset, item, KeyStatement::Bucket).await?;
    role_policy::delete(&target, share, &role_policy_name(dataset)).await?;
    tracing::info!(share_uri = %share.uri, bucket = %dataset.bucket_name, "bucket revoked");
    Ok(None)
}

/// Checks that the bucket policy and the key policy name the principal and that its role
/// has the bucket policy. Returns one message per missing piece.
pub async fn verify(
    context: &AppContext,
    share: &Share,
    dataset: &Dataset,
) -> Result<Vec<String>, WorkerError> {
    let ShareAccounts { source, target } = ShareAccounts::assume(context, share, dataset).await?;
    let mut missing = Vec::new();
    // A bucket policy that cannot be read counts as one that does not name the principal.
    let policy = read_bucket_policy(&source, dataset)
        .await
        .unwrap_or_else(|_| json!({}));
    let named = policy["Statement"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|statement| {
            statement["Sid"] == BUCKET_SHARES_SID
                && statement.to_string().contains(&share.principal_role_arn)
        });
    if !named {
        missing.push(format!(
            "the policy of bucket {} does not let {} read it",
            dataset.bucket_name, share.principal_role_arn
        ));
    }
    missing.extend(role_policy::verify(&target, share, &role_policy_name(dataset)).await);
    missing.extend(key_policy::verify(&source, share, dataset, KeyStatement::Bucket).await?);
    Ok(missing)
}
