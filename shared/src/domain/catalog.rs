//! Catalog entries: one item per dataset, table and folder, written in the same transaction
//! as every change to the object, holding the fields the catalog searches and filters on.
//!
//! The partition `CATALOG#<uri>` of an entry also holds its annotations: one term marker per
//! glossary term linked to it and one vote per user (datasets only). Every write to such a
//! partition goes through [`super::catalog_changes::transact`], which records the change for
//! the search indexes.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::datasets::{Dataset, Folder, Table};
use crate::store::{Index, ItemExt, Keys, Store, StoreError};

/// Entry types, which are also the target types of feeds, votes and term links.
pub const ENTRY_TYPES: &[&str] = &["dataset", "table", "folder"];

/// The searchable description of one dataset, table or folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogEntry {
    pub uri: String,
    /// `dataset`, `table` or `folder`.
    pub entry_type: String,
    pub label: String,
    pub name: String,
    pub description: String,
    pub tags: Vec<String>,
    pub topics: Vec<String>,
    pub region: String,
    pub confidentiality: String,
    pub dataset_uri: String,
    pub environment_uri: String,
    pub owner_team: String,
    pub aws_account_id: String,
    /// Column names, for tables.
    pub columns: Vec<String>,
    pub updated: String,
}

impl CatalogEntry {
    pub fn keys(&self) -> Keys {
        entry_keys(&self.uri).with_gsi1("CATALOG", format!("{}#{}", self.entry_type, self.uri))
    }

    pub fn for_dataset(dataset: &Dataset) -> Self {
        CatalogEntry {
            uri: dataset.uri.clone(),
            entry_type: "dataset".into(),
            label: dataset.label.clone(),
            name: dataset.glue_database_name.clone(),
            description: dataset.description.clone(),
            tags: dataset.tags.clone(),
            topics: dataset.topics.clone(),
            region: dataset.region.clone(),
            confidentiality: dataset.confidentiality.clone(),
            dataset_uri: dataset.uri.clone(),
            environment_uri: dataset.environment_uri.clone(),
            owner_team: dataset.owner_team.clone(),
            aws_account_id: dataset.aws_account_id.clone(),
            columns: Vec::new(),
            updated: dataset.updated.clone(),
        }
    }

    pub fn for_table(dataset: &Dataset, table: &Table) -> Self {
        CatalogEntry {
            uri: table.uri.clone(),
            entry_type: "table".into(),
            label: table.label.clone(),
            name: table.name.clone(),
            description: table.description.clone(),
            tags: table.tags.clone(),
            topics: if table.topics.is_empty() {
                dataset.topics.clone()
            } else {
                table.topics.clone()
            },
            columns: table
                .columns
                .iter()
                .map(|column| column.name.clone())
                .collect(),
            updated: table.updated.clone(),
            ..Self::for_dataset(dataset)
        }
    }

    pub fn for_folder(dataset: &Dataset, folder: &Folder) -> Self {
        CatalogEntry {
            uri: folder.uri.clone(),
            entry_type: "folder".into(),
            label: folder.label.clone(),
            name: folder.prefix.clone(),
            description: folder.description.clone(),
            tags: folder.tags.clone(),
            updated: folder.updated.clone(),
            ..Self::for_dataset(dataset)
        }
    }
}

pub fn entry_keys(uri: &str) -> Keys {
    Keys::new(format!("CATALOG#{uri}"), "META")
}

/// Status of a term link that the glossary's admin team has not approved yet.
pub const LINK_PENDING: &str = "PendingApproval";
/// Status of an approved term link, which acts as a catalog filter and search term.
pub const LINK_APPROVED: &str = "Approved";

/// NOTE: deleting a dataset, table or folder removes its entry but not its term markers,
/// votes or term links. Search ignores annotations without an entry; glossary associations
/// still list those links.
///
/// The mark a glossary term link leaves on its target's catalog entry. It claims the pair
/// of term and target, so a term is linked to a target at most once, and, once approved, it
/// is listed in GSI1 `CATALOGTERMS` for index builds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TermMarker {
    pub target_uri: String,
    pub term_uri: String,
    pub link_uri: String,
    pub status: String,
}

impl TermMarker {
    pub fn keys(&self) -> Keys {
        let keys = term_marker_keys(&self.target_uri, &self.term_uri);
        if self.status == LINK_APPROVED {
            keys.with_gsi1(
                "CATALOGTERMS",
                format!("{}#{}", self.target_uri, self.term_uri),
            )
        } else {
            keys
        }
    }
}

pub fn term_marker_keys(target_uri: &str, term_uri: &str) -> Keys {
    Keys::new(format!("CATALOG#{target_uri}"), format!("TERM#{term_uri}"))
}

/// One user's vote on a dataset. Upvotes are listed in GSI1 `CATALOGVOTES` for index builds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Vote {
    pub target_uri: String,
    pub username: String,
    pub upvote: bool,
    pub created: String,
    pub updated: String,
    pub version: i64,
}

impl Vote {
    pub fn keys(&self) -> Keys {
        let keys = vote_keys(&self.target_uri, &self.username);
        if self.upvote {
            keys.with_gsi1(
                "CATALOGVOTES",
                format!("{}#{}", self.target_uri, self.username),
            )
        } else {
            keys
        }
    }
}

pub fn vote_keys(target_uri: &str, username: &str) -> Keys {
    Keys::new(format!("CATALOG#{target_uri}"), format!("VOTE#{username}"))
}

/// A catalog entry with its annotations, as a search index holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnotatedEntry {
    pub entry: CatalogEntry,
    /// Uris of the approved glossary terms linked to the entry.
    pub terms: Vec<String>,
    pub upvotes: u32,
}

/// Reads an entry and its annotations with one strongly consistent query of its partition.
/// Returns `None` when the entry is gone, even if annotations remain.
pub async fn annotated(store: &Store, uri: &str) -> Result<Option<AnnotatedEntry>, StoreError> {
    let items = store
        .query_all(None, &format!("CATALOG#{uri}"), None)
        .await?;
    let mut entry = None;
    let mut terms = Vec::new();
    let mut upvotes = 0;
    for item in items {
        match item.string("type") {
            Some("CatalogEntry") => entry = Some(item.record::<CatalogEntry>()?),
            Some("TermMarker") => {
                let marker: TermMarker = item.record()?;
                if marker.status == LINK_APPROVED {
                    terms.push(marker.term_uri);
                }
            }
            Some("Vote") => {
                let vote: Vote = item.record()?;
                upvotes += u32::from(vote.upvote);
            }
            _ => {}
        }
    }
    Ok(entry.map(|entry| AnnotatedEntry {
        entry,
        terms,
        upvotes,
    }))
}

/// Reads every entry with its annotations, for a full build of a search index: the entries,
/// approved term markers and upvotes from their GSI1 partitions. Annotations of entries
/// that no longer exist are left out.
pub async fn all_annotated(store: &Store) -> Result<Vec<AnnotatedEntry>, StoreError> {
    let entries = all(store).await?;
    let mut terms: HashMap<String, Vec<String>> = HashMap::new();
    let markers: Vec<TermMarker> = store
        .query_records(Some(Index::Gsi1), "CATALOGTERMS", None)
        .await?;
    for marker in markers {
        terms
            .entry(marker.target_uri)
            .or_default()
            .push(marker.term_uri);
    }
    let mut upvotes: HashMap<String, u32> = HashMap::new();
    let votes: Vec<Vote> = store
        .query_records(Some(Index::Gsi1), "CATALOGVOTES", None)
        .await?;
    for vote in votes.into_iter().filter(|vote| vote.upvote) {
        *upvotes.entry(vote.target_uri).or_default() += 1;
    }
    Ok(entries
        .into_iter()
        .map(|entry| AnnotatedEntry {
            terms: terms.remove(&entry.uri).unwrap_or_default(),
            upvotes: upvotes.remove(&entry.uri).unwrap_or_default(),
            entry,
        })
        .collect())
}

/// Counts the upvotes of a dataset with a strongly consistent read.
pub async fn count_upvotes(store: &Store, dataset_uri: &str) -> Result<u32, StoreError> {
    let votes: Vec<Vote> = store
        .query_records(None, &format!("CATALOG#{dataset_uri}"), Some("VOTE#"))
        .await?;
    Ok(votes.iter().filter(|vote| vote.upvote).count() as u32)
}

/// Reads the catalog entry of one object.
pub async fn get(store: &Store, uri: &str) -> Result<Option<CatalogEntry>, StoreError> {
    let keys = entry_keys(uri);
    store.get_record(&keys.pk, &keys.sk).await
}

/// Lists every catalog entry, for a full rebuild of a search index.
pub async fn all(store: &Store) -> Result<Vec<CatalogEntry>, StoreError> {
    store
        .query_records(Some(Index::Gsi1), "CATALOG", None)
        .await
}
