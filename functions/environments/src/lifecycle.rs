//! Linking, reading, updating and deleting environments.

use serde::Deserialize;
use shared::api::{ApiRequest, ApiResponse, page_of_uris};
use shared::authz;
use shared::aws::error_chain;
use shared::domain::environments::{
    self, Environment, EnvironmentTeam, RESOURCE_TYPE, account_claim_keys, tags_keys,
};
use shared::domain::organizations;
use shared::domain::stacks::Stack;
use shared::identity::Caller;
use shared::permissions::{ENVIRONMENT_ALL, LINK_ENVIRONMENT, owned};
use shared::store::StoreError;
use shared::time::now_rfc3339;
use shared::{ApiError, AppContext, validate};

use crate::{load, redeploy_after_change, view};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CreateEnvironment {
    organization_uri: String,
    label: String,
    description: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    aws_account_id: String,
    region: String,
    admin_team: String,
    resource_prefix: Option<String>,
}

pub async fn create(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let body: CreateEnvironment = request.json()?;
    let organization_uri = shared::uri::parse_uri("organizationUri", &body.organization_uri)?;
    let label = validate::label("label", &body.label, validate::MAX_LABEL_LENGTH)?;
    let description = validate::description(body.description.as_deref())?;
    let tags = validate::tags(&body.tags)?;
    let account_id = validate::account_id(&body.aws_account_id)?;
    let region = validate::region(&body.region)?;
    let admin_team = validate::team("adminTeam", &body.admin_team)?;
    let resource_prefix =
        validate::resource_prefix(body.resource_prefix.as_deref().unwrap_or("dataall"))?;

    authz::require_resource(
        &context.store,
        caller,
        organizations::RESOURCE_TYPE,
        &organization_uri,
        LINK_ENVIRONMENT,
    )
    .await?;
    if !caller.in_group(&admin_team) {
        return Err(ApiError::UnauthorizedOperation(format!(
            "user {} is not a member of adminTeam {admin_team}",
            caller.username
        )));
    }
    if organizations::team(&context.store, &organization_uri, &admin_team)
        .await?
        .is_none()
    {
        return Err(ApiError::UnauthorizedOperation(format!(
            "team {admin_team} is not a member of organization {organization_uri}; invite it first"
        )));
    }
    let claim = account_claim_keys(&account_id, &region);
    if context.store.get(&claim.pk, &claim.sk).await?.is_some() {
        return Err(already_linked(&account_id, &region));
    }
    check_pivot_role(context, &account_id, &region).await?;

    let uri = shared::uri::new_uri();
    let names = shared::names::EnvironmentNames {
        prefix: &resource_prefix,
        label: &label,
        uri: &uri,
    };
    let admin_role_name = names.admin_role();
    let now = now_rfc3339();
    let environment = Environment {
        uri: uri.clone(),
        organization_uri,
        label: label.clone(),
        description,
        tags,
        aws_account_id: account_id.clone(),
        region: region.clone(),
        admin_team: admin_team.clone(),
        resource_prefix: resource_prefix.clone(),
        owner: caller.username.clone(),
        default_bucket_name: names.bucket(),
        admin_role_arn: format!("arn:aws:iam::{account_id}:role/{admin_role_name}"),
        admin_role_name: admin_role_name.clone(),
        athena_workgroup: names.workgroup(&label),
        created: now.clone(),
        updated: now.clone(),
        version: 1,
    };
    let team = EnvironmentTeam {
        environment_uri: uri.clone(),
        team: admin_team.clone(),
        permissions: owned(ENVIRONMENT_ALL),
        iam_role_name: admin_role_name,
        iam_role_arn: environment.admin_role_arn.clone(),
        athena_workgroup: environment.athena_workgroup.clone(),
        is_admin_team: true,
        invited_by: caller.username.clone(),
        created: now.clone(),
        updated: now,
    };
    let stack = Stack::new("environment", &uri, &names.stack(), &account_id, &region);
    let store = &context.store;
    let result = store
        .transact(vec![
            store.create_write(environment.keys().item("Environment", &environment)?),
            store.create_write(
                claim.item("AccountClaim", &serde_json::json!({"environmentUri": uri}))?,
            ),
            store.create_write(team.keys().item("EnvironmentTeam", &team)?),
            authz::grant_write(
                store.table_name(),
                RESOURCE_TYPE,
                &uri,
                &admin_team,
                &team.permissions,
            )?,
            store.create_write(stack.keys().item("Stack", &stack)?),
        ])
        .await;
    match result {
        Ok(()) => {}
        Err(StoreError::ConditionFailed) => return Err(already_linked(&account_id, &region)),
        Err(error) => return Err(error.into()),
    }
    tracing::info!(environment_uri = %uri, %account_id, %region, %admin_team, "environment linked");
    redeploy_after_change(context, &uri).await;
    ApiResponse::created(view(context, caller, environment).await?)
}

fn already_linked(account_id: &str, region: &str) -> ApiError {
    ApiError::ResourceAlreadyExists(format!(
        "account {account_id} in region {region} is already linked to an environment"
    ))
}

/// Fails with `AWSResourceNotFound` unless the pivot role can be used in the account.
async fn check_pivot_role(
    context: &AppContext,
    account_id: &str,
    region: &str,
) -> Result<(), ApiError> {
    context.environment_account(account_id, region).await?;
    Ok(())
}

pub async fn list(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let uris = authz::resources_of_teams(&context.store, &caller.groups, RESOURCE_TYPE).await?;
    let (page, next_token) = page_of_uris(&uris, request.limit()?, request.query("nextToken"))?;
    let mut items = Vec::new();
    for uri in page {
        if let Some(environment) = environments::get(&context.store, &uri).await? {
            items.push(view(context, caller, environment).await?);
        }
    }
    ApiResponse::page(items, next_token)
}

pub async fn get(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let environment = load(context, request.path("environmentUri")?).await?;
    ApiResponse::ok(view(context, caller, environment).await?)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UpdateEnvironment {
    label: Option<String>,
    description: Option<String>,
    tags: Option<Vec<String>>,
    resource_prefix: Option<String>,
}

pub async fn update(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let uri = request.path("environmentUri")?;
    let body: UpdateEnvironment = request.json()?;
    let old = load(context, uri).await?;
    let mut environment = old.clone();
    if let Some(prefix) = &body.resource_prefix {
        let prefix = validate::resource_prefix(prefix)?;
        if prefix != old.resource_prefix {
            return Err(ApiError::invalid(
                "resourcePrefix",
                "cannot change after linking, because the names of the environment's AWS resources derive from it",
            ));
        }
    }
    if let Some(label) = &body.label {
        environment.label = validate::label("label", label, validate::MAX_LABEL_LENGTH)?;
    }
    if body.description.is_some() {
        environment.description = validate::description(body.description.as_deref())?;
    }
    if let Some(tags) = &body.tags {
        environment.tags = validate::tags(tags)?;
    }
    environment.version = old.version + 1;
    environment.updated = now_rfc3339();
    context
        .store
        .replace_versioned(
            environment.keys().item("Environment", &environment)?,
            old.version,
        )
        .await?;
    tracing::info!(environment_uri = %uri, "environment updated");
    redeploy_after_change(context, uri).await;
    ApiResponse::ok(view(context, caller, environment).await?)
}

pub async fn delete(context: &AppContext, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let uri = request.path("environmentUri")?;
    let delete_from_aws = match request.query("deleteFromAws") {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(ApiError::invalid("deleteFromAws", "must be true or false")),
    };
    let environment = load(context, uri).await?;
    let store = &context.store;
    let roles = environments::consumption_roles(store, uri).await?;
    if !roles.is_empty() {
        return Err(ApiError::EnvironmentResourcesFound(format!(
            "environment {uri} still has {} consumption role(s); remove them first",
            roles.len()
        )));
    }
    let datasets = shared::domain::datasets::of_environment(store, uri)
        .await?
        .len();
    let requests = shared::shares::of_environment(store, uri).await?.len();
    if datasets > 0 || requests > 0 {
        return Err(ApiError::EnvironmentResourcesFound(format!(
            "environment {uri} still has {datasets} dataset(s) and {requests} share request(s); delete them first"
        )));
    }
    if delete_from_aws {
        delete_stack(context, &environment).await?;
    }
    let mut writes = vec![
        store.delete_write(&environment.keys()),
        store.delete_write(&account_claim_keys(
            &environment.aws_account_id,
            &environment.region,
        )),
        store.delete_write(&tags_keys(uri)),
        store.delete_write(&shared::store::Keys::new(format!("STACK#{uri}"), "META")),
    ];
    for team in environments::teams(store, uri).await? {
        writes.push(store.delete_write(&team.keys()));
    }
    for grant in authz::grants_on(store, uri).await? {
        writes.push(authz::revoke_write(store.table_name(), uri, &grant.team)?);
    }
    store.transact(writes).await?;
    tracing::info!(environment_uri = %uri, delete_from_aws, "environment deleted");
    ApiResponse::ok(
        serde_json::json!({"uri": uri, "deleted": true, "stackDeleted": delete_from_aws}),
    )
}

/// Deletes the environment's CloudFormation stack through the pivot role. A stack that is
/// already gone is not an error.
async fn delete_stack(context: &AppContext, environment: &Environment) -> Result<(), ApiError> {
    let stack_name = environment.names().stack();
    let clients = context
        .environment_account(&environment.aws_account_id, &environment.region)
        .await?;
    clients
        .cloudformation()
        .delete_stack()
        .stack_name(&stack_name)
        .send()
        .await
        .map_err(|error| {
            ApiError::internal(format!(
                "DeleteStack {stack_name} failed: {}",
                error_chain(&error)
            ))
        })?;
    tracing::info!(environment_uri = %environment.uri, %stack_name, "environment stack deleted");
    Ok(())
}
