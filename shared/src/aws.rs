//! AWS clients, all built from one `SdkConfig`.
//!
//! When `AWS_ENDPOINT_URL` is set (the local emulator), S3 uses path-style addresses and
//! S3 Control uses a fixed endpoint, because its endpoint rules otherwise prefix the host with
//! the account id. Nothing else differs between AWS and the emulator.

use std::sync::Arc;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sdk_s3control::config::endpoint::{Endpoint, EndpointFuture, Params, ResolveEndpoint};

use crate::config::Config;

/// Loads the shared SDK configuration for the central account.
pub async fn load_sdk_config(config: &Config) -> SdkConfig {
    let mut loader =
        aws_config::defaults(BehaviorVersion::latest()).region(Region::new(config.region.clone()));
    if let Some(url) = &config.endpoint_url {
        loader = loader.endpoint_url(url.clone());
    }
    loader.load().await
}

/// Service clients of one account, built from one `SdkConfig`.
#[derive(Clone, Debug)]
pub struct AwsClients {
    pub sdk_config: SdkConfig,
    endpoint_url: Option<String>,
}

/// Resolves every S3 Control request to one fixed URL.
#[derive(Debug)]
struct FixedS3ControlEndpoint {
    url: String,
}

impl ResolveEndpoint for FixedS3ControlEndpoint {
    fn resolve_endpoint<'a>(&'a self, _params: &'a Params) -> EndpointFuture<'a> {
        EndpointFuture::ready(Ok(Endpoint::builder().url(self.url.clone()).build()))
    }
}

impl AwsClients {
    pub fn new(sdk_config: SdkConfig, endpoint_url: Option<String>) -> Self {
        AwsClients {
            sdk_config,
            endpoint_url,
        }
    }

    /// Returns the same clients acting in another region.
    pub fn in_region(&self, region: &str) -> AwsClients {
        let sdk_config = self
            .sdk_config
            .to_builder()
            .region(Region::new(region.to_owned()))
            .build();
        AwsClients::new(sdk_config, self.endpoint_url.clone())
    }

    pub fn dynamodb(&self) -> aws_sdk_dynamodb::Client {
        aws_sdk_dynamodb::Client::new(&self.sdk_config)
    }

    pub fn s3(&self) -> aws_sdk_s3::Client {
        let builder = aws_sdk_s3::config::Builder::from(&self.sdk_config)
            .force_path_style(self.endpoint_url.is_some());
        aws_sdk_s3::Client::from_conf(builder.build())
    }

    pub fn s3control(&self) -> aws_sdk_s3control::Client {
        let mut builder = aws_sdk_s3control::config::Builder::from(&self.sdk_config);
        if let Some(url) = &self.endpoint_url {
            builder = builder.endpoint_resolver(FixedS3ControlEndpoint { url: url.clone() });
        }
        aws_sdk_s3control::Client::from_conf(builder.build())
    }

    pub fn glue(&self) -> aws_sdk_glue::Client {
        aws_sdk_glue::Client::new(&self.sdk_config)
    }

    pub fn lakeformation(&self) -> aws_sdk_lakeformation::Client {
        aws_sdk_lakeformation::Client::new(&self.sdk_config)
    }

    pub fn sfn(&self) -> aws_sdk_sfn::Client {
        aws_sdk_sfn::Client::new(&self.sdk_config)
    }

    pub fn cloudformation(&self) -> aws_sdk_cloudformation::Client {
        aws_sdk_cloudformation::Client::new(&self.sdk_config)
    }

    pub fn sesv2(&self) -> aws_sdk_sesv2::Client {
        aws_sdk_sesv2::Client::new(&self.sdk_config)
    }

    pub fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::new(&self.sdk_config)
    }

    pub fn kms(&self) -> aws_sdk_kms::Client {
        aws_sdk_kms::Client::new(&self.sdk_config)
    }

    pub fn sts(&self) -> aws_sdk_sts::Client {
        aws_sdk_sts::Client::new(&self.sdk_config)
    }

    pub fn athena(&self) -> aws_sdk_athena::Client {
        aws_sdk_athena::Client::new(&self.sdk_config)
    }

    pub fn cognito(&self) -> aws_sdk_cognitoidentityprovider::Client {
        aws_sdk_cognitoidentityprovider::Client::new(&self.sdk_config)
    }

    /// Assumes `role_name` in `account_id` and returns clients acting in that account.
    ///
    /// The credentials are fetched once here, so an unassumable role fails now with the
    /// STS error rather than on the first call that uses the clients.
    pub async fn assume_role(
        &self,
        account_id: &str,
        role_name: &str,
        external_id: Option<&str>,
        session_name: &str,
    ) -> Result<AwsClients, AssumeRoleError> {
        let role_arn = format!("arn:aws:iam::{account_id}:role/{role_name}");
        let mut builder = aws_config::sts::AssumeRoleProvider::builder(role_arn.clone())
            .session_name(session_name)
            .configure(&self.sdk_config);
        if let Some(external_id) = external_id {
            builder = builder.external_id(external_id);
        }
        let provider = builder.build().await;
        provider
            .provide_credentials()
            .await
            .map_err(|source| AssumeRoleError {
                role_arn: role_arn.clone(),
                source: Arc::new(source),
            })?;
        let sdk_config = self
            .sdk_config
            .to_builder()
            .credentials_provider(SharedCredentialsProvider::new(provider))
            .build();
        Ok(AwsClients::new(sdk_config, self.endpoint_url.clone()))
    }
}

/// The role could not be assumed.
#[derive(Debug, Clone, thiserror::Error)]
#[error("could not assume role {role_arn}: {source}")]
pub struct AssumeRoleError {
    pub role_arn: String,
    #[source]
    pub source: Arc<aws_credential_types::provider::error::CredentialsError>,
}

/// Formats an SDK error with its whole cause chain, for logs and worker error messages.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
