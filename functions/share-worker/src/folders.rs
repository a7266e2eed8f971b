//! Folder items, shared through one S3 access point per (dataset, principal) in the
//! dataset's account.
//!
//! Grant: the access point exists, its policy lets the principal read objects under the
//! folder's prefix and list it, the dataset key's policy names the principal in its
//! `DataAll-Access-Point-KMS-Decrypt` statement (see `key_policy`), and the principal's role
//! has an inline policy for the access point and the key. The bucket itself delegates access
//! control to its account's access points (in the dataset stack).
//!
//! Revoke removes the folder's statements, and the access point once it has none left. It
//! takes the principal out of the key policy statement once no folder of the dataset is
//! shared with it, and deletes the inline policy once the share has no other folder shared.
//! Every step reads before it writes.

use serde_json::{Value, json};
use shared::AppContext;
use shared::aws::{AwsClients, error_chain};
use shared::domain::datasets::{Dataset, FOLDER_TYPE, Folder};
use shared::names::access_point_name;
use shared::permissions::{DATASET_FOLDER_READ, owned};
use shared::shares::policies::{KeyStatement, statements_mut};
use shared::shares::states::SHARE_SUCCEEDED;
use shared::shares::{self, Share, ShareItem};
use shared::worker::WorkerError;

use crate::accounts::ShareAccounts;
use crate::{aws_failure, internal, key_policy, role_policy};

async fn load_folder(context: &AppContext, item: &ShareItem) -> Result<Folder, WorkerError> {
    shared::domain::datasets::get_folder(&context.store, &item.item_uri)
        .await
        .map_err(internal)?
        .ok_or_else(|| {
            WorkerError::new(
                "AWSResourceNotFound",
                format!("folder {} no longer exists", item.item_uri),
            )
        })
}

fn access_point_arn(dataset: &Dataset, name: &str) -> String {
    format!(
        "arn:aws:s3:{}:{}:accesspoint/{name}",
        dataset.region, dataset.aws_account_id
    )
}

fn statement_ids(folder: &Folder) -> (String, String) {
    (format!("Read{}", folder.uri), format!("List{}", folder.uri))
}

async fn read_policy(
    source: &AwsClients,
    dataset: &Dataset,
    name: &str,
) -> Result<Value, WorkerError> {
    match source
        .s3control()
        .get_access_point_policy()
        .account_id(&dataset.aws_account_id)
        .name(name)
        .send()
        .await
    {
        Ok(output) => Ok(output
            .policy()
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or_else(|| json!({"Version": "2012-10-17", "Statement": []}))),
        Err(error)
            if error_chain(&error).contains("NoSuchAccessPointPolicy")
                || error_chain(&error).contains("NoSuch") =>
        {
            Ok(json!({"Version": "2012-10-17", "Statement": []}))
        }
        Err(error) => Err(aws_failure("GetAccessPointPolicy", &error)),
    }
}

async fn write_policy(
    source: &AwsClients,
    dataset: &Dataset,
    name: &str,
    policy: &Value,
) -> Result<(), WorkerError> {
    source
        .s3control()
        .put_access_point_policy()
        .account_id(&dataset.aws_account_id)
        .name(name)
        .policy(policy.to_string())
        .send()
        .await
        .map_err(|error| aws_failure("PutAccessPointPolicy", &error))?;
    Ok(())
}

/// Grants one folder to the share's principal.
pub async fn grant(
    context: &AppContext,
    share: &Share,
    dataset: &Dataset,
    item: &ShareItem,
) -> Result<(), WorkerError> {
    let folder = load_folder(context, item).await?;
    let ShareAccounts { source, target } =
        ShareAccounts::assume_for_grant(context, share, dataset).await?;

    let name = access_point_name(&dataset.uri, &share.principal_id);
    let exists = source
        .s3control()
        .get_access_point()
        .account_id(&dataset.aws_account_id)
        .name(&name)
        .send()
        .await
        .is_ok();
    if !exists {
        source
            .s3control()
            .create_access_point()
            .account_id(&dataset.aws_account_id)
            .name(&name)
            .bucket(&dataset.bucket_name)
            .send()
            .await
            .map_err(|error| aws_failure("CreateAccessPoint", &error))?;
    }
    let arn = access_point_arn(dataset, &name);
    let (read_sid, list_sid) = statement_ids(&folder);
    let mut policy = read_policy(&source, dataset, &name).await?;
    let list = statements_mut(&mut policy);
    list.retain(|statement| {
        statement["Sid"] != read_sid.as_str() && statement["Sid"] != list_sid.as_str()
    });
    list.push(json!({
        "Sid": read_sid,
        "Effect": "Allow",
        "Principal": {"AWS": share.principal_role_arn},
        "Action": ["s3:GetObject"],
        "Resource": format!("{arn}/object/{}/*", folder.prefix)
    }));
    list.push(json!({
        "Sid": list_sid,
        "Effect": "Allow",
        "Principal": {"AWS": share.principal_role_arn},
        "Action": ["s3:ListBucket"],
        "Resource": arn,
        "Condition": {"StringLike": {"s3:prefix": [format!("{}/*", folder.prefix)]}}
    }));
    write_policy(&source, dataset, &name, &policy).await?;

    let key_arn =
        key_policy::grant(context, &source, share, dataset, KeyStatement::AccessPoint).await?;
    let statements = vec![json!({
        "Effect": "Allow",
        "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": [arn.clone(), format!("{arn}/object/*")]
    })];
    let policy_name = role_policy_name(dataset);
    role_policy::put(&target, share, &policy_name, statements, key_arn.as_deref()).await?;
    shared::authz::add_permissions(
        &context.store,
        FOLDER_TYPE,
        &item.item_uri,
        &share.requester_team,
        &owned(DATASET_FOLDER_READ),
    )
    .await
    .map_err(internal)?;
    tracing::info!(share_uri = %share.uri, folder = %folder.prefix, access_point = %name, "folder shared");
    Ok(())
}

fn role_policy_name(dataset: &Dataset) -> String {
    format!("dataall-share-{}", dataset.uri)
}

/// Revokes one folder from the share's principal.
pub async fn revoke(
    context: &AppContext,
    share: &Share,
    dataset: &Dataset,
    item: &ShareItem,
) -> Result<Option<String>, WorkerError> {
    let folder = load_folder(context, item).await?;
    let ShareAccounts { source, target } = ShareAccounts::assume(context, share, dataset).await?;
    let name = access_point_name(&dataset.uri, &share.principal_id);
    let (read_sid, list_sid) = statement_ids(&folder);
    let exists = source
        .s3control()
        .get_access_point()
        .account_id(&dataset.aws_account_id)
        .name(&name)
        .send()
        .await
        .is_ok();
    let mut note = None;
    if exists {
        let mut policy = read_policy(&source, dataset, &name).await?;
        let list = statements_mut(&mut policy);
        list.retain(|statement| {
            statement["Sid"] != read_sid.as_str() && statement["Sid"] != list_sid.as_str()
        });
        if list.is_empty() {
            source
                .s3control()
                .delete_access_point()
                .account_id(&dataset.aws_account_id)
                .name(&name)
                .send()
                .await
                .map_err(|error| aws_failure("DeleteAccessPoint", &error))?;
        } else {
            write_policy(&source, dataset, &name, &policy).await?;
        }
    } else {
        note = Some("the access point was already gone".to_owned());
    }
    key_policy::revoke(
        context,
        &source,
        share,
        dataset,
        item,
        KeyStatement::AccessPoint,
    )
    .await?;
    if !principal_keeps_folders(context, share, item).await? {
        role_policy::delete(&target, share, &role_policy_name(dataset)).await?;
    }
    let keeps_team_access =
        dataset.owner_team == share.requester_team || dataset.stewards_team == share.requester_team;
    if !keeps_team_access {
        shared::authz::remove_permissions(
            &context.store,
            &item.item_uri,
            &share.requester_team,
            &owned(DATASET_FOLDER_READ),
        )
        .await
        .map_err(internal)?;
    }
    tracing::info!(share_uri = %share.uri, folder = %folder.prefix, access_point = %name, "folder revoked");
    Ok(note)
}

/// Returns whether another folder of the dataset stays shared with the same principal.
async fn principal_keeps_folders(
    context: &AppContext,
    share: &Share,
    revoked: &ShareItem,
) -> Result<bool, WorkerError> {
    for other in shares::items(&context.store, &share.uri)
        .await
        .map_err(internal)?
    {
        if other.uri != revoked.uri
            && other.item_type == "Folder"
            && other.status == SHARE_SUCCEEDED
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Checks that a shared folder's access point, its statements, the role policy and the key
/// policy statement are in place. Returns one message per missing piece.
pub async fn verify(
    context: &AppContext,
    share: &Share,
    dataset: &Dataset,
    item: &ShareItem,
) -> Result<Vec<String>, WorkerError> {
    let folder = load_folder(context, item).await?;
    let ShareAccounts { source, target } = ShareAccounts::assume(context, share, dataset).await?;
    let name = access_point_name(&dataset.uri, &share.principal_id);
    let mut missing = Vec::new();
    if source
        .s3control()
        .get_access_point()
        .account_id(&dataset.aws_account_id)
        .name(&name)
        .send()
        .await
        .is_err()
    {
        missing.push(format!(
            "access point {name} does not exist in account {}",
            dataset.aws_account_id
        ));
    } else {
        let mut policy = read_policy(&source, dataset, &name).await?;
        let (read_sid, _) = statement_ids(&folder);
        let granted = statements_mut(&mut policy).iter().any(|statement| {
            statement["Sid"] == read_sid.as_str()
                && statement.to_string().contains(&share.principal_role_arn)
        });
        if !granted {
            missing.push(format!(
                "access point {name} does not let {} read {}/",
                share.principal_role_arn, folder.prefix
            ));
        }
    }
    missing.extend(role_policy::verify(&target, share, &role_policy_name(dataset)).await);
    missing.extend(key_policy::verify(&source, share, dataset, KeyStatement::AccessPoint).await?);
    Ok(missing)
}
