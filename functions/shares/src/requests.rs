//! Creating share requests, listing them and editing their items.

use serde::Deserialize;
use shared::api::{ApiRequest, ApiResponse, page_of_uris};
use shared::aws::error_chain;
use shared::domain::datasets::{self, Dataset};
use shared::domain::environments::{self, Environment};
use shared::identity::Caller;
use shared::permissions::{
    CREATE_SHARE_OBJECT, SHARE_OBJECT_APPROVER, SHARE_OBJECT_REQUESTER, owned,
};
use shared::shares::states::{self, Action, PENDING_APPROVAL};
use shared::shares::{self, MAX_ITEMS, RESOURCE_TYPE, Share, ShareItem, claim_keys};
use shared::store::StoreError;
use shared::time::now_rfc3339;
use shared::{ApiError, AppContext, authz, validate};

use crate::{load, view};

/// Share permissions a request may ask for.
const SHARE_PERMISSIONS: &[&str] = &["Read", "Write", "Modify"];

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewItem {
    item_type: String,
    item_uri: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewShare {
    dataset_uri: String,
    environment_uri: String,
    requester_team: String,
    principal_type: String,
    consumption_role_uri: Option<String>,
    permissions: Vec<String>,
    request_purpose: Option<String>,
    #[serde(default)]
    items: Vec<NewItem>,
}

/// The principal kind of a share: the requester team's environment role or a consumption role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PrincipalType {
    Group,
    ConsumptionRole,
}

impl PrincipalType {
    /// Reads `principalType`. A `consumptionRoleUri` is invalid unless the type is
    /// `ConsumptionRole`.
    fn read(body: &NewShare) -> Result<PrincipalType, ApiError> {
        match body.principal_type.as_str() {
            "Group" if body.consumption_role_uri.is_some() => Err(ApiError::invalid(
                "consumptionRoleUri",
                "is only accepted with principalType ConsumptionRole",
            )),
            "Group" => Ok(PrincipalType::Group),
            "ConsumptionRole" => Ok(PrincipalType::ConsumptionRole),
            _ => Err(ApiError::invalid(
                "principalType",
                "must be Group or ConsumptionRole",
            )),
        }
    }
}

/// Resolves the principal: the requester team's environment role, or a consumption role
/// of the environment owned by the requester team. Returns (id, role name, role ARN).
async fn principal(
    context: &AppContext,
    body: &NewShare,
    kind: PrincipalType,
    environment: &Environment,
    team: &str,
) -> Result<(String, String, String), ApiError> {
    match kind {
        PrincipalType::Group => {
            let member = environments::team(&context.store, &environment.uri, team)
                .await?
                .ok_or_else(|| {
                    ApiError::UnauthorizedOperation(format!(
                        "team {team} is not invited to environment {}",
                        environment.uri
                    ))
                })?;
            Ok((team.to_owned(), member.iam_role_name, member.iam_role_arn))
        }
        PrincipalType::ConsumptionRole => {
            let uri = shared::uri::parse_uri(
                "consumptionRoleUri",
                body.consumption_role_uri
                    .as_deref()
                    .ok_or_else(|| ApiError::required("consumptionRoleUri"))?,
            )?;
            let role = environments::consumption_role(&context.store, &uri)
                .await?
                .filter(|role| role.environment_uri == environment.uri)
                .ok_or_else(|| ApiError::not_found("ConsumptionRole", &uri))?;
            if role.team != team {
                return Err(ApiError::UnauthorizedOperation(format!(
                    "consumption role {uri} is owned by team {}, not {team}",
                    role.team
                )));
            }
            Ok((uri, role.iam_role_name, role.iam_role_arn))
        }
    }
}

/// Fails with `PrincipalRoleNotFound` unless the principal's IAM role exists.
pub async fn require_principal_role(context: &AppContext, share: &Share) -> Result<(), ApiError> {
    let clients = context
        .environment_account(&share.aws_account_id, &share.region)
        .await?;
    match clients
        .iam()
        .get_role()
        .role_name(&share.principal_name)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(error) if error_chain(&error).contains("NoSuchEntity") => {
            Err(ApiError::PrincipalRoleNotFound(format!(
                "IAM role {} of the share's principal not found in account {}",
                share.principal_name, share.aws_account_id
            )))
        }
        Err(error) => Err(ApiError::internal(format!(
            "GetRole {} failed: {}",
            share.principal_name,
            error_chain(&error)
        ))),
    }
}

/// Resolves a requested item to its name, checking it belongs to the dataset.
async fn resolve_item(
    context: &AppContext,
    dataset: &Dataset,
    item: &NewItem,
) -> Result<String, ApiError> {
    let uri = shared::uri::parse_uri("itemUri", &item.item_uri)?;
    match item.item_type.as_str() {
        "Table" => {
            let table = datasets::get_table(&context.store, &uri)
                .await?
                .filter(|table| table.dataset_uri == dataset.uri)
                .ok_or_else(|| {
                    ApiError::ResourceNotFound(format!(
                        "table {uri} not found in dataset {}",
                        dataset.uri
                    ))
                })?;
            if table.status == datasets::DELETED {
                return Err(ApiError::invalid(
                    "itemUri",
                    format!("table {} no longer exists in Glue", table.name),
                ));
            }
            Ok(table.name)
        }
        "Folder" => datasets::get_folder(&context.store, &uri)
            .await?
            .filter(|folder| folder.dataset_uri == dataset.uri)
            .map(|folder| folder.prefix)
            .ok_or_else(|| {
                ApiError::ResourceNotFound(format!(
                    "folder {uri} not found in dataset {}",
                    dataset.uri
                ))
            }),
        "Bucket" if uri == dataset.uri => Ok(dataset.bucket_name.clone()),
        "Bucket" => Err(ApiError::invalid(
            "itemUri",
            "of a Bucket item must be the dataset's uri",
        )),
        _ => Err(ApiError::invalid(
            "itemType",
            "must be Table, Folder or Bucket",
        )),
    }
}

fn new_item(share_uri: &str, item: &NewItem, name: String) -> ShareItem {
    let now = now_rfc3339();
    ShareItem {
        uri: shared::uri::new_uri(),
        share_uri: share_uri.to_owned(),
        item_type: item.item_type.clone(),
        item_uri: item.item_uri.clone(),
        item_name: name,
        status: PENDING_APPROVAL.to_owned(),
        health_status: None,
        health_message: None,
        last_verification_time: None,
        created: now.clone(),
        updated: now,
        version: 1,
    }
}

pub async fn create(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let body: NewShare = request.json()?;
    let dataset_uri = shared::uri::parse_uri("datasetUri", &body.dataset_uri)?;
    let environment_uri = shared::uri::parse_uri("environmentUri", &body.environment_uri)?;
    let team = validate::team("requesterTeam", &body.requester_team)?;
    let kind = PrincipalType::read(&body)?;
    if body.permissions.is_empty() {
        return Err(ApiError::invalid(
            "permissions",
            format!("must hold at least one of {SHARE_PERMISSIONS:?}"),
        ));
    }
    let permissions = validate::permissions("permissions", &body.permissions, SHARE_PERMISSIONS)?;
    let purpose = validate::description(body.request_purpose.as_deref())?;
    if body.items.len() > MAX_ITEMS {
        return Err(ApiError::invalid(
            "items",
            format!("must hold at most {MAX_ITEMS} items"),
        ));
    }
    let dataset = datasets::get(&context.store, &dataset_uri)
        .await?
        .ok_or_else(|| ApiError::not_found("Dataset", &dataset_uri))?;
    let environment = environments::get(&context.store, &environment_uri)
        .await?
        .ok_or_else(|| ApiError::not_found("Environment", &environment_uri))?;
    authz::require_team_in_environment(
        &context.store,
        caller,
        &team,
        &environment_uri,
        CREATE_SHARE_OBJECT,
    )
    .await?;
    if environment.region != dataset.region {
        return Err(ApiError::invalid(
            "environmentUri",
            format!("must be in the dataset's region {}", dataset.region),
        ));
    }
    let writes_data = permissions.iter().any(|permission| permission != "Read");
    if writes_data && environment.aws_account_id != dataset.aws_account_id {
        return Err(ApiError::invalid(
            "permissions",
            "Write and Modify are only granted within the dataset's own account",
        ));
    }
    let (principal_id, principal_name, principal_role_arn) =
        principal(context, &body, kind, &environment, &team).await?;
    let owns_dataset = team == dataset.owner_team || team == dataset.stewards_team;
    if owns_dataset && environment_uri == dataset.environment_uri && kind == PrincipalType::Group {
        return Err(ApiError::invalid(
            "environmentUri",
            "is the dataset's own environment, where its owner team and stewards already have access",
        ));
    }
    let claim = claim_keys(&dataset_uri, &environment_uri, &team, &principal_id);
    if let Some(existing) = context.store.get(&claim.pk, &claim.sk).await? {
        let uri = shared::store::ItemExt::string(&existing, "shareUri")
            .unwrap_or_default()
            .to_owned();
        let share = load(context, &uri).await?;
        let mut body = serde_json::to_value(view(context, caller, share).await?)
            .map_err(ApiError::internal)?;
        body["alreadyExisted"] = serde_json::Value::Bool(true);
        return ApiResponse::ok(body);
    }
    let now = now_rfc3339();
    let share = Share {
        uri: shared::uri::new_uri(),
        dataset_uri: dataset.uri.clone(),
        dataset_label: dataset.label.clone(),
        environment_uri,
        requester_team: team.clone(),
        principal_type: body.principal_type.clone(),
        principal_id,
        principal_name,
        principal_role_arn,
        permissions,
        request_purpose: purpose,
        reject_purpose: String::new(),
        status: states::DRAFT.to_owned(),
        owner: caller.username.clone(),
        aws_account_id: environment.aws_account_id.clone(),
        region: environment.region.clone(),
        created: now.clone(),
        updated: now,
        version: 1,
    };
    let store = &context.store;
    let mut writes = vec![
        store.create_write(share.keys().item("Share", &share)?),
        store.create_write(claim.item("ShareClaim", &serde_json::json!({"shareUri": share.uri}))?),
        authz::grant_write(
            store.table_name(),
            RESOURCE_TYPE,
            &share.uri,
            &team,
            &owned(SHARE_OBJECT_REQUESTER),
        )?,
    ];
    let mut approvers = vec![dataset.owner_team.clone(), dataset.stewards_team.clone()];
    approvers.dedup();
    for approver in approvers.iter().filter(|approver| **approver != team) {
        writes.push(authz::grant_write(
            store.table_name(),
            RESOURCE_TYPE,
            &share.uri,
            approver,
            &owned(SHARE_OBJECT_APPROVER),
        )?);
    }
    if approvers.contains(&team) {
        let mut both = owned(SHARE_OBJECT_REQUESTER);
        both.extend(owned(SHARE_OBJECT_APPROVER));
        writes[2] =
            authz::grant_write(store.table_name(), RESOURCE_TYPE, &share.uri, &team, &both)?;
    }
    let mut seen = Vec::new();
    let mut item_keys = Vec::new();
    let mut item_writes = Vec::new();
    for item in &body.items {
        if seen.contains(&item.item_uri) {
            continue;
        }
        seen.push(item.item_uri.clone());
        let name = resolve_item(context, &dataset, item).await?;
        let share_item = new_item(&share.uri, item, name);
        item_writes.push(store.create_write(share_item.keys().item("ShareItem", &share_item)?));
        item_keys.push(share_item.keys());
    }
    // Items that do not fit beside the share go first, and the share appears with the last
    // of them, so no reader sees it with part of its items.
    if let Err(error) = store.transact_trailing(item_writes, writes, None).await {
        let error = match error {
            StoreError::Incomplete { source, .. } => {
                discard(store, &item_keys).await;
                *source
            }
            other => other,
        };
        return Err(match error {
            StoreError::ConditionFailed => ApiError::ResourceAlreadyExists(
                "the same share was created by a concurrent request; read it again".into(),
            ),
            other => other.into(),
        });
    }
    tracing::info!(share_uri = %share.uri, dataset_uri = %share.dataset_uri, requester_team = %team, "share created");
    ApiResponse::created(view(context, caller, share).await?)
}

pub async fn get(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let share = load(context, request.path("shareUri")?).await?;
    ApiResponse::ok(view(context, caller, share).await?)
}

pub async fn list(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let role = request.query("role").unwrap_or("sent");
    let wanted = match role {
        "received" => shared::permissions::APPROVE_SHARE_OBJECT,
        "sent" => shared::permissions::SUBMIT_SHARE_OBJECT,
        _ => return Err(ApiError::invalid("role", "must be received or sent")),
    };
    let status = request.query("status");
    let candidates =
        authz::resources_of_teams(&context.store, &caller.groups, RESOURCE_TYPE).await?;
    let mut uris = Vec::new();
    for uri in candidates {
        let grants = authz::caller_grants(&context.store, caller, &uri).await?;
        if grants
            .iter()
            .any(|grant| grant.permissions.iter().any(|held| held == wanted))
        {
            uris.push(uri);
        }
    }
    let mut items = Vec::new();
    let mut next = None;
    let mut token = request.query("nextToken").map(str::to_owned);
    let limit = request.limit()?;
    // Filtering by status after paging could return short pages, so pages are read until
    // the limit is met or the list ends.
    while items.len() < usize::try_from(limit).unwrap_or(0) {
        let (page, page_next) = page_of_uris(&uris, limit, token.as_deref())?;
        for uri in &page {
            if let Some(share) = shares::get(&context.store, uri).await?
                && status.is_none_or(|status| share.status == status)
            {
                items.push(view(context, caller, share).await?);
            }
        }
        next = page_next.clone();
        match page_next {
            Some(following) => token = Some(following),
            None => break,
        }
    }
    ApiResponse::page(items, next)
}

pub async fn of_dataset(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let dataset_uri = request.path("datasetUri")?;
    let mut items = Vec::new();
    for share in shares::of_dataset(&context.store, dataset_uri).await? {
        items.push(view(context, caller, share).await?);
    }
    ApiResponse::page(items, None)
}

/// Deletes the items written for a share whose creation failed. A failure is only logged,
/// because such items stay pending and no grant depends on them.
async fn discard(store: &shared::store::Store, keys: &[shared::store::Keys]) {
    for chunk in keys.chunks(shared::store::TRANSACTION_LIMIT) {
        let deletes = chunk.iter().map(|keys| store.delete_write(keys)).collect();
        if let Err(error) = store.transact(deletes).await {
            tracing::error!(%error, items = chunk.len(), "could not delete the items of a share that was not created");
        }
    }
}

pub async fn add_item(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let body: NewItem = request.json()?;
    let share = load(context, request.path("shareUri")?).await?;
    let existing = shares::items(&context.store, &share.uri).await?;
    if let Some(item) = existing.iter().find(|item| item.item_uri == body.item_uri) {
        return ApiResponse::ok(item);
    }
    if existing.len() >= MAX_ITEMS {
        return Err(ApiError::invalid(
            "itemUri",
            format!("cannot be added: a share holds at most {MAX_ITEMS} items"),
        ));
    }
    let dataset = datasets::get(&context.store, &share.dataset_uri)
        .await?
        .ok_or_else(|| ApiError::not_found("Dataset", &share.dataset_uri))?;
    let name = resolve_item(context, &dataset, &body).await?;
    let next = states::next_share_status(Action::AddItem, &share.status)?;
    let item = new_item(&share.uri, &body, name);
    let store = &context.store;
    let updated = Share {
        status: next,
        updated: now_rfc3339(),
        version: share.version + 1,
        ..share.clone()
    };
    store
        .transact(vec![
            shares::share_write(store, &updated, &share.status, share.version)?,
            store.create_write(item.keys().item("ShareItem", &item)?),
        ])
        .await?;
    tracing::info!(share_uri = %share.uri, item_uri = %item.item_uri, by = %caller.username, "share item added");
    ApiResponse::created(item)
}

pub async fn remove_item(
    context: &AppContext,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let share = load(context, request.path("shareUri")?).await?;
    let item_uri = request.path("shareItemUri")?;
    let item = shares::items(&context.store, &share.uri)
        .await?
        .into_iter()
        .find(|item| item.uri == item_uri)
        .ok_or_else(|| ApiError::not_found("ShareItem", item_uri))?;
    states::next_item_status(Action::RemoveItem, &item.status)?;
    let store = &context.store;
    store
        .transact(vec![
            store.delete_if_status_write(&item.keys(), &item.status),
        ])
        .await?;
    tracing::info!(share_uri = %share.uri, share_item_uri = %item.uri, "share item removed");
    ApiResponse::ok(serde_json::json!({"uri": item.uri, "removed": true}))
}
