//! The dataset KMS key policy statements of folder and bucket shares.
//!
//! S3 decrypts an SSE-KMS object with the key on behalf of the reader. So a principal of
//! another account reads a shared folder or bucket only when the key policy names it, and its
//! own role policy allows `kms:Decrypt` on the key as well. The key policy contains one
//! statement per item type (see `shared::shares::policies::KeyStatement`), listing the
//! principals of every `Share_Succeeded` item of that type on the dataset. Every write
//! recomputes that list from the stored shares, reads the policy (policy name `default`),
//! replaces only that statement and writes the policy back when it changed. So a step can run
//! twice.
//!
//! A dataset stack renders the same statements into its key, so a stack update keeps them.
//! The key of an imported dataset is not in any stack, and its policy is edited the same way.
//! An imported dataset encrypted with SSE-S3 (or without a key) has no key policy to edit.
//!
//! Earlier versions gave principals a KMS grant instead. A revoke still retires such a grant
//! once the principal loses both statements, so shares made before the change do not keep
//! decrypt access after their revoke.

use serde_json::Value;
use shared::AppContext;
use shared::aws::AwsClients;
use shared::domain::datasets::{Dataset, SSE_S3};
use shared::shares::policies::{KeyStatement, shared_principals};
use shared::shares::{Share, ShareItem};
use shared::worker::WorkerError;

use crate::{aws_failure, internal};

/// The key policy has one policy, which the KMS API names `default`.
const POLICY_NAME: &str = "default";

/// Prefix of the names of the KMS grants that earlier versions created.
const LEGACY_GRANT_PREFIX: &str = "dataall-share-";

/// The KMS key of a dataset.
enum DatasetKey {
    /// SSE-S3 or no encryption: there is no key policy.
    None,
    /// The alias does not resolve to a key.
    Missing {
        alias: String,
    },
    Found {
        arn: String,
    },
}

fn failure(operation: &str, key: &str, error: &dyn std::error::Error) -> WorkerError {
    aws_failure(&format!("KMS {operation} on key {key}"), error)
}

async fn find_key(source: &AwsClients, dataset: &Dataset) -> Result<DatasetKey, WorkerError> {
    if dataset.kms_alias.is_empty() || dataset.kms_alias == SSE_S3 {
        return Ok(DatasetKey::None);
    }
    let alias = format!("alias/{}", dataset.kms_alias);
    match source.kms().describe_key().key_id(&alias).send().await {
        Ok(described) => {
            let arn = described
                .key_metadata()
                .and_then(|metadata| metadata.arn())
                .ok_or_else(|| {
                    WorkerError::new(
                        "AwsCallFailed",
                        format!("KMS DescribeKey on key {alias} returned no key ARN"),
                    )
                })?;
            Ok(DatasetKey::Found {
                arn: arn.to_owned(),
            })
        }
        Err(error)
            if error
                .as_service_error()
                .is_some_and(|error| error.is_not_found_exception()) =>
        {
            Ok(DatasetKey::Missing { alias })
        }
        Err(error) => Err(failure("DescribeKey", &alias, &error)),
    }
}

fn key_not_found(dataset: &Dataset, alias: &str) -> WorkerError {
    WorkerError::new(
        "AWSResourceNotFound",
        format!(
            "KMS key {alias} of dataset {} not found in account {}",
            dataset.uri, dataset.aws_account_id
        ),
    )
}

async fn read_policy(source: &AwsClients, key_arn: &str) -> Result<Value, WorkerError> {
    let output = source
        .kms()
        .get_key_policy()
        .key_id(key_arn)
        .policy_name(POLICY_NAME)
        .send()
        .await
        .map_err(|error| failure("GetKeyPolicy", key_arn, &error))?;
    let text = output.policy().unwrap_or_default();
    // A policy that cannot be parsed is never overwritten, as that could lock the key.
    serde_json::from_str(text).map_err(|error| {
        WorkerError::new(
            "InvalidKeyPolicy",
            format!("the policy of KMS key {key_arn} is not valid JSON: {error}"),
        )
    })
}

/// Sets `statement` of the key policy to `principals`, writing only when that changes it.
///
/// NOTE: PutKeyPolicy requires every principal to exist (KMS API reference), and KMS shows a
/// deleted role in a key policy by its unique id. So on AWS a stored share whose principal
/// role was deleted makes this write fail until that share is revoked. The emulator checks
/// neither, so that case has not run.
async fn write_statement(
    source: &AwsClients,
    key_arn: &str,
    statement: KeyStatement,
    principals: &[String],
) -> Result<(), WorkerError> {
    let current = read_policy(source, key_arn).await?;
    let mut policy = current.clone();
    statement.write_into(&mut policy, principals);
    if policy == current {
        return Ok(());
    }
    source
        .kms()
        .put_key_policy()
        .key_id(key_arn)
        .policy_name(POLICY_NAME)
        .policy(policy.to_string())
        .send()
        .await
        .map_err(|error| failure("PutKeyPolicy", key_arn, &error))?;
    tracing::info!(key = %key_arn, sid = statement.sid(), principals = principals.len(), "key policy statement written");
    Ok(())
}

async fn principals(
    context: &AppContext,
    dataset: &Dataset,
    statement: KeyStatement,
    excluded: Option<&ShareItem>,
) -> Result<Vec<String>, WorkerError> {
    shared_principals(
        &context.store,
        &dataset.uri,
        statement.item_type(),
        excluded.map(|item| item.uri.as_str()),
    )
    .await
    .map_err(internal)
}

/// Names the share's principal in `statement` of the dataset key's policy, with the
/// principals of the dataset's other shared items of the same type. Returns the key's ARN
/// for the principal's role policy, or `None` for a dataset without a KMS key. Fails with
/// `AWSResourceNotFound` when the dataset's key alias does not resolve.
pub async fn grant(
    context: &AppContext,
    source: &AwsClients,
    share: &Share,
    dataset: &Dataset,
    statement: KeyStatement,
) -> Result<Option<String>, WorkerError> {
    let key_arn = match find_key(source, dataset).await? {
        DatasetKey::None => return Ok(None),
        DatasetKey::Missing { alias } => return Err(key_not_found(dataset, &alias)),
        DatasetKey::Found { arn } => arn,
    };
    let mut principals = principals(context, dataset, statement, None).await?;
    principals.push(share.principal_role_arn.clone());
    principals.sort();
    principals.dedup();
    write_statement(source, &key_arn, statement, &principals).await?;
    Ok(Some(key_arn))
}

/// Rewrites `statement` of the dataset key's policy without the revoked item, so the
/// principal stays only while another shared item of the same type still uses it. A dataset
/// without a key, or whose key is gone, needs nothing.
pub async fn revoke(
    context: &AppContext,
    source: &AwsClients,
    share: &Share,
    dataset: &Dataset,
    revoked: &ShareItem,
    statement: KeyStatement,
) -> Result<(), WorkerError> {
    let key_arn = match find_key(source, dataset).await? {
        DatasetKey::None => return Ok(()),
        DatasetKey::Missing { alias } => {
            tracing::warn!(dataset_uri = %dataset.uri, key = %alias, "dataset key not found, so its policy needs no revoke");
            return Ok(());
        }
        DatasetKey::Found { arn } => arn,
    };
    let remaining = principals(context, dataset, statement, Some(revoked)).await?;
    write_statement(source, &key_arn, statement, &remaining).await?;
    if remaining.contains(&share.principal_role_arn) {
        return Ok(());
    }
    for other in KeyStatement::ALL
        .into_iter()
        .filter(|other| *other != statement)
    {
        let others = principals(context, dataset, other, Some(revoked)).await?;
        if others.contains(&share.principal_role_arn) {
            return Ok(());
        }
    }
    retire_legacy_grants(source, &key_arn, &share.principal_role_arn).await
}

/// Revokes the KMS grants that earlier versions gave the principal on the key.
async fn retire_legacy_grants(
    source: &AwsClients,
    key_arn: &str,
    principal: &str,
) -> Result<(), WorkerError> {
    let kms = source.kms();
    let mut grants = kms.list_grants().key_id(key_arn).into_paginator().send();
    let mut legacy = Vec::new();
    while let Some(page) = grants.next().await {
        let page = page.map_err(|error| failure("ListGrants", key_arn, &error))?;
        for grant in page.grants() {
            let ours = grant
                .name()
                .is_some_and(|name| name.starts_with(LEGACY_GRANT_PREFIX));
            if ours && grant.grantee_principal() == Some(principal) {
                legacy.extend(grant.grant_id().map(str::to_owned));
            }
        }
    }
    for grant_id in legacy {
        kms.revoke_grant()
            .key_id(key_arn)
            .grant_id(&grant_id)
            .send()
            .await
            .map_err(|error| failure("RevokeGrant", key_arn, &error))?;
        tracing::info!(key = %key_arn, %principal, %grant_id, "legacy KMS grant revoked");
    }
    Ok(())
}

/// Checks that `statement` of the dataset key's policy names the share's principal. Returns
/// a message naming the key and the statement when it does not, or when the key is gone.
pub async fn verify(
    source: &AwsClients,
    share: &Share,
    dataset: &Dataset,
    statement: KeyStatement,
) -> Result<Option<String>, WorkerError> {
    let key_arn = match find_key(source, dataset).await? {
        DatasetKey::None => return Ok(None),
        DatasetKey::Missing { alias } => {
            return Ok(Some(format!(
                "KMS key {alias} of the dataset does not exist in account {}",
                dataset.aws_account_id
            )));
        }
        DatasetKey::Found { arn } => arn,
    };
    let policy = read_policy(source, &key_arn).await?;
    if statement.names(&policy, &share.principal_role_arn) {
        Ok(None)
    } else {
        Ok(Some(format!(
            "the key policy of KMS key {key_arn} has no statement {} naming {}",
            statement.sid(),
            share.principal_role_arn
        )))
    }
}
