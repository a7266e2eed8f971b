//! Resource grants and the three authorization checks.
//!
//! Every check works on the caller's teams, never on the person:
//! - tenant permission: see [`crate::tenant::require_permission`];
//! - resource permission: a grant item of one of the caller's teams on the object holds the
//!   permission ([`require_resource`]);
//! - team in environment: the team is the caller's, is invited to the environment and holds
//!   the permission there ([`require_team_in_environment`]).
//!
//! A caller whose teams hold no grant at all on an object gets `ResourceNotFound`, so
//! unrelated teams cannot probe which uris exist. A caller with some grant but not the one
//! needed gets `UnauthorizedOperation`.

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::identity::Caller;
use crate::store::{Index, ItemExt, Keys, Store, StoreError};
use crate::time::now_rfc3339;

/// The permissions one team holds on one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Grant {
    pub resource_uri: String,
    pub resource_type: String,
    pub team: String,
    pub permissions: Vec<String>,
    pub created: String,
    pub updated: String,
}

fn grant_keys(resource_type: &str, resource_uri: &str, team: &str) -> Keys {
    Keys::new(format!("GRANT#{resource_uri}"), format!("GROUP#{team}")).with_gsi1(
        format!("GROUP#{team}"),
        format!("GRANT#{resource_type}#{resource_uri}"),
    )
}

/// Builds the transaction write that sets `team`'s permissions on a resource, replacing any
/// earlier grant of that team on it.
pub fn grant_write(
    table: &str,
    resource_type: &str,
    resource_uri: &str,
    team: &str,
    permissions: &[String],
) -> Result<TransactWriteItem, StoreError> {
    let now = now_rfc3339();
    let mut permissions = permissions.to_vec();
    permissions.sort();
    permissions.dedup();
    let grant = Grant {
        resource_uri: resource_uri.to_owned(),
        resource_type: resource_type.to_owned(),
        team: team.to_owned(),
        permissions,
        created: now.clone(),
        updated: now,
    };
    let item = grant_keys(resource_type, resource_uri, team).item("Grant", &grant)?;
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .build()
        .map_err(|error| StoreError::Dynamo {
            operation: "Put",
            message: error.to_string(),
        })?;
    Ok(TransactWriteItem::builder().put(put).build())
}

/// Builds the transaction write that removes `team`'s grant on a resource.
pub fn revoke_write(
    table: &str,
    resource_uri: &str,
    team: &str,
) -> Result<TransactWriteItem, StoreError> {
    let delete = aws_sdk_dynamodb::types::Delete::builder()
        .table_name(table)
        .key("PK", AttributeValue::S(format!("GRANT#{resource_uri}")))
        .key("SK", AttributeValue::S(format!("GROUP#{team}")))
        .build()
        .map_err(|error| StoreError::Dynamo {
            operation: "Delete",
            message: error.to_string(),
        })?;
    Ok(TransactWriteItem::builder().delete(delete).build())
}

/// Reads the grants of the caller's teams on one resource.
pub async fn caller_grants(
    store: &Store,
    caller: &Caller,
    resource_uri: &str,
) -> Result<Vec<Grant>, StoreError> {
    let keys: Vec<(String, String)> = caller
        .groups
        .iter()
        .map(|team| (format!("GRANT#{resource_uri}"), format!("GROUP#{team}")))
        .collect();
    store
        .batch_get(&keys)
        .await?
        .into_iter()
        .map(ItemExt::record)
        .collect()
}

/// Returns the uris, among `resource_uris`, on which one of the caller's teams holds a
/// grant, reading every pair of uri and team in batches of 100.
pub async fn granted_among(
    store: &Store,
    caller: &Caller,
    resource_uris: &[String],
) -> Result<std::collections::HashSet<String>, StoreError> {
    let keys: Vec<(String, String)> = resource_uris
        .iter()
        .flat_map(|uri| {
            caller
                .groups
                .iter()
                .map(move |team| (format!("GRANT#{uri}"), format!("GROUP#{team}")))
        })
        .collect();
    let granted = store
        .batch_get(&keys)
        .await?
        .iter()
        .filter_map(|item| item.string("PK"))
        .filter_map(|pk| pk.strip_prefix("GRANT#"))
        .map(str::to_owned)
        .collect();
    Ok(granted)
}

/// Reads the grant of one team on one resource.
pub async fn team_grant(
    store: &Store,
    team: &str,
    resource_uri: &str,
) -> Result<Option<Grant>, StoreError> {
    store
        .get_record(&format!("GRANT#{resource_uri}"), &format!("GROUP#{team}"))
        .await
}

/// Fails unless one of the caller's teams holds `permission` on the resource.
///
/// `kind` names the resource in the error message, for example `Organization`.
pub async fn require_resource(
    store: &Store,
    caller: &Caller,
    kind: &str,
    resource_uri: &str,
    permission: &str,
) -> Result<(), ApiError> {
    let grants = caller_grants(store, caller, resource_uri).await?;
    if grants.is_empty() {
        return Err(ApiError::not_found(kind, resource_uri));
    }
    if grants
        .iter()
        .any(|grant| grant.permissions.iter().any(|held| held == permission))
    {
        return Ok(());
    }
    Err(ApiError::UnauthorizedOperation(format!(
        "user {} is not authorized to perform {permission} on {kind} {resource_uri}",
        caller.username
    )))
}

/// Fails unless `team` is one of the caller's teams, is invited to the environment and holds
/// `permission` there.
pub async fn require_team_in_environment(
    store: &Store,
    caller: &Caller,
    team: &str,
    environment_uri: &str,
    permission: &str,
) -> Result<(), ApiError> {
    if !caller.in_group(team) {
        return Err(ApiError::UnauthorizedOperation(format!(
            "user {} is not a member of team {team}",
            caller.username
        )));
    }
    let grant = team_grant(store, team, environment_uri).await?;
    match grant {
        None => Err(ApiError::UnauthorizedOperation(format!(
            "team {team} is not invited to environment {environment_uri}"
        ))),
        Some(grant) if grant.permissions.iter().any(|held| held == permission) => Ok(()),
        Some(_) => Err(ApiError::UnauthorizedOperation(format!(
            "team {team} does not hold {permission} on environment {environment_uri}"
        ))),
    }
}

/// Lists the uris of resources of `resource_type` on which any of `teams` holds a grant,
/// sorted and without repeats.
pub async fn resources_of_teams(
    store: &Store,
    teams: &[String],
    resource_type: &str,
) -> Result<Vec<String>, StoreError> {
    let prefix = format!("GRANT#{resource_type}#");
    let mut uris = Vec::new();
    for team in teams {
        let items = store
            .query_all(Some(Index::Gsi1), &format!("GROUP#{team}"), Some(&prefix))
            .await?;
        for item in items {
            if let Some(sort_key) = item.string("GSI1SK")
                && let Some(uri) = sort_key.strip_prefix(&prefix)
            {
                uris.push(uri.to_owned());
            }
        }
    }
    uris.sort();
    uris.dedup();
    Ok(uris)
}

/// Lists every grant on a resource.
pub async fn grants_on(store: &Store, resource_uri: &str) -> Result<Vec<Grant>, StoreError> {
    store
        .query_records(None, &format!("GRANT#{resource_uri}"), Some("GROUP#"))
        .await
}

/// Adds permissions to a team's grant on a resource, keeping the ones it holds.
pub async fn add_permissions(
    store: &Store,
    resource_type: &str,
    resource_uri: &str,
    team: &str,
    permissions: &[String],
) -> Result<(), StoreError> {
    let mut merged = team_grant(store, team, resource_uri)
        .await?
        .map(|grant| grant.permissions)
        .unwrap_or_default();
    merged.extend(permissions.iter().cloned());
    store
        .transact(vec![grant_write(
            store.table_name(),
            resource_type,
            resource_uri,
            team,
            &merged,
        )?])
        .await
}

/// Removes permissions from a team's grant on a resource, deleting the grant when none
/// remain.
pub async fn remove_permissions(
    store: &Store,
    resource_uri: &str,
    team: &str,
    permissions: &[String],
) -> Result<(), StoreError> {
    let Some(grant) = team_grant(store, team, resource_uri).await? else {
        return Ok(());
    };
    let remaining: Vec<String> = grant
        .permissions
        .into_iter()
        .filter(|held| !permissions.contains(held))
        .collect();
    let write = if remaining.is_empty() {
        revoke_write(store.table_name(), resource_uri, team)?
    } else {
        grant_write(
            store.table_name(),
            &grant.resource_type,
            resource_uri,
            team,
            &remaining,
        )?
    };
    store.transact(vec![write]).await
}
