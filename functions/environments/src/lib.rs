//! Environments module: link AWS accounts as environments, invite teams into them, register
//! consumption roles, and read or redeploy the environment stack and its tags.
//!
//! Each route's checks are declared in the route table and enforced before these handlers
//! run; the handlers add the checks that need the request body or stored state (the caller
//! must belong to the admin team, `LINK_ENVIRONMENT` on the organization named in the body,
//! the owning team of a consumption role).

mod consumption_roles;
mod lifecycle;
mod stack;
mod teams;

use serde::Serialize;
use shared::api::{ApiRequest, ApiResponse};
use shared::domain::environments::{self, Environment, EnvironmentTeam, RESOURCE_TYPE};
use shared::domain::stacks::{self, Stack};
use shared::identity::Caller;
use shared::{ApiError, AppContext};

/// Handles every route of the environments module.
pub async fn handle(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    match request.route.operation {
        "createEnvironment" => lifecycle::create(context, caller, request).await,
        "listEnvironments" => lifecycle::list(context, caller, request).await,
        "getEnvironment" => lifecycle::get(context, caller, request).await,
        "updateEnvironment" => lifecycle::update(context, caller, request).await,
        "deleteEnvironment" => lifecycle::delete(context, request).await,
        "listEnvironmentTeams" => teams::list(context, request).await,
        "inviteEnvironmentTeam" => teams::invite(context, caller, request).await,
        "updateEnvironmentTeam" => teams::update(context, request).await,
        "removeEnvironmentTeam" => teams::remove(context, request).await,
        "listConsumptionRoles" => consumption_roles::list(context, request).await,
        "addConsumptionRole" => consumption_roles::add(context, caller, request).await,
        "updateConsumptionRole" => consumption_roles::update(context, caller, request).await,
        "removeConsumptionRole" => consumption_roles::remove(context, request).await,
        "getEnvironmentStack" => stack::get(context, request).await,
        "updateEnvironmentStack" => stack::redeploy(context, request).await,
        "getEnvironmentTags" => stack::get_tags(context, request).await,
        "updateEnvironmentTags" => stack::update_tags(context, request).await,
        other => Err(ApiError::ResourceNotFound(format!(
            "operation {other} is not in the environments module"
        ))),
    }
}

/// The stack summary shown on an environment.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct StackSummary {
    status: String,
    reason: Option<String>,
    outputs: std::collections::BTreeMap<String, String>,
}

impl From<Stack> for StackSummary {
    fn from(stack: Stack) -> Self {
        StackSummary {
            status: stack.status,
            reason: stack.reason,
            outputs: stack.outputs,
        }
    }
}

/// An environment as the API returns it, with its stack and the caller's role.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct EnvironmentView {
    #[serde(flatten)]
    environment: Environment,
    stack: Option<StackSummary>,
    user_role: &'static str,
}

/// Returns the caller's role in an environment: `Owner` (the user who linked it), `Admin`
/// (in its admin team), `Invited` (a team of the caller was invited) or `NotInvited`.
fn user_role(
    caller: &Caller,
    environment: &Environment,
    teams: &[EnvironmentTeam],
) -> &'static str {
    if caller.username == environment.owner {
        "Owner"
    } else if caller.in_group(&environment.admin_team) {
        "Admin"
    } else if teams.iter().any(|team| caller.in_group(&team.team)) {
        "Invited"
    } else {
        "NotInvited"
    }
}

async fn view(
    context: &AppContext,
    caller: &Caller,
    environment: Environment,
) -> Result<EnvironmentView, ApiError> {
    let teams = environments::teams(&context.store, &environment.uri).await?;
    let stack = stacks::get(&context.store, &environment.uri)
        .await?
        .map(StackSummary::from);
    let user_role = user_role(caller, &environment, &teams);
    Ok(EnvironmentView {
        environment,
        stack,
        user_role,
    })
}

async fn load(context: &AppContext, uri: &str) -> Result<Environment, ApiError> {
    environments::get(&context.store, uri)
        .await?
        .ok_or_else(|| ApiError::not_found(RESOURCE_TYPE, uri))
}

/// Starts a redeployment of the environment stack after a change.
async fn redeploy_after_change(context: &AppContext, environment_uri: &str) -> Option<String> {
    shared::workflows::redeploy_after_change(context, "environment", environment_uri).await
}
