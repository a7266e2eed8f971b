//! The inline policy that a folder or bucket share puts on the principal's role in the
//! requester's account, one per dataset and item type.

use serde_json::{Value, json};
use shared::aws::{AwsClients, error_chain};
use shared::shares::Share;
use shared::worker::WorkerError;

use crate::aws_failure;

/// Writes the role policy `name` with `statements`, plus `kms:Decrypt` on the dataset key
/// when the dataset has one. The key's own policy must name the principal as well.
pub async fn put(
    target: &AwsClients,
    share: &Share,
    name: &str,
    mut statements: Vec<Value>,
    key_arn: Option<&str>,
) -> Result<(), WorkerError> {
    if let Some(key) = key_arn {
        statements.push(json!({"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": key}));
    }
    target
        .iam()
        .put_role_policy()
        .role_name(&share.principal_name)
        .policy_name(name)
        .policy_document(json!({"Version": "2012-10-17", "Statement": statements}).to_string())
        .send()
        .await
        .map_err(|error| aws_failure("PutRolePolicy", &error))?;
    Ok(())
}

/// Deletes the role policy `name`, accepting one that is already gone.
pub async fn delete(target: &AwsClients, share: &Share, name: &str) -> Result<(), WorkerError> {
    match target
        .iam()
        .delete_role_policy()
        .role_name(&share.principal_name)
        .policy_name(name)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(error) if error_chain(&error).contains("NoSuchEntity") => Ok(()),
        Err(error) => Err(aws_failure("DeleteRolePolicy", &error)),
    }
}

/// Returns a message when the principal's role lacks the role policy `name`.
pub async fn verify(target: &AwsClients, share: &Share, name: &str) -> Option<String> {
    let found = target
        .iam()
        .get_role_policy()
        .role_name(&share.principal_name)
        .policy_name(name)
        .send()
        .await;
    found
        .is_err()
        .then(|| format!("role {} lacks its policy {name}", share.principal_name))
}
