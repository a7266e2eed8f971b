//! Glossaries, categories and terms: create, read, list, search and update. Deleting a
//! subtree is in [`crate::glossary_tree`].

use serde::Deserialize;
use shared::api::{ApiRequest, ApiResponse, page_of_uris};
use shared::domain::catalog_changes;
use shared::domain::glossaries::{
    self, CATEGORY, GLOSSARY, GlossaryNode, MAX_DEPTH, MAX_LABEL_LENGTH, MAX_README_LENGTH, TERM,
    label_claim_keys,
};
use shared::identity::Caller;
use shared::store::StoreError;
use shared::time::now_rfc3339;
use shared::{ApiError, AppContext, validate};

/// Kind of object in error messages.
const KIND: &str = "GlossaryNode";

pub async fn load(context: &AppContext, node_uri: &str) -> Result<GlossaryNode, ApiError> {
    glossaries::get_node(&context.store, node_uri)
        .await?
        .ok_or_else(|| ApiError::not_found(KIND, node_uri))
}

/// Fails unless the caller belongs to the admin team of the node's glossary.
pub async fn require_admin(
    context: &AppContext,
    caller: &Caller,
    node: &GlossaryNode,
) -> Result<GlossaryNode, ApiError> {
    let glossary = if node.node_type == GLOSSARY {
        node.clone()
    } else {
        load(context, node.glossary_uri()).await?
    };
    let admin = glossary.admin.as_deref().unwrap_or_default();
    if caller.in_group(admin) {
        Ok(glossary)
    } else {
        Err(ApiError::UnauthorizedOperation(format!(
            "user {} is not in team {admin}, the admin team of glossary {}",
            caller.username, glossary.node_uri
        )))
    }
}

fn check_readme(value: Option<&str>) -> Result<String, ApiError> {
    let value = value.unwrap_or_default().trim();
    if value.chars().count() > MAX_README_LENGTH {
        return Err(ApiError::invalid(
            "readme",
            format!("must be at most {MAX_README_LENGTH} characters"),
        ));
    }
    Ok(value.to_owned())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewGlossary {
    label: String,
    readme: Option<String>,
    admin: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewChild {
    label: String,
    readme: Option<String>,
}

/// Stores a new node with the claim of its label among its siblings.
async fn store_new(context: &AppContext, node: GlossaryNode) -> Result<ApiResponse, ApiError> {
    let store = &context.store;
    let claim = label_claim_keys(node.parent_uri.as_deref(), &node.label).item(
        "GlossaryLabelClaim",
        &serde_json::json!({"nodeUri": node.node_uri}),
    )?;
    let writes = vec![
        store.create_write(node.keys().item("GlossaryNode", &node)?),
        store.create_write(claim),
    ];
    match catalog_changes::transact(store, writes).await {
        Ok(()) => {}
        Err(StoreError::ConditionFailed) => {
            let place = match &node.parent_uri {
                Some(parent) => format!("node {parent} already has a child"),
                None => "a glossary is already".to_owned(),
            };
            return Err(ApiError::ResourceAlreadyExists(format!(
                "{place} labelled {:?}; labels of siblings must differ",
                node.label
            )));
        }
        Err(error) => return Err(error.into()),
    }
    tracing::info!(node_uri = %node.node_uri, node_type = %node.node_type, path = %node.path, "glossary node created");
    ApiResponse::created(node)
}

pub async fn create_glossary(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let body: NewGlossary = request.json()?;
    let label = validate::label("label", &body.label, MAX_LABEL_LENGTH)?;
    let readme = check_readme(body.readme.as_deref())?;
    let admin = validate::team("admin", &body.admin)?;
    if !caller.in_group(&admin) {
        return Err(ApiError::UnauthorizedOperation(format!(
            "user {} is not a member of team {admin}; the admin team must be one of the caller's",
            caller.username
        )));
    }
    let uri = shared::uri::new_uri();
    let now = now_rfc3339();
    let node = GlossaryNode {
        path: format!("/{uri}"),
        node_uri: uri,
        parent_uri: None,
        node_type: GLOSSARY.to_owned(),
        label,
        readme,
        admin: Some(admin),
        owner: caller.username.clone(),
        created: now.clone(),
        updated: now,
        version: 1,
    };
    store_new(context, node).await
}

/// Creates a category or term under the node of the path.
pub async fn create_child(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
    node_type: &str,
) -> Result<ApiResponse, ApiError> {
    let parent = load(context, request.path("nodeUri")?).await?;
    require_admin(context, caller, &parent).await?;
    let body: NewChild = request.json()?;
    let label = validate::label("label", &body.label, MAX_LABEL_LENGTH)?;
    let readme = check_readme(body.readme.as_deref())?;
    if parent.node_type == TERM {
        return Err(ApiError::invalid(
            "nodeUri",
            "must be a glossary or category: terms have no children",
        ));
    }
    if parent.depth() >= MAX_DEPTH {
        return Err(ApiError::invalid(
            "nodeUri",
            format!(
                "is at depth {}, and nodes may be at most {MAX_DEPTH} levels deep",
                parent.depth()
            ),
        ));
    }
    let uri = shared::uri::new_uri();
    let now = now_rfc3339();
    let node = GlossaryNode {
        path: format!("{}/{uri}", parent.path),
        node_uri: uri,
        parent_uri: Some(parent.node_uri.clone()),
        node_type: node_type.to_owned(),
        label,
        readme,
        admin: None,
        owner: caller.username.clone(),
        created: now.clone(),
        updated: now,
        version: 1,
    };
    store_new(context, node).await
}

/// Orders nodes as a tree is read: categories before terms, then by label.
fn tree_order(left: &GlossaryNode, right: &GlossaryNode) -> std::cmp::Ordering {
    let rank = |node: &GlossaryNode| match node.node_type.as_str() {
        GLOSSARY => 0,
        CATEGORY => 1,
        _ => 2,
    };
    rank(left)
        .cmp(&rank(right))
        .then_with(|| left.label.to_lowercase().cmp(&right.label.to_lowercase()))
}

/// Returns a node with its direct children.
pub async fn get(context: &AppContext, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let node = load(context, request.path("nodeUri")?).await?;
    let depth = node.depth();
    let mut children: Vec<GlossaryNode> = glossaries::subtree(&context.store, &node)
        .await?
        .into_iter()
        .filter(|child| child.depth() == depth + 1)
        .collect();
    children.sort_by(tree_order);
    let mut body = serde_json::to_value(&node).map_err(ApiError::internal)?;
    body["children"] = serde_json::to_value(children).map_err(ApiError::internal)?;
    ApiResponse::ok(body)
}

/// Returns whether every query word starts a word of the node's label or readme.
fn matches_words(node: &GlossaryNode, words: &[String]) -> bool {
    let mut tokens = search_index::index_tokens(&node.label);
    tokens.extend(search_index::index_tokens(&node.readme));
    words
        .iter()
        .all(|word| tokens.iter().any(|token| token.starts_with(word.as_str())))
}

/// Lists glossaries or, with `q`, searches every node of every glossary by label and readme.
pub async fn list(context: &AppContext, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let limit = request.limit()?;
    let glossary_list = glossaries::glossaries(&context.store).await?;
    let mut found: Vec<GlossaryNode> = match request.query("q") {
        None => glossary_list,
        Some(text) => {
            if text.chars().count() > 256 {
                return Err(ApiError::invalid("q", "must be at most 256 characters"));
            }
            let words = search_index::query_tokens(text);
            let mut found = Vec::new();
            for glossary in &glossary_list {
                let nodes = glossaries::subtree(&context.store, glossary).await?;
                found.extend(nodes.into_iter().filter(|node| matches_words(node, &words)));
            }
            found
        }
    };
    found.sort_by(|left, right| left.node_uri.cmp(&right.node_uri));
    let uris: Vec<String> = found.iter().map(|node| node.node_uri.clone()).collect();
    let (page, next_token) = page_of_uris(&uris, limit, request.query("nextToken"))?;
    let items: Vec<&GlossaryNode> = found
        .iter()
        .filter(|node| page.contains(&node.node_uri))
        .collect();
    ApiResponse::page(items, next_token)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NodeUpdate {
    label: Option<String>,
    readme: Option<String>,
    admin: Option<String>,
}

pub async fn update(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let old = load(context, request.path("nodeUri")?).await?;
    require_admin(context, caller, &old).await?;
    let body: NodeUpdate = request.json()?;

    let store = &context.store;
    let mut node = old.clone();
    let mut writes = Vec::new();
    if let Some(label) = &body.label {
        node.label = validate::label("label", label, MAX_LABEL_LENGTH)?;
        if node.label.to_lowercase() != old.label.to_lowercase() {
            let claim = label_claim_keys(node.parent_uri.as_deref(), &node.label).item(
                "GlossaryLabelClaim",
                &serde_json::json!({"nodeUri": node.node_uri}),
            )?;
            writes.push(store.create_write(claim));
            writes
                .push(store.delete_write(&label_claim_keys(old.parent_uri.as_deref(), &old.label)));
        }
    }
    if body.readme.is_some() {
        node.readme = check_readme(body.readme.as_deref())?;
    }

    if let Some(admin) = &body.admin {
        if old.node_type != GLOSSARY {
            return Err(ApiError::invalid(
                "admin",
                "can only be set on a glossary; categories and terms follow their glossary",
            ));
        }
        let admin = validate::team("admin", admin)?;
        if !caller.in_group(&admin) {
            return Err(ApiError::UnauthorizedOperation(format!(
                "user {} is not a member of team {admin}, the new admin team",
                caller.username
            )));
        }
        node.admin = Some(admin);
    }

    node.version = old.version + 1;
    node.updated = now_rfc3339();
    writes
        .push(store.replace_versioned_write(node.keys().item("GlossaryNode", &node)?, old.version));
    match catalog_changes::transact(store, writes).await {
        Ok(()) => {}
        Err(StoreError::ConditionFailed) if node.label != old.label => {
            return Err(ApiError::ResourceAlreadyExists(format!(
                "a sibling of node {} is already labelled {:?}, or the node changed meanwhile",
                node.node_uri, node.label
            )));
        }
        Err(error) => return Err(error.into()),
    }
    tracing::info!(node_uri = %node.node_uri, "glossary node updated");
    ApiResponse::ok(node)
}
