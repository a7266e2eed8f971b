//! Typed configuration, read once at cold start from environment variables.
//!
//! | variable | meaning |
//! |---|---|
//! | `TABLE_NAME` | the DynamoDB table holding every object (required) |
//! | `AWS_REGION` | the region of the central account (required) |
//! | `PIVOT_ROLE_NAME` | role assumed in environment accounts (default `dataallPivotRole`) |
//! | `PIVOT_ROLE_EXTERNAL_ID` | external id passed when assuming the pivot role (optional) |
//! | `AWS_ENDPOINT_URL` | endpoint override for every AWS service, set only for the emulator |
//! | `STACK_DEPLOY_STATE_MACHINE_ARN` | the stack deploy workflow (optional for functions that do not start it) |
//! | `SHARE_APPROVE_STATE_MACHINE_ARN`, `SHARE_REVOKE_STATE_MACHINE_ARN` | the share workflows (optional for functions that do not start them) |
//! | `SHARE_VERIFY_STATE_MACHINE_ARN`, `SHARE_REAPPLY_STATE_MACHINE_ARN` | the drift check workflows (optional) |
//! | `SHARE_NOTIFY_STATE_MACHINE_ARN` | the workflow that sends share notifications (optional) |
//! | `COGNITO_USER_POOL_ID` | user pool whose group members get share emails (optional: no emails without it) |
//! | `EMAIL_SENDER` | sender address of share emails, a verified SES identity (default `dataall@example.com`) |
//! | `STACK_POLL_SECONDS` | seconds between two reads of a deploying stack's status (default 15) |

use std::env;

/// Configuration of a function or the local host.
#[derive(Debug, Clone)]
pub struct Config {
    pub table_name: String,
    pub region: String,
    pub pivot_role_name: String,
    pub pivot_role_external_id: Option<String>,
    pub endpoint_url: Option<String>,
    pub stack_deploy_state_machine_arn: Option<String>,
    pub share_approve_state_machine_arn: Option<String>,
    pub share_revoke_state_machine_arn: Option<String>,
    pub share_notify_state_machine_arn: Option<String>,
    pub share_verify_state_machine_arn: Option<String>,
    pub share_reapply_state_machine_arn: Option<String>,
    pub cognito_user_pool_id: Option<String>,
    pub email_sender: String,
    pub stack_poll_seconds: u64,
}

/// A configuration variable is missing or invalid.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("environment variable {0} must be set")]
    Missing(&'static str),
    #[error("environment variable {name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| env::var(name).ok())
    }

    /// Reads the configuration through `lookup`, which returns a variable's value.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let required = |name: &'static str| {
            lookup(name)
                .filter(|value| !value.is_empty())
                .ok_or(ConfigError::Missing(name))
        };
        let optional = |name: &str| lookup(name).filter(|value| !value.is_empty());
        let endpoint_url = optional("AWS_ENDPOINT_URL");
        if let Some(url) = &endpoint_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(ConfigError::Invalid {
                name: "AWS_ENDPOINT_URL",
                reason: format!("{url:?} must start with http:// or https://"),
            });
        }
        let stack_poll_seconds = match optional("STACK_POLL_SECONDS") {
            None => 15,
            Some(text) => text
                .parse::<u64>()
                .ok()
                .filter(|seconds| (1..=3600).contains(seconds))
                .ok_or_else(|| ConfigError::Invalid {
                    name: "STACK_POLL_SECONDS",
                    reason: format!("{text:?} must be a whole number of seconds from 1 to 3600"),
                })?,
        };
        Ok(Config {
            table_name: required("TABLE_NAME")?,
            region: required("AWS_REGION")?,
            pivot_role_name: optional("PIVOT_ROLE_NAME")
                .unwrap_or_else(|| "dataallPivotRole".to_owned()),
            pivot_role_external_id: optional("PIVOT_ROLE_EXTERNAL_ID"),
            endpoint_url,
            stack_deploy_state_machine_arn: optional("STACK_DEPLOY_STATE_MACHINE_ARN"),
            share_approve_state_machine_arn: optional("SHARE_APPROVE_STATE_MACHINE_ARN"),
            share_revoke_state_machine_arn: optional("SHARE_REVOKE_STATE_MACHINE_ARN"),
            share_notify_state_machine_arn: optional("SHARE_NOTIFY_STATE_MACHINE_ARN"),
            share_verify_state_machine_arn: optional("SHARE_VERIFY_STATE_MACHINE_ARN"),
            share_reapply_state_machine_arn: optional("SHARE_REAPPLY_STATE_MACHINE_ARN"),
            cognito_user_pool_id: optional("COGNITO_USER_POOL_ID"),
            email_sender: optional("EMAIL_SENDER")
                .unwrap_or_else(|| "dataall@example.com".to_owned()),
            stack_poll_seconds,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn missing_variable_is_named() {
        let error = Config::from_lookup(lookup(&[("AWS_REGION", "eu-west-1")])).unwrap_err();
        assert_eq!(
            error.to_string(),
            "environment variable TABLE_NAME must be set"
        );
    }

    #[test]
    fn defaults_apply() {
        let config =
            Config::from_lookup(lookup(&[("TABLE_NAME", "t"), ("AWS_REGION", "eu-west-1")]))
                .unwrap();
        assert_eq!(config.pivot_role_name, "dataallPivotRole");
        assert!(config.endpoint_url.is_none());
    }

    #[test]
    fn endpoint_without_scheme_is_invalid() {
        let error = Config::from_lookup(lookup(&[
            ("TABLE_NAME", "t"),
            ("AWS_REGION", "eu-west-1"),
            ("AWS_ENDPOINT_URL", "127.0.0.1:4566"),
        ]))
        .unwrap_err();
        assert!(error.to_string().contains("AWS_ENDPOINT_URL"), "{error}");
    }
}
