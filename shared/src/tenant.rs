//! Tenant policies: the tenant permissions each team holds.
//!
//! A team seen for the first time gets every tenant permission, as in data.all; tenant admins
//! narrow that afterwards. Members of `DAAdministrators` hold every tenant permission.

use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::identity::{Caller, TENANT_ADMIN_GROUP};
use crate::permissions::TENANT_PERMISSIONS;
use crate::store::{ItemExt, Keys, Store, StoreError};
use crate::time::now_rfc3339;

/// Partition key of every tenant policy item.
pub const TENANT_PK: &str = "TENANT";

/// The tenant permissions of one team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantPolicy {
    pub team: String,
    pub permissions: Vec<String>,
    pub created: String,
    pub updated: String,
    pub version: i64,
}

fn keys(team: &str) -> Keys {
    Keys::new(TENANT_PK, format!("GROUP#{team}"))
}

/// Creates the tenant policy of every team in `groups` that has none, with every tenant
/// permission. A concurrent creation by another request is not an error.
pub async fn ensure_policies(store: &Store, groups: &[String]) -> Result<(), StoreError> {
    if groups.is_empty() {
        return Ok(());
    }
    let keys_list: Vec<(String, String)> = groups
        .iter()
        .map(|group| {
            let keys = keys(group);
            (keys.pk, keys.sk)
        })
        .collect();
    let existing = store.batch_get(&keys_list).await?;
    for group in groups {
        let sk = format!("GROUP#{group}");
        if existing
            .iter()
            .any(|item| item.string("SK") == Some(sk.as_str()))
        {
            continue;
        }
        let now = now_rfc3339();
        let policy = TenantPolicy {
            team: group.clone(),
            permissions: crate::permissions::owned(TENANT_PERMISSIONS),
            created: now.clone(),
            updated: now,
            version: 1,
        };
        match store
            .put_new(keys(group).item("TenantPolicy", &policy)?)
            .await
        {
            Ok(()) => {
                tracing::info!(team = %group, "team seen for the first time, granted every tenant permission")
            }
            Err(StoreError::ConditionFailed) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// Returns the tenant permissions of the caller: every one for a tenant admin, else the union
/// of the caller's teams' policies.
pub async fn caller_permissions(store: &Store, caller: &Caller) -> Result<Vec<String>, StoreError> {
    if caller.is_tenant_admin() {
        return Ok(crate::permissions::owned(TENANT_PERMISSIONS));
    }
    let keys_list: Vec<(String, String)> = caller
        .groups
        .iter()
        .map(|group| {
            let keys = keys(group);
            (keys.pk, keys.sk)
        })
        .collect();
    let mut permissions = Vec::new();
    for item in store.batch_get(&keys_list).await? {
        let policy: TenantPolicy = item.record()?;
        permissions.extend(policy.permissions);
    }
    permissions.sort();
    permissions.dedup();
    Ok(permissions)
}

/// Fails with `UnauthorizedOperation` unless the caller holds tenant permission `permission`.
pub async fn require_permission(
    store: &Store,
    caller: &Caller,
    permission: &str,
) -> Result<(), ApiError> {
    let permissions = caller_permissions(store, caller).await?;
    if permissions.iter().any(|held| held == permission) {
        Ok(())
    } else {
        Err(ApiError::UnauthorizedOperation(format!(
            "user {} is not authorized to perform {permission} on the tenant: none of the teams {:?} holds it",
            caller.username, caller.groups
        )))
    }
}

/// Lists the tenant policies of every team except the tenant admins.
pub async fn list_policies(store: &Store) -> Result<Vec<TenantPolicy>, StoreError> {
    let items = store.query_all(None, TENANT_PK, Some("GROUP#")).await?;
    let mut policies = Vec::new();
    for item in items {
        let policy: TenantPolicy = item.record()?;
        if policy.team != TENANT_ADMIN_GROUP {
            policies.push(policy);
        }
    }
    Ok(policies)
}

/// Replaces the tenant permissions of `team`; every name must be a tenant permission.
pub async fn set_permissions(
    store: &Store,
    team: &str,
    permissions: &[String],
) -> Result<TenantPolicy, ApiError> {
    if team == TENANT_ADMIN_GROUP {
        return Err(ApiError::invalid(
            "team",
            format!("{TENANT_ADMIN_GROUP} always holds every tenant permission"),
        ));
    }
    for permission in permissions {
        if !TENANT_PERMISSIONS.contains(&permission.as_str()) {
            return Err(ApiError::invalid(
                "permissions",
                format!("contains {permission:?}, which is not a tenant permission"),
            ));
        }
    }
    let mut permissions = permissions.to_vec();
    permissions.sort();
    permissions.dedup();
    let now = now_rfc3339();
    let existing = store.get(TENANT_PK, &format!("GROUP#{team}")).await?;
    let policy = match existing {
        Some(item) => {
            let old: TenantPolicy = item.record()?;
            let policy = TenantPolicy {
                permissions,
                updated: now,
                version: old.version + 1,
                ..old.clone()
            };
            store
                .replace_versioned(keys(team).item("TenantPolicy", &policy)?, old.version)
                .await?;
            policy
        }
        None => {
            let policy = TenantPolicy {
                team: team.to_owned(),
                permissions,
                created: now.clone(),
                updated: now,
                version: 1,
            };
            store
                .put_new(keys(team).item("TenantPolicy", &policy)?)
                .await?;
            policy
        }
    };
    tracing::info!(team, permissions = ?policy.permissions, "tenant permissions replaced");
    Ok(policy)
}
