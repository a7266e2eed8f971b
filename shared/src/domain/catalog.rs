//! Catalog entries: one item per dataset, table and folder, written in the same transaction
//! as every change to the object, holding the fields the catalog searches and filters on.

use serde::{Deserialize, Serialize};

use super::datasets::{Dataset, Folder, Table};
use crate::store::{Index, Keys, Store, StoreError};

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

/// Lists every catalog entry, for a full rebuild of a search index.
pub async fn all(store: &Store) -> Result<Vec<CatalogEntry>, StoreError> {
    store
        .query_records(Some(Index::Gsi1), "CATALOG", None)
        .await
}
