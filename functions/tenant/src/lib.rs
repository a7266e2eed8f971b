//! Tenant module: the caller's identity and the tenant permissions of teams.
//!
//! Routes: `GET /me`; `GET /tenant/permissions`, `GET /tenant/teams` and
//! `PUT /tenant/teams/{team}/permissions`, which only tenant admins may call (declared in the
//! route table and enforced before these handlers run).

use serde::{Deserialize, Serialize};
use shared::api::{ApiRequest, ApiResponse};
use shared::identity::Caller;
use shared::permissions::TENANT_PERMISSIONS;
use shared::{ApiError, AppContext, tenant};

/// Handles every route of the tenant module.
pub async fn handle(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    match request.route.operation {
        "getMe" => get_me(context, caller).await,
        "listTenantPermissions" => ApiResponse::page(TENANT_PERMISSIONS, None),
        "listTenantTeams" => list_teams(context).await,
        "updateTenantTeamPermissions" => update_team_permissions(context, request).await,
        other => Err(ApiError::ResourceNotFound(format!(
            "operation {other} is not in the tenant module"
        ))),
    }
}

/// The caller as the API sees it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Me {
    username: String,
    email: Option<String>,
    groups: Vec<String>,
    is_tenant_admin: bool,
    tenant_permissions: Vec<String>,
}

async fn get_me(context: &AppContext, caller: &Caller) -> Result<ApiResponse, ApiError> {
    let tenant_permissions = tenant::caller_permissions(&context.store, caller).await?;
    ApiResponse::ok(Me {
        username: caller.username.clone(),
        email: caller.email.clone(),
        groups: caller.groups.clone(),
        is_tenant_admin: caller.is_tenant_admin(),
        tenant_permissions,
    })
}

async fn list_teams(context: &AppContext) -> Result<ApiResponse, ApiError> {
    let policies = tenant::list_policies(&context.store).await?;
    ApiResponse::page(policies, None)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UpdatePermissions {
    permissions: Vec<String>,
}

async fn update_team_permissions(
    context: &AppContext,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let team = request.path("team")?;
    let body: UpdatePermissions = request.json()?;
    let policy = tenant::set_permissions(&context.store, team, &body.permissions).await?;
    ApiResponse::ok(policy)
}
