//! Organizations module: create, read, update and archive organizations, and manage the
//! teams invited to them.
//!
//! Each route's checks are declared in the route table and enforced before these handlers
//! run; the handlers add the checks that need the request body (the caller must belong to a
//! new admin team).

use serde::{Deserialize, Serialize};
use shared::api::{ApiRequest, ApiResponse, page_of_uris};
use shared::authz;
use shared::domain::environments::{self, Environment};
use shared::domain::organizations::{self, Organization, OrganizationTeam, RESOURCE_TYPE};
use shared::identity::Caller;
use shared::permissions::{GET_ORGANIZATION, ORGANIZATION_ALL, ORGANIZATION_INVITABLE, owned};
use shared::store::StoreError;
use shared::time::now_rfc3339;
use shared::{ApiError, AppContext, validate};

/// Handles every route of the organizations module.
pub async fn handle(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    match request.route.operation {
        "createOrganization" => create(context, caller, request).await,
        "listOrganizations" => list(context, caller, request).await,
        "getOrganization" => get(context, caller, request).await,
        "updateOrganization" => update(context, caller, request).await,
        "archiveOrganization" => archive(context, request).await,
        "listOrganizationTeams" => list_teams(context, request).await,
        "inviteOrganizationTeam" => invite_team(context, caller, request).await,
        "updateOrganizationTeam" => update_team(context, request).await,
        "removeOrganizationTeam" => remove_team(context, request).await,
        "listOrganizationEnvironments" => list_environments(context, caller, request).await,
        other => Err(ApiError::ResourceNotFound(format!(
            "operation {other} is not in the organizations module"
        ))),
    }
}

/// An organization as the API returns it, with the caller's role.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct OrganizationView {
    #[serde(flatten)]
    organization: Organization,
    user_role: &'static str,
}

/// Returns the caller's role in an organization: `Owner` (its creator), `Admin` (in its
/// admin team), `Invited` (a team of the caller was invited) or `NotMember`.
fn user_role(
    caller: &Caller,
    organization: &Organization,
    teams: &[OrganizationTeam],
) -> &'static str {
    if caller.username == organization.owner {
        "Owner"
    } else if caller.in_group(&organization.admin_team) {
        "Admin"
    } else if teams.iter().any(|team| caller.in_group(&team.team)) {
        "Invited"
    } else {
        "NotMember"
    }
}

async fn view(
    context: &AppContext,
    caller: &Caller,
    organization: Organization,
) -> Result<OrganizationView, ApiError> {
    let teams = organizations::teams(&context.store, &organization.uri).await?;
    let user_role = user_role(caller, &organization, &teams);
    Ok(OrganizationView {
        organization,
        user_role,
    })
}

async fn load(context: &AppContext, uri: &str) -> Result<Organization, ApiError> {
    organizations::get(&context.store, uri)
        .await?
        .ok_or_else(|| ApiError::not_found(RESOURCE_TYPE, uri))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CreateOrganization {
    label: String,
    description: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    admin_team: String,
}

async fn create(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let body: CreateOrganization = request.json()?;
    let label = validate::label("label", &body.label, validate::MAX_LABEL_LENGTH)?;
    let description = validate::description(body.description.as_deref())?;
    let tags = validate::tags(&body.tags)?;
    let admin_team = validate::team("adminTeam", &body.admin_team)?;
    if !caller.in_group(&admin_team) {
        return Err(ApiError::UnauthorizedOperation(format!(
            "user {} is not a member of adminTeam {admin_team}",
            caller.username
        )));
    }
    let now = now_rfc3339();
    let organization = Organization {
        uri: shared::uri::new_uri(),
        label,
        description,
        tags,
        admin_team: admin_team.clone(),
        owner: caller.username.clone(),
        created: now.clone(),
        updated: now.clone(),
        version: 1,
    };
    let team = OrganizationTeam {
        organization_uri: organization.uri.clone(),
        team: admin_team.clone(),
        permissions: owned(ORGANIZATION_ALL),
        invited_by: caller.username.clone(),
        is_admin_team: true,
        created: now.clone(),
        updated: now,
    };
    let store = &context.store;
    store
        .transact(vec![
            store.create_write(organization.keys().item("Organization", &organization)?),
            store.create_write(team.keys().item("OrganizationTeam", &team)?),
            authz::grant_write(
                store.table_name(),
                RESOURCE_TYPE,
                &organization.uri,
                &admin_team,
                &team.permissions,
            )?,
        ])
        .await?;
    tracing::info!(organization_uri = %organization.uri, %admin_team, "organization created");
    ApiResponse::created(view(context, caller, organization).await?)
}

async fn list(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let uris = authz::resources_of_teams(&context.store, &caller.groups, RESOURCE_TYPE).await?;
    let (page, next_token) = page_of_uris(&uris, request.limit()?, request.query("nextToken"))?;
    let mut items = Vec::new();
    for uri in page {
        if let Some(organization) = organizations::get(&context.store, &uri).await? {
            items.push(view(context, caller, organization).await?);
        }
    }
    ApiResponse::page(items, next_token)
}

async fn get(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let organization = load(context, request.path("organizationUri")?).await?;
    ApiResponse::ok(view(context, caller, organization).await?)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UpdateOrganization {
    label: Option<String>,
    description: Option<String>,
    tags: Option<Vec<String>>,
    admin_team: Option<String>,
}

async fn update(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let uri = request.path("organizationUri")?;
    let body: UpdateOrganization = request.json()?;
    let old = load(context, uri).await?;
    let mut organization = old.clone();
    if let Some(label) = &body.label {
        organization.label = validate::label("label", label, validate::MAX_LABEL_LENGTH)?;
    }
    if body.description.is_some() {
        organization.description = validate::description(body.description.as_deref())?;
    }
    if let Some(tags) = &body.tags {
        organization.tags = validate::tags(tags)?;
    }
    let store = &context.store;
    let mut writes = Vec::new();
    if let Some(new_team) = &body.admin_team {
        let new_team = validate::team("adminTeam", new_team)?;
        if new_team != old.admin_team {
            if !caller.in_group(&new_team) {
                return Err(ApiError::UnauthorizedOperation(format!(
                    "user {} is not a member of the new adminTeam {new_team}",
                    caller.username
                )));
            }
            // The admin grant moves: the old admin team keeps nothing, the new one gets all.
            let now = now_rfc3339();
            let team = OrganizationTeam {
                organization_uri: uri.to_owned(),
                team: new_team.clone(),
                permissions: owned(ORGANIZATION_ALL),
                invited_by: caller.username.clone(),
                is_admin_team: true,
                created: now.clone(),
                updated: now,
            };
            writes.push(store.delete_write(&organizations::team_keys(uri, &old.admin_team)));
            writes.push(authz::revoke_write(
                store.table_name(),
                uri,
                &old.admin_team,
            )?);
            writes.push(store.put_write(team.keys().item("OrganizationTeam", &team)?));
            writes.push(authz::grant_write(
                store.table_name(),
                RESOURCE_TYPE,
                uri,
                &new_team,
                &team.permissions,
            )?);
            organization.admin_team = new_team;
        }
    }
    organization.version = old.version + 1;
    organization.updated = now_rfc3339();
    writes.push(store.replace_versioned_write(
        organization.keys().item("Organization", &organization)?,
        old.version,
    ));
    store.transact(writes).await?;
    tracing::info!(organization_uri = %uri, admin_team = %organization.admin_team, "organization updated");
    ApiResponse::ok(view(context, caller, organization).await?)
}

async fn archive(context: &AppContext, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let uri = request.path("organizationUri")?;
    let organization = load(context, uri).await?;
    let linked = environments::of_organization(&context.store, uri).await?;
    if !linked.is_empty() {
        return Err(ApiError::EnvironmentResourcesFound(format!(
            "organization {uri} still has {} linked environment(s); delete them first",
            linked.len()
        )));
    }
    let store = &context.store;
    let mut writes = vec![store.delete_write(&organization.keys())];
    for team in organizations::teams(store, uri).await? {
        writes.push(store.delete_write(&team.keys()));
    }
    for grant in authz::grants_on(store, uri).await? {
        writes.push(authz::revoke_write(store.table_name(), uri, &grant.team)?);
    }
    store.transact(writes).await?;
    tracing::info!(organization_uri = %uri, "organization archived");
    ApiResponse::ok(serde_json::json!({"uri": uri, "archived": true}))
}

async fn list_teams(context: &AppContext, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let uri = request.path("organizationUri")?;
    load(context, uri).await?;
    ApiResponse::page(organizations::teams(&context.store, uri).await?, None)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct InviteTeam {
    team: String,
    #[serde(default)]
    permissions: Vec<String>,
}

/// Returns the organization permissions of an invited team: the chosen ones plus
/// `GET_ORGANIZATION`.
fn invited_permissions(requested: &[String]) -> Result<Vec<String>, ApiError> {
    let mut permissions = validate::permissions("permissions", requested, ORGANIZATION_INVITABLE)?;
    permissions.push(GET_ORGANIZATION.to_owned());
    permissions.sort();
    Ok(permissions)
}

async fn invite_team(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let uri = request.path("organizationUri")?;
    let body: InviteTeam = request.json()?;
    let team_name = validate::team("team", &body.team)?;
    let permissions = invited_permissions(&body.permissions)?;
    load(context, uri).await?;
    let now = now_rfc3339();
    let team = OrganizationTeam {
        organization_uri: uri.to_owned(),
        team: team_name.clone(),
        permissions,
        invited_by: caller.username.clone(),
        is_admin_team: false,
        created: now.clone(),
        updated: now,
    };
    let store = &context.store;
    let result = store
        .transact(vec![
            store.create_write(team.keys().item("OrganizationTeam", &team)?),
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
                "team {team_name} is already a member of organization {uri}"
            )));
        }
        Err(error) => return Err(error.into()),
    }
    tracing::info!(organization_uri = %uri, team = %team_name, "team invited to organization");
    ApiResponse::created(team)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UpdateTeam {
    permissions: Vec<String>,
}

async fn member(context: &AppContext, uri: &str, team: &str) -> Result<OrganizationTeam, ApiError> {
    organizations::team(&context.store, uri, team)
        .await?
        .ok_or_else(|| {
            ApiError::ResourceNotFound(format!("team {team} is not a member of organization {uri}"))
        })
}

async fn update_team(context: &AppContext, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let uri = request.path("organizationUri")?;
    let team_name = request.path("team")?;
    let body: UpdateTeam = request.json()?;
    let permissions = invited_permissions(&body.permissions)?;
    let mut team = member(context, uri, team_name).await?;
    if team.is_admin_team {
        return Err(ApiError::invalid(
            "team",
            format!("{team_name} is the admin team, which always holds every permission"),
        ));
    }
    team.permissions = permissions;
    team.updated = now_rfc3339();
    let store = &context.store;
    store
        .transact(vec![
            store.put_write(team.keys().item("OrganizationTeam", &team)?),
            authz::grant_write(
                store.table_name(),
                RESOURCE_TYPE,
                uri,
                team_name,
                &team.permissions,
            )?,
        ])
        .await?;
    tracing::info!(organization_uri = %uri, team = %team_name, "organization team permissions changed");
    ApiResponse::ok(team)
}

async fn remove_team(context: &AppContext, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let uri = request.path("organizationUri")?;
    let team_name = request.path("team")?;
    let team = member(context, uri, team_name).await?;
    if team.is_admin_team {
        return Err(ApiError::UnauthorizedOperation(format!(
            "{team_name} is the admin team of organization {uri} and cannot be removed; change the admin team first"
        )));
    }
    let owned_environments: Vec<Environment> = environments::of_organization(&context.store, uri)
        .await?
        .into_iter()
        .filter(|environment| environment.admin_team == team_name)
        .collect();
    if !owned_environments.is_empty() {
        return Err(ApiError::EnvironmentResourcesFound(format!(
            "team {team_name} administers {} environment(s) of organization {uri}",
            owned_environments.len()
        )));
    }
    let store = &context.store;
    store
        .transact(vec![
            store.delete_write(&team.keys()),
            authz::revoke_write(store.table_name(), uri, team_name)?,
        ])
        .await?;
    tracing::info!(organization_uri = %uri, team = %team_name, "team removed from organization");
    ApiResponse::ok(serde_json::json!({"organizationUri": uri, "team": team_name, "removed": true}))
}

async fn list_environments(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let uri = request.path("organizationUri")?;
    let visible =
        authz::resources_of_teams(&context.store, &caller.groups, environments::RESOURCE_TYPE)
            .await?;
    let items: Vec<Environment> = environments::of_organization(&context.store, uri)
        .await?
        .into_iter()
        .filter(|environment| visible.binary_search(&environment.uri).is_ok())
        .collect();
    ApiResponse::page(items, None)
}
