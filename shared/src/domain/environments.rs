//! Environments (one AWS account and region each), their teams, consumption roles and tags.

use serde::{Deserialize, Serialize};

use crate::names::EnvironmentNames;
use crate::store::{Index, ItemExt, Keys, Store, StoreError};

pub const RESOURCE_TYPE: &str = "Environment";
pub const CONSUMPTION_ROLE_TYPE: &str = "ConsumptionRole";

/// An environment: an AWS account and region linked to an organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Environment {
    pub uri: String,
    pub organization_uri: String,
    pub label: String,
    pub description: String,
    pub tags: Vec<String>,
    pub aws_account_id: String,
    pub region: String,
    pub admin_team: String,
    pub resource_prefix: String,
    pub owner: String,
    pub default_bucket_name: String,
    pub admin_role_name: String,
    pub admin_role_arn: String,
    pub athena_workgroup: String,
    pub created: String,
    pub updated: String,
    pub version: i64,
}

impl Environment {
    pub fn keys(&self) -> Keys {
        Keys::new(format!("ENV#{}", self.uri), "META").with_gsi2(
            format!("ORG#{}", self.organization_uri),
            format!("ENV#{}", self.uri),
        )
    }

    pub fn names(&self) -> EnvironmentNames<'_> {
        EnvironmentNames {
            prefix: &self.resource_prefix,
            label: &self.label,
            uri: &self.uri,
        }
    }

    /// Returns the ARN of an IAM role of this environment's account.
    pub fn role_arn(&self, role_name: &str) -> String {
        format!("arn:aws:iam::{}:role/{role_name}", self.aws_account_id)
    }
}

/// Keys of the item that claims an account and region for one environment.
pub fn account_claim_keys(account_id: &str, region: &str) -> Keys {
    Keys::new(format!("ACCOUNT#{account_id}#{region}"), "ENV")
}

/// A team's membership of an environment, with its IAM role there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentTeam {
    pub environment_uri: String,
    pub team: String,
    pub permissions: Vec<String>,
    pub iam_role_name: String,
    pub iam_role_arn: String,
    pub athena_workgroup: String,
    pub is_admin_team: bool,
    pub invited_by: String,
    pub created: String,
    pub updated: String,
}

impl EnvironmentTeam {
    pub fn keys(&self) -> Keys {
        team_keys(&self.environment_uri, &self.team)
    }
}

pub fn team_keys(environment_uri: &str, team: &str) -> Keys {
    Keys::new(format!("ENV#{environment_uri}"), format!("TEAM#{team}"))
}

/// An existing IAM role of the environment account registered for one team's use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsumptionRole {
    pub uri: String,
    pub environment_uri: String,
    pub label: String,
    pub team: String,
    pub iam_role_arn: String,
    pub iam_role_name: String,
    pub owner: String,
    pub created: String,
    pub updated: String,
    pub version: i64,
}

impl ConsumptionRole {
    pub fn keys(&self) -> Keys {
        Keys::new(format!("CROLE#{}", self.uri), "META").with_gsi2(
            format!("ENV#{}", self.environment_uri),
            format!("CROLE#{}", self.uri),
        )
    }
}

/// A key-value tag applied to an environment's stack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyValueTag {
    pub key: String,
    pub value: String,
}

/// The key-value tags of one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyValueTags {
    pub target_uri: String,
    pub tags: Vec<KeyValueTag>,
    pub updated: String,
}

pub fn tags_keys(target_uri: &str) -> Keys {
    Keys::new(format!("TAGS#{target_uri}"), "META")
}

pub async fn get(store: &Store, uri: &str) -> Result<Option<Environment>, StoreError> {
    store.get_record(&format!("ENV#{uri}"), "META").await
}

pub async fn teams(store: &Store, uri: &str) -> Result<Vec<EnvironmentTeam>, StoreError> {
    store
        .query_records(None, &format!("ENV#{uri}"), Some("TEAM#"))
        .await
}

pub async fn team(
    store: &Store,
    uri: &str,
    team: &str,
) -> Result<Option<EnvironmentTeam>, StoreError> {
    let keys = team_keys(uri, team);
    store.get_record(&keys.pk, &keys.sk).await
}

pub async fn of_organization(
    store: &Store,
    organization_uri: &str,
) -> Result<Vec<Environment>, StoreError> {
    store
        .query_records(
            Some(Index::Gsi2),
            &format!("ORG#{organization_uri}"),
            Some("ENV#"),
        )
        .await
}

pub async fn consumption_roles(
    store: &Store,
    environment_uri: &str,
) -> Result<Vec<ConsumptionRole>, StoreError> {
    store
        .query_records(
            Some(Index::Gsi2),
            &format!("ENV#{environment_uri}"),
            Some("CROLE#"),
        )
        .await
}

pub async fn consumption_role(
    store: &Store,
    uri: &str,
) -> Result<Option<ConsumptionRole>, StoreError> {
    store.get_record(&format!("CROLE#{uri}"), "META").await
}

pub async fn tags(store: &Store, target_uri: &str) -> Result<Vec<KeyValueTag>, StoreError> {
    let keys = tags_keys(target_uri);
    match store.get(&keys.pk, &keys.sk).await? {
        Some(item) => Ok(item.record::<KeyValueTags>()?.tags),
        None => Ok(Vec::new()),
    }
}
