//! Organizations and the teams invited to them.

use serde::{Deserialize, Serialize};

use crate::store::{Keys, Store, StoreError};

pub const RESOURCE_TYPE: &str = "Organization";

/// An organization: a group of environments administered by one team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    pub uri: String,
    pub label: String,
    pub description: String,
    pub tags: Vec<String>,
    pub admin_team: String,
    /// User name of the creator.
    pub owner: String,
    pub created: String,
    pub updated: String,
    pub version: i64,
}

impl Organization {
    pub fn keys(&self) -> Keys {
        Keys::new(format!("ORG#{}", self.uri), "META")
    }
}

/// A team's membership of an organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationTeam {
    pub organization_uri: String,
    pub team: String,
    pub permissions: Vec<String>,
    pub invited_by: String,
    pub is_admin_team: bool,
    pub created: String,
    pub updated: String,
}

impl OrganizationTeam {
    pub fn keys(&self) -> Keys {
        team_keys(&self.organization_uri, &self.team)
    }
}

pub fn team_keys(organization_uri: &str, team: &str) -> Keys {
    Keys::new(format!("ORG#{organization_uri}"), format!("TEAM#{team}"))
}

pub async fn get(store: &Store, uri: &str) -> Result<Option<Organization>, StoreError> {
    store.get_record(&format!("ORG#{uri}"), "META").await
}

pub async fn teams(store: &Store, uri: &str) -> Result<Vec<OrganizationTeam>, StoreError> {
    store
        .query_records(None, &format!("ORG#{uri}"), Some("TEAM#"))
        .await
}

pub async fn team(
    store: &Store,
    uri: &str,
    team: &str,
) -> Result<Option<OrganizationTeam>, StoreError> {
    let keys = team_keys(uri, team);
    store.get_record(&keys.pk, &keys.sk).await
}
