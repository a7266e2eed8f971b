//! Teams invited to an environment. Every change redeploys the environment stack, which
//! holds one IAM role per team.

use serde::Deserialize;
use shared::api::{ApiRequest, ApiResponse};
use shared::authz;
use shared::domain::environments::{self, EnvironmentTeam, RESOURCE_TYPE};
use shared::identity::Caller;
use shared::permissions::{ENVIRONMENT_INVITABLE, invited_environment_permissions};
use shared::store::StoreError;
use shared::time::now_rfc3339;
use shared::{ApiError, AppContext, validate};

use crate::{load, redeploy_after_change};

pub async fn list(context: &AppContext, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let uri = request.path("environmentUri")?;
    load(context, uri).await?;
    ApiResponse::page(environments::teams(&context.store, uri).await?, None)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct InviteTeam {
    team: String,
    #[serde(default)]
    permissions: Vec<String>,
}

pub async fn invite(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let uri = request.path("environmentUri")?;
    let body: InviteTeam = request.json()?;
    let team_name = validate::team("team", &body.team)?;
    let requested = validate::permissions("permissions", &body.permissions, ENVIRONMENT_INVITABLE)?;
    let environment = load(context, uri).await?;
    let names = environment.names();
    let role_name = names.team_role(&team_name);
    let now = now_rfc3339();
    let team = EnvironmentTeam {
        environment_uri: uri.to_owned(),
        team: team_name.clone(),
        permissions: invited_environment_permissions(&requested),
        iam_role_arn: environment.role_arn(&role_name),
        iam_role_name: role_name,
        athena_workgroup: names.workgroup(&team_name),
        is_admin_team: false,
        invited_by: caller.username.clone(),
        created: now.clone(),
        updated: now,
    };
    let store = &context.store;
    let result = store
        .transact(vec![
            store.create_write(team.keys().item("EnvironmentTeam", &team)?),
            authz::grant_write(
                store.table_name(),
                RESOURCE_TYPE,
                uri,
                &team_name,
                &team.permissions,
            )?,
        ])
        .await;
    match result {
        Ok(()) => {}
        Err(StoreError::ConditionFailed) => {
            return Err(ApiError::ResourceAlreadyExists(format!(
                "team {team_name} is already invited to environment {uri}"
            )));
        }
        Err(error) => return Err(error.into()),
    }
    tracing::info!(environment_uri = %uri, team = %team_name, "team invited to environment");
    redeploy_after_change(context, uri).await;
    ApiResponse::created(team)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UpdateTeam {
    permissions: Vec<String>,
}

async fn member(context: &AppContext, uri: &str, team: &str) -> Result<EnvironmentTeam, ApiError> {
    environments::team(&context.store, uri, team)
        .await?
        .ok_or_else(|| {
            ApiError::ResourceNotFound(format!("team {team} is not invited to environment {uri}"))
        })
}

pub async fn update(context: &AppContext, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let uri = request.path("environmentUri")?;
    let team_name = request.path("team")?;
    let body: UpdateTeam = request.json()?;
    let requested = validate::permissions("permissions", &body.permissions, ENVIRONMENT_INVITABLE)?;
    let mut team = member(context, uri, team_name).await?;
    if team.is_admin_team {
        return Err(ApiError::invalid(
            "team",
            format!("{team_name} is the admin team, which always holds every permission"),
        ));
    }
    team.permissions = invited_environment_permissions(&requested);
    team.updated = now_rfc3339();
    let store = &context.store;
    store
        .transact(vec![
            store.put_write(team.keys().item("EnvironmentTeam", &team)?),
            authz::grant_write(
                store.table_name(),
                RESOURCE_TYPE,
                uri,
                team_name,
                &team.permissions,
            )?,
        ])
        .await?;
    tracing::info!(environment_uri = %uri, team = %team_name, "environment team permissions changed");
    redeploy_after_change(context, uri).await;
    ApiResponse::ok(team)
}

pub async fn remove(context: &AppContext, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let uri = request.path("environmentUri")?;
    let team_name = request.path("team")?;
    let team = member(context, uri, team_name).await?;
    if team.is_admin_team {
        return Err(ApiError::UnauthorizedOperation(format!(
            "{team_name} is the admin team of environment {uri} and cannot be removed"
        )));
    }
    let owned_roles = environments::consumption_roles(&context.store, uri)
        .await?
        .into_iter()
        .filter(|role| role.team == team_name)
        .count();
    if owned_roles > 0 {
        return Err(ApiError::EnvironmentResourcesFound(format!(
            "team {team_name} owns {owned_roles} consumption role(s) in environment {uri}; remove them first"
        )));
    }
    let requested = shared::shares::of_environment(&context.store, uri)
        .await?
        .into_iter()
        .filter(|share| share.requester_team == team_name)
        .count();
    if requested > 0 {
        return Err(ApiError::EnvironmentResourcesFound(format!(
            "team {team_name} has {requested} share request(s) from environment {uri}; delete them first"
        )));
    }
    let owned_datasets = shared::domain::datasets::of_environment(&context.store, uri)
        .await?
        .into_iter()
        .filter(|dataset| dataset.owner_team == team_name)
        .count();
    if owned_datasets > 0 {
        return Err(ApiError::EnvironmentResourcesFound(format!(
            "team {team_name} owns {owned_datasets} dataset(s) in environment {uri}; delete them first"
        )));
    }
    let store = &context.store;
    store
        .transact(vec![
            store.delete_write(&team.keys()),
            authz::revoke_write(store.table_name(), uri, team_name)?,
        ])
        .await?;
    tracing::info!(environment_uri = %uri, team = %team_name, "team removed from environment");
    redeploy_after_change(context, uri).await;
    ApiResponse::ok(serde_json::json!({"environmentUri": uri, "team": team_name, "removed": true}))
}
