//! Consumption roles: existing IAM roles of the environment account that a team registers so
//! shares can grant them access.

use serde::Deserialize;
use shared::api::{ApiRequest, ApiResponse};
use shared::authz;
use shared::aws::error_chain;
use shared::domain::environments::{self, CONSUMPTION_ROLE_TYPE, ConsumptionRole, Environment};
use shared::identity::Caller;
use shared::permissions::{CONSUMPTION_ROLE_ALL, GET_ENVIRONMENT, owned};
use shared::time::now_rfc3339;
use shared::{ApiError, AppContext, validate};

use crate::load;

/// Maximum length of a consumption role's label.
const MAX_LABEL_LENGTH: usize = 64;

pub async fn list(context: &AppContext, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let uri = request.path("environmentUri")?;
    load(context, uri).await?;
    ApiResponse::page(
        environments::consumption_roles(&context.store, uri).await?,
        None,
    )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AddRole {
    label: String,
    team: String,
    iam_role_arn: String,
}

/// Returns the role name of an IAM role ARN of `account_id`.
fn role_name_of(arn: &str, account_id: &str) -> Result<String, ApiError> {
    let rule = format!(
        "must be an IAM role ARN of account {account_id}, such as arn:aws:iam::{account_id}:role/name"
    );
    let rest = arn
        .strip_prefix(&format!("arn:aws:iam::{account_id}:role/"))
        .ok_or_else(|| ApiError::invalid("iamRoleArn", &rule))?;
    let name = rest.rsplit('/').next().unwrap_or(rest);
    let valid = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if valid {
        Ok(name.to_owned())
    } else {
        Err(ApiError::invalid("iamRoleArn", rule))
    }
}

/// Fails unless `team` is the caller's and is invited to the environment.
async fn require_owning_team(
    context: &AppContext,
    caller: &Caller,
    team: &str,
    environment_uri: &str,
) -> Result<(), ApiError> {
    authz::require_team_in_environment(
        &context.store,
        caller,
        team,
        environment_uri,
        GET_ENVIRONMENT,
    )
    .await
}

async fn require_role_exists(
    context: &AppContext,
    environment: &Environment,
    role_name: &str,
) -> Result<(), ApiError> {
    let clients = context
        .environment_account(&environment.aws_account_id, &environment.region)
        .await?;
    match clients.iam().get_role().role_name(role_name).send().await {
        Ok(_) => Ok(()),
        Err(error) if error_chain(&error).contains("NoSuchEntity") => {
            Err(ApiError::AwsResourceNotFound(format!(
                "IAM role {role_name} not found in account {}",
                environment.aws_account_id
            )))
        }
        Err(error) => Err(ApiError::internal(format!(
            "GetRole {role_name} failed: {}",
            error_chain(&error)
        ))),
    }
}

pub async fn add(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let uri = request.path("environmentUri")?;
    let body: AddRole = request.json()?;
    let label = validate::label("label", &body.label, MAX_LABEL_LENGTH)?;
    let team = validate::team("team", &body.team)?;
    let environment = load(context, uri).await?;
    let role_name = role_name_of(&body.iam_role_arn, &environment.aws_account_id)?;
    require_owning_team(context, caller, &team, uri).await?;
    let existing = environments::consumption_roles(&context.store, uri).await?;
    if existing
        .iter()
        .any(|role| role.iam_role_arn == body.iam_role_arn)
    {
        return Err(ApiError::ResourceAlreadyExists(format!(
            "{} is already a consumption role of environment {uri}",
            body.iam_role_arn
        )));
    }
    require_role_exists(context, &environment, &role_name).await?;
    let now = now_rfc3339();
    let role = ConsumptionRole {
        uri: shared::uri::new_uri(),
        environment_uri: uri.to_owned(),
        label,
        team: team.clone(),
        iam_role_arn: body.iam_role_arn.clone(),
        iam_role_name: role_name,
        owner: caller.username.clone(),
        created: now.clone(),
        updated: now,
        version: 1,
    };
    let store = &context.store;
    store
        .transact(vec![
            store.create_write(role.keys().item("ConsumptionRole", &role)?),
            authz::grant_write(
                store.table_name(),
                CONSUMPTION_ROLE_TYPE,
                &role.uri,
                &team,
                &owned(CONSUMPTION_ROLE_ALL),
            )?,
        ])
        .await?;
    tracing::info!(environment_uri = %uri, consumption_role_uri = %role.uri, %team, "consumption role added");
    ApiResponse::created(role)
}

async fn load_role(
    context: &AppContext,
    environment_uri: &str,
    uri: &str,
) -> Result<ConsumptionRole, ApiError> {
    environments::consumption_role(&context.store, uri)
        .await?
        .filter(|role| role.environment_uri == environment_uri)
        .ok_or_else(|| ApiError::not_found(CONSUMPTION_ROLE_TYPE, uri))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UpdateRole {
    label: Option<String>,
    team: Option<String>,
}

pub async fn update(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let environment_uri = request.path("environmentUri")?;
    let uri = request.path("consumptionRoleUri")?;
    let body: UpdateRole = request.json()?;
    let old = load_role(context, environment_uri, uri).await?;
    let mut role = old.clone();
    if let Some(label) = &body.label {
        role.label = validate::label("label", label, MAX_LABEL_LENGTH)?;
    }
    let store = &context.store;
    let mut writes = Vec::new();
    if let Some(team) = &body.team {
        let team = validate::team("team", team)?;
        if team != old.team {
            require_owning_team(context, caller, &team, environment_uri).await?;
            writes.push(authz::revoke_write(store.table_name(), uri, &old.team)?);
            writes.push(authz::grant_write(
                store.table_name(),
                CONSUMPTION_ROLE_TYPE,
                uri,
                &team,
                &owned(CONSUMPTION_ROLE_ALL),
            )?);
            role.team = team;
        }
    }
    role.version = old.version + 1;
    role.updated = now_rfc3339();
    writes.push(
        store.replace_versioned_write(role.keys().item("ConsumptionRole", &role)?, old.version),
    );
    store.transact(writes).await?;
    tracing::info!(consumption_role_uri = %uri, team = %role.team, "consumption role updated");
    ApiResponse::ok(role)
}

pub async fn remove(context: &AppContext, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let environment_uri = request.path("environmentUri")?;
    let uri = request.path("consumptionRoleUri")?;
    let role = load_role(context, environment_uri, uri).await?;
    let store = &context.store;
    let users: Vec<String> = shared::shares::of_environment(store, environment_uri)
        .await?
        .into_iter()
        .filter(|share| share.principal_id == uri)
        .map(|share| share.uri)
        .collect();
    if !users.is_empty() {
        return Err(ApiError::ResourceShared(format!(
            "consumption role {uri} is the principal of share(s) {users:?}; delete them first"
        )));
    }
    store
        .transact(vec![
            store.delete_write(&role.keys()),
            authz::revoke_write(store.table_name(), uri, &role.team)?,
        ])
        .await?;
    tracing::info!(consumption_role_uri = %uri, "consumption role removed");
    ApiResponse::ok(serde_json::json!({"uri": uri, "removed": true}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_name_from_arn() {
        assert_eq!(
            role_name_of("arn:aws:iam::222222222222:role/app", "222222222222").unwrap(),
            "app"
        );
        assert_eq!(
            role_name_of("arn:aws:iam::222222222222:role/path/to/app", "222222222222").unwrap(),
            "app"
        );
        for bad in [
            "arn:aws:iam::333333333333:role/app",
            "arn:aws:iam::222222222222:user/app",
            "arn:aws:iam::222222222222:role/",
            "role/app",
            "arn:aws:iam::222222222222:role/bad name",
        ] {
            assert_eq!(
                role_name_of(bad, "222222222222").unwrap_err().code(),
                "InvalidInput",
                "{bad}"
            );
        }
    }
}
