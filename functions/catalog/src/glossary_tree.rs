//! Deleting a glossary node with everything below it and the links of its terms.

use std::collections::HashMap;

use shared::api::{ApiRequest, ApiResponse};
use shared::domain::catalog::term_marker_keys;
use shared::domain::catalog_changes::{self, MAX_WRITES};
use shared::domain::glossaries::{self, GlossaryNode, TermLink, label_claim_keys};
use shared::identity::Caller;
use shared::store::TransactWriteItem;
use shared::{ApiError, AppContext};

use crate::glossaries::{load, require_admin};

/// Packs groups of writes into transactions of at most `max` writes, in order, never
/// splitting a group. A group larger than `max` gets a transaction of its own, which the
/// store then rejects.
fn pack<T>(groups: Vec<Vec<T>>, max: usize) -> Vec<Vec<T>> {
    let mut chunks: Vec<Vec<T>> = Vec::new();
    for group in groups {
        match chunks.last_mut() {
            Some(chunk) if chunk.len() + group.len() <= max => chunk.extend(group),
            _ => chunks.push(group),
        }
    }
    chunks
}

/// Builds the deletion of a subtree as groups of writes, deepest nodes first: each link with
/// its term marker, then each node with its label claim. Applied in order, every prefix of
/// the groups leaves a consistent tree: no node without its parent, no marker without its
/// link.
fn deletion_groups(
    context: &AppContext,
    mut nodes: Vec<GlossaryNode>,
    links: Vec<TermLink>,
) -> Vec<Vec<TransactWriteItem>> {
    let store = &context.store;
    let mut links_by_term: HashMap<String, Vec<TermLink>> = HashMap::new();
    for link in links {
        links_by_term
            .entry(link.node_uri.clone())
            .or_default()
            .push(link);
    }
    nodes.sort_by_key(|node| std::cmp::Reverse(node.depth()));
    let mut groups = Vec::new();
    for node in &nodes {
        for link in links_by_term.remove(&node.node_uri).unwrap_or_default() {
            groups.push(vec![
                store.delete_write(&glossaries::link_keys(&link.link_uri)),
                store.delete_write(&term_marker_keys(&link.target_uri, &link.node_uri)),
            ]);
        }
        groups.push(vec![
            store.delete_write(&glossaries::node_keys(&node.node_uri)),
            store.delete_write(&label_claim_keys(node.parent_uri.as_deref(), &node.label)),
        ]);
    }
    groups
}

pub async fn delete(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let node = load(context, request.path("nodeUri")?).await?;
    require_admin(context, caller, &node).await?;
    let store = &context.store;
    // NOTE: both lists come from GSI1, which is eventually consistent: a node or link
    // created a moment before this delete may be missed and stay behind.
    let nodes = glossaries::subtree(store, &node).await?;
    let links = glossaries::links_under(store, &node).await?;
    let (node_count, link_count) = (nodes.len(), links.len());
    let groups = deletion_groups(context, nodes, links);
    for chunk in pack(groups, MAX_WRITES) {
        catalog_changes::transact(store, chunk).await?;
    }
    tracing::info!(node_uri = %node.node_uri, nodes = node_count, links = link_count, "glossary subtree deleted");
    ApiResponse::ok(serde_json::json!({
        "nodeUri": node.node_uri,
        "deleted": true,
        "nodes": node_count,
        "links": link_count,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_keeps_groups_whole_and_in_order() {
        let groups: Vec<Vec<u32>> = (0..10).map(|i| vec![i * 2, i * 2 + 1]).collect();
        let chunks = pack(groups, 5);
        assert!(chunks.iter().all(|chunk| chunk.len() <= 5));
        assert!(chunks.iter().all(|chunk| chunk.len() % 2 == 0));
        let flat: Vec<u32> = chunks.into_iter().flatten().collect();
        assert_eq!(flat, (0..20).collect::<Vec<_>>());
    }
}
