//! The dependencies of every handler, built once at cold start.

use crate::aws::{AssumeRoleError, AwsClients, load_sdk_config};
use crate::config::{Config, ConfigError};
use crate::store::Store;

/// Configuration, AWS clients of the central account and the store.
#[derive(Clone, Debug)]
pub struct AppContext {
    pub config: Config,
    pub aws: AwsClients,
    pub store: Store,
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
        AppContext { config, aws, store }
    }

    /// Returns clients acting in an environment account through its pivot role.
    pub async fn environment_account(&self, account_id: &str) -> Result<AwsClients, AssumeRoleError> {
        self.aws
            .assume_role(
                account_id,
                &self.config.pivot_role_name,
                self.config.pivot_role_external_id.as_deref(),
                "dataall-pivot",
            )
            .await
    }
}
