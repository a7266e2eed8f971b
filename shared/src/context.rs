//! The dependencies of every handler, built once at cold start.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::aws::{AwsClients, error_chain, load_sdk_config};
use crate::config::{Config, ConfigError};
use crate::store::Store;

/// How long clients of an environment account are reused before the pivot role is assumed
/// and checked again. The SDK refreshes their credentials by itself meanwhile; the bound
/// only limits how long a removed pivot role goes unnoticed.
const PIVOT_CLIENTS_TTL: Duration = Duration::from_secs(300);

/// Clients of environment accounts by (account, region), with the time they were made.
type PivotClients = HashMap<(String, String), (Instant, AwsClients)>;

/// Configuration, AWS clients of the central account and the store.
#[derive(Clone, Debug)]
pub struct AppContext {
    pub config: Config,
    pub aws: AwsClients,
    pub store: Store,
    pivot_clients: Arc<Mutex<PivotClients>>,
}

impl AppContext {
    /// Reads the configuration from the environment and builds the clients.
    pub async fn from_env() -> Result<Self, ConfigError> {
        Ok(Self::new(Config::from_env()?).await)
    }

    pub async fn new(config: Config) -> Self {
        let sdk_config = load_sdk_config(&config).await;
        let aws = AwsClients::new(sdk_config, config.endpoint_url.clone());
        let store = Store::new(aws.dynamodb(), config.table_name.clone());
        AppContext {
            config,
            aws,
            store,
            pivot_clients: Arc::default(),
        }
    }

    /// Returns clients acting in an environment account and region through its pivot role.
    ///
    /// Besides assuming the role, this reads it with IAM `GetRole` in the account, because
    /// the emulator lets any role be assumed, even one that does not exist. A warm function
    /// reuses the clients for a few minutes, so a workflow of many items assumes each pivot
    /// role once instead of once per item. Failures are not cached.
    pub async fn environment_account(
        &self,
        account_id: &str,
        region: &str,
    ) -> Result<AwsClients, PivotRoleError> {
        let key = (account_id.to_owned(), region.to_owned());
        if let Some((made, clients)) = self.cached_pivot_clients().get(&key)
            && made.elapsed() < PIVOT_CLIENTS_TTL
        {
            return Ok(clients.clone());
        }
        let clients = self.assume_pivot_role(account_id, region).await?;
        self.cached_pivot_clients()
            .insert(key, (Instant::now(), clients.clone()));
        Ok(clients)
    }

    fn cached_pivot_clients(&self) -> std::sync::MutexGuard<'_, PivotClients> {
        self.pivot_clients
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    async fn assume_pivot_role(
        &self,
        account_id: &str,
        region: &str,
    ) -> Result<AwsClients, PivotRoleError> {
        let role = &self.config.pivot_role_name;
        let unusable = |reason: String| PivotRoleError {
            account_id: account_id.to_owned(),
            role: role.clone(),
            reason,
        };
        let external_id = self.config.pivot_role_external_id.as_deref();
        let clients = self
            .aws
            .assume_role(account_id, role, external_id, "dataall-pivot")
            .await
            .map_err(|error| unusable(error.to_string()))?
            .in_region(region);
        clients
            .iam()
            .get_role()
            .role_name(role)
            .send()
            .await
            .map_err(|error| unusable(error_chain(&error)))?;
        Ok(clients)
    }
}

/// The pivot role of an environment account cannot be used.
#[derive(Debug, Clone, thiserror::Error)]
#[error("pivot role {role} is not usable in account {account_id}: {reason}")]
pub struct PivotRoleError {
    pub account_id: String,
    pub role: String,
    pub reason: String,
}

impl From<PivotRoleError> for crate::error::ApiError {
    fn from(error: PivotRoleError) -> Self {
        tracing::warn!(account_id = %error.account_id, reason = %error.reason, "pivot role not usable");
        crate::error::ApiError::AwsResourceNotFound(format!(
            "pivot role {} is not usable in account {}; deploy the pivot role template in that account first",
            error.role, error.account_id
        ))
    }
}
