//! Glossaries: trees of categories and terms, each glossary administered by one team, and
//! the links between terms and catalog entries.
//!
//! A node's `path` is the uris from its glossary down to itself, each after a `/`
//! (`/<glossary>/<category>/<term>`), so a subtree is one sort key prefix in GSI1 and a
//! rename changes no path.

use serde::{Deserialize, Serialize};

use crate::store::{Index, Keys, Store, StoreError};

pub const GLOSSARY: &str = "G";
pub const CATEGORY: &str = "C";
pub const TERM: &str = "T";

/// Maximum depth of a node: a glossary is at depth 1.
pub const MAX_DEPTH: usize = 10;
/// Maximum characters of a node label.
pub const MAX_LABEL_LENGTH: usize = 100;
/// Maximum characters of a node readme.
pub const MAX_README_LENGTH: usize = 5000;

/// A glossary (`G`), category (`C`) or term (`T`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GlossaryNode {
    pub node_uri: String,
    /// The parent node; `None` for a glossary.
    pub parent_uri: Option<String>,
    pub node_type: String,
    pub path: String,
    pub label: String,
    pub readme: String,
    /// The team that administers a glossary and everything under it; `None` below it.
    pub admin: Option<String>,
    /// The user who created the node.
    pub owner: String,
    pub created: String,
    pub updated: String,
    pub version: i64,
}

impl GlossaryNode {
    pub fn keys(&self) -> Keys {
        let keys = node_keys(&self.node_uri).with_gsi1(
            format!("GLOSSARY#{}", self.glossary_uri()),
            format!("NODE#{}", self.path),
        );
        match self.node_type.as_str() {
            GLOSSARY => keys.with_gsi2("GLOSSARIES", &self.node_uri),
            TERM => keys.with_gsi2("GLOSSARYTERMS", &self.node_uri),
            _ => keys,
        }
    }

    /// Returns the uri of the glossary the node belongs to: the first segment of its path.
    pub fn glossary_uri(&self) -> &str {
        self.path
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or(&self.node_uri)
    }

    /// Returns the node's depth: 1 for a glossary.
    pub fn depth(&self) -> usize {
        self.path.matches('/').count()
    }
}

pub fn node_keys(node_uri: &str) -> Keys {
    Keys::new(format!("GLOSSARY#{node_uri}"), "META")
}

/// Keys of the item that claims a label among the children of `parent_uri`, or among the
/// glossaries when there is no parent. Labels compare in lowercase.
pub fn label_claim_keys(parent_uri: Option<&str>, label: &str) -> Keys {
    let pk = match parent_uri {
        Some(parent) => format!("GLOSSARY#{parent}"),
        None => "GLOSSARIES".to_owned(),
    };
    Keys::new(pk, format!("LABEL#{}", label.to_lowercase()))
}

/// A link between a glossary term and a catalog entry, pending until the glossary's admin
/// team approves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TermLink {
    pub link_uri: String,
    /// The term.
    pub node_uri: String,
    pub glossary_uri: String,
    /// The term's path, which places the link under every ancestor of the term.
    pub term_path: String,
    /// `dataset`, `table` or `folder`.
    pub target_type: String,
    pub target_uri: String,
    pub dataset_uri: String,
    /// `PendingApproval` or `Approved`.
    pub status: String,
    /// The user who linked the term.
    pub owner: String,
    pub created: String,
    pub updated: String,
    pub version: i64,
}

impl TermLink {
    pub fn keys(&self) -> Keys {
        link_keys(&self.link_uri).with_gsi1(
            format!("GLOSSARY#{}", self.glossary_uri),
            format!("LINK#{}/{}", self.term_path, self.link_uri),
        )
    }
}

pub fn link_keys(link_uri: &str) -> Keys {
    Keys::new(format!("TERMLINK#{link_uri}"), "META")
}

pub async fn get_node(store: &Store, node_uri: &str) -> Result<Option<GlossaryNode>, StoreError> {
    let keys = node_keys(node_uri);
    store.get_record(&keys.pk, &keys.sk).await
}

pub async fn get_link(store: &Store, link_uri: &str) -> Result<Option<TermLink>, StoreError> {
    let keys = link_keys(link_uri);
    store.get_record(&keys.pk, &keys.sk).await
}

/// Lists every glossary.
pub async fn glossaries(store: &Store) -> Result<Vec<GlossaryNode>, StoreError> {
    store
        .query_records(Some(Index::Gsi2), "GLOSSARIES", None)
        .await
}

/// Lists every term of every glossary.
pub async fn terms(store: &Store) -> Result<Vec<GlossaryNode>, StoreError> {
    store
        .query_records(Some(Index::Gsi2), "GLOSSARYTERMS", None)
        .await
}

/// Lists a node and every node below it, ordered by path.
pub async fn subtree(store: &Store, node: &GlossaryNode) -> Result<Vec<GlossaryNode>, StoreError> {
    store
        .query_records(
            Some(Index::Gsi1),
            &format!("GLOSSARY#{}", node.glossary_uri()),
            Some(&format!("NODE#{}", node.path)),
        )
        .await
        .map(|nodes: Vec<GlossaryNode>| {
            nodes
                .into_iter()
                .filter(|found| {
                    found.path == node.path || found.path.starts_with(&format!("{}/", node.path))
                })
                .collect()
        })
}

/// Lists the links of the terms at or below a node.
pub async fn links_under(store: &Store, node: &GlossaryNode) -> Result<Vec<TermLink>, StoreError> {
    store
        .query_records(
            Some(Index::Gsi1),
            &format!("GLOSSARY#{}", node.glossary_uri()),
            Some(&format!("LINK#{}/", node.path)),
        )
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(path: &str, node_type: &str) -> GlossaryNode {
        GlossaryNode {
            node_uri: path.rsplit('/').next().unwrap().to_owned(),
            parent_uri: None,
            node_type: node_type.into(),
            path: path.into(),
            label: "x".into(),
            readme: String::new(),
            admin: None,
            owner: "u".into(),
            created: String::new(),
            updated: String::new(),
            version: 1,
        }
    }

    #[test]
    fn path_gives_glossary_and_depth() {
        let term = node("/gggggggg/cccccccc/tttttttt", TERM);
        assert_eq!(term.glossary_uri(), "gggggggg");
        assert_eq!(term.depth(), 3);
        let glossary = node("/gggggggg", GLOSSARY);
        assert_eq!(glossary.glossary_uri(), "gggggggg");
        assert_eq!(glossary.depth(), 1);
    }

    #[test]
    fn keys_list_glossaries_and_terms() {
        let glossary = node("/gggggggg", GLOSSARY).keys();
        assert_eq!(
            glossary.gsi2,
            Some(("GLOSSARIES".into(), "gggggggg".into()))
        );
        let term = node("/gggggggg/tttttttt", TERM).keys();
        assert_eq!(
            term.gsi1,
            Some(("GLOSSARY#gggggggg".into(), "NODE#/gggggggg/tttttttt".into()))
        );
        assert_eq!(term.gsi2, Some(("GLOSSARYTERMS".into(), "tttttttt".into())));
        assert!(node("/gggggggg/cccccccc", CATEGORY).keys().gsi2.is_none());
    }
}
