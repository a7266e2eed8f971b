//! Links between glossary terms and catalog entries: an editor of the entry proposes one,
//! the glossary's admin team approves or dismisses it, and anyone lists them by node.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::json;
use shared::api::{ApiRequest, ApiResponse, page_of_uris};
use shared::domain::catalog::{
    self, CatalogEntry, LINK_APPROVED, LINK_PENDING, TermMarker, term_marker_keys,
};
use shared::domain::catalog_changes;
use shared::domain::glossaries::{self, GlossaryNode, TERM, TermLink};
use shared::identity::Caller;
use shared::store::{ItemExt, StoreError};
use shared::time::now_rfc3339;
use shared::{ApiError, AppContext};

use crate::glossaries::{load, require_admin};
use crate::targets;

const KIND: &str = "TermLink";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewLink {
    node_uri: String,
    target_type: String,
    target_uri: String,
}

fn marker(link: &TermLink) -> TermMarker {
    TermMarker {
        target_uri: link.target_uri.clone(),
        term_uri: link.node_uri.clone(),
        link_uri: link.link_uri.clone(),
        status: link.status.clone(),
    }
}

pub async fn create(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let body: NewLink = request.json()?;
    let node_uri = shared::uri::parse_uri("nodeUri", &body.node_uri)?;
    let target_type = targets::target_type("targetType", &body.target_type)?;
    let target_uri = shared::uri::parse_uri("targetUri", &body.target_uri)?;
    let term = load(context, &node_uri).await?;
    if term.node_type != TERM {
        return Err(ApiError::invalid(
            "nodeUri",
            format!(
                "must name a term (nodeType T), but {node_uri} has nodeType {}",
                term.node_type
            ),
        ));
    }

    let store = &context.store;
    let entry = catalog::get(store, &target_uri)
        .await?
        .ok_or_else(|| ApiError::not_found("Catalog entry", &target_uri))?;
    if entry.entry_type != target_type {
        return Err(ApiError::invalid(
            "targetType",
            format!(
                "is {target_type}, but {target_uri} is a {}",
                entry.entry_type
            ),
        ));
    }
    targets::require_editor(context, caller, target_type, &entry.dataset_uri).await?;

    let now = now_rfc3339();
    let link = TermLink {
        link_uri: shared::uri::new_uri(),
        node_uri: term.node_uri.clone(),
        glossary_uri: term.glossary_uri().to_owned(),
        term_path: term.path.clone(),
        target_type: target_type.to_owned(),
        target_uri: target_uri.clone(),
        dataset_uri: entry.dataset_uri.clone(),
        status: LINK_PENDING.to_owned(),
        owner: caller.username.clone(),
        created: now.clone(),
        updated: now,
        version: 1,
    };
    let marker = marker(&link);
    let writes = vec![
        store.create_write(link.keys().item("TermLink", &link)?),
        store.create_write(marker.keys().item("TermMarker", &marker)?),
    ];
    match catalog_changes::transact(store, writes).await {
        Ok(()) => {}
        Err(StoreError::ConditionFailed) => {
            return Err(ApiError::ResourceAlreadyExists(format!(
                "term {node_uri} is already linked to {target_type} {target_uri}"
            )));
        }
        Err(error) => return Err(error.into()),
    }
    tracing::info!(link_uri = %link.link_uri, term_uri = %link.node_uri, target_uri = %link.target_uri, "term link proposed");
    ApiResponse::created(link)
}

async fn load_link(context: &AppContext, link_uri: &str) -> Result<TermLink, ApiError> {
    glossaries::get_link(&context.store, link_uri)
        .await?
        .ok_or_else(|| ApiError::not_found(KIND, link_uri))
}

/// Loads the term of a link, which a deletion of the term running at the same time may have
/// removed.
async fn load_term(context: &AppContext, link: &TermLink) -> Result<GlossaryNode, ApiError> {
    glossaries::get_node(&context.store, &link.node_uri)
        .await?
        .ok_or_else(|| {
            ApiError::InvalidStateTransition(format!(
                "term {} of link {} no longer exists",
                link.node_uri, link.link_uri
            ))
        })
}

pub async fn approve(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let old = load_link(context, request.path("linkUri")?).await?;
    let term = load_term(context, &old).await?;
    require_admin(context, caller, &term).await?;
    if old.status != LINK_PENDING {
        return Err(ApiError::InvalidStateTransition(format!(
            "link {} is {}; only a link in {LINK_PENDING} can be approved",
            old.link_uri, old.status
        )));
    }
    let link = TermLink {
        status: LINK_APPROVED.to_owned(),
        updated: now_rfc3339(),
        version: old.version + 1,
        ..old.clone()
    };
    let marker = marker(&link);
    let store = &context.store;
    let writes = vec![
        store.replace_versioned_write(link.keys().item("TermLink", &link)?, old.version),
        store.put_write(marker.keys().item("TermMarker", &marker)?),
    ];
    catalog_changes::transact(store, writes).await?;
    tracing::info!(link_uri = %link.link_uri, approver = %caller.username, "term link approved");
    ApiResponse::ok(link)
}

pub async fn dismiss(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let link = load_link(context, request.path("linkUri")?).await?;
    let is_admin = match glossaries::get_node(&context.store, &link.glossary_uri).await? {
        Some(glossary) => require_admin(context, caller, &glossary).await.is_ok(),
        None => false,
    };
    if !is_admin {
        let editor =
            targets::require_editor(context, caller, &link.target_type, &link.dataset_uri).await;
        match editor {
            Ok(()) => {}
            Err(ApiError::UnauthorizedOperation(_)) => {
                return Err(ApiError::UnauthorizedOperation(format!(
                    "user {} is neither in the admin team of glossary {} nor allowed to edit {} {}",
                    caller.username, link.glossary_uri, link.target_type, link.target_uri
                )));
            }
            Err(error) => return Err(error),
        }
    }
    let store = &context.store;
    let writes = vec![
        store.delete_versioned_write(&link.keys(), link.version),
        store.delete_write(&term_marker_keys(&link.target_uri, &link.node_uri)),
    ];
    catalog_changes::transact(store, writes).await?;
    tracing::info!(link_uri = %link.link_uri, by = %caller.username, "term link dismissed");
    ApiResponse::ok(json!({"linkUri": link.link_uri, "dismissed": true}))
}

/// Lists the links of the terms at or below a node, optionally by `status`, with the label
/// of each term and what is known of each target.
pub async fn associations(
    context: &AppContext,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let node = load(context, request.path("nodeUri")?).await?;
    let status = match request.query("status") {
        None => None,
        Some(status) if status == LINK_PENDING || status == LINK_APPROVED => Some(status),
        Some(_) => {
            return Err(ApiError::invalid(
                "status",
                format!("must be {LINK_PENDING} or {LINK_APPROVED}"),
            ));
        }
    };
    let store = &context.store;
    let mut links: Vec<TermLink> = glossaries::links_under(store, &node)
        .await?
        .into_iter()
        .filter(|link| status.is_none_or(|status| link.status == status))
        .collect();
    links.sort_by(|left, right| left.link_uri.cmp(&right.link_uri));
    let uris: Vec<String> = links.iter().map(|link| link.link_uri.clone()).collect();
    let (page, next_token) = page_of_uris(&uris, request.limit()?, request.query("nextToken"))?;
    links.retain(|link| page.contains(&link.link_uri));

    let mut keys: Vec<(String, String)> = Vec::new();
    for link in &links {
        let entry = catalog::entry_keys(&link.target_uri);
        keys.push((entry.pk, entry.sk));
        let term = glossaries::node_keys(&link.node_uri);
        keys.push((term.pk, term.sk));
    }
    let mut entries: HashMap<String, CatalogEntry> = HashMap::new();
    let mut terms: HashMap<String, GlossaryNode> = HashMap::new();
    for item in store.batch_get(&keys).await? {
        match item.string("type") {
            Some("CatalogEntry") => {
                let entry: CatalogEntry = item.record()?;
                entries.insert(entry.uri.clone(), entry);
            }
            Some("GlossaryNode") => {
                let term: GlossaryNode = item.record()?;
                terms.insert(term.node_uri.clone(), term);
            }
            _ => {}
        }
    }
    let items: Vec<serde_json::Value> = links
        .iter()
        .map(|link| {
            let mut value = serde_json::to_value(link).unwrap_or_default();
            value["termLabel"] = json!(terms.get(&link.node_uri).map(|term| &term.label));
            value["target"] = json!(entries.get(&link.target_uri).map(|entry| json!({
                "label": entry.label,
                "type": entry.entry_type,
                "datasetUri": entry.dataset_uri,
                "environmentUri": entry.environment_uri,
                "ownerTeam": entry.owner_team,
            })));
            value
        })
        .collect();
    ApiResponse::page(items, next_token)
}
