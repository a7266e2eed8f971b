//! The two AWS accounts of a share item: the dataset's account (source) and the requester's
//! account (target), each reached through its pivot role.

use shared::AppContext;
use shared::aws::{AwsClients, error_chain};
use shared::context::PivotRoleError;
use shared::domain::datasets::Dataset;
use shared::shares::Share;
use shared::worker::WorkerError;

/// AWS clients of the dataset's account and of the requester's account.
pub struct ShareAccounts {
    pub source: AwsClients,
    pub target: AwsClients,
}

impl ShareAccounts {
    /// Assumes the pivot roles of both accounts, failing with `PivotRoleNotAssumable`.
    pub async fn assume(
        context: &AppContext,
        share: &Share,
        dataset: &Dataset,
    ) -> Result<Self, WorkerError> {
        let pivot =
            |error: PivotRoleError| WorkerError::new("PivotRoleNotAssumable", error.to_string());
        let source = context
            .environment_account(&dataset.aws_account_id, &dataset.region)
            .await
            .map_err(pivot)?;
        let target = context
            .environment_account(&share.aws_account_id, &share.region)
            .await
            .map_err(pivot)?;
        Ok(ShareAccounts { source, target })
    }

    /// Assumes the pivot roles of both accounts and checks that the share's principal role
    /// exists in the requester's account, failing with `PrincipalNotFound` when it does not.
    /// Grants call this so that no policy names a role that is gone.
    pub async fn assume_for_grant(
        context: &AppContext,
        share: &Share,
        dataset: &Dataset,
    ) -> Result<Self, WorkerError> {
        let accounts = Self::assume(context, share, dataset).await?;
        accounts
            .target
            .iam()
            .get_role()
            .role_name(&share.principal_name)
            .send()
            .await
            .map_err(|error| {
                WorkerError::new(
                    "PrincipalNotFound",
                    format!(
                        "IAM role {} not found in account {}: {}",
                        share.principal_name,
                        share.aws_account_id,
                        error_chain(&error)
                    ),
                )
            })?;
        Ok(accounts)
    }
}
