//! Datasets (an S3 bucket, KMS key, IAM role and Glue database in an environment account),
//! their tables (from the Glue database) and folders (S3 prefixes).

use serde::{Deserialize, Serialize};

use crate::names::{NamePattern, compliant_name};
use crate::store::{Index, Keys, Store, StoreError};

pub const RESOURCE_TYPE: &str = "Dataset";
pub const TABLE_TYPE: &str = "Table";
pub const FOLDER_TYPE: &str = "Folder";

/// Maximum length of a dataset label.
pub const MAX_LABEL_LENGTH: usize = 52;

/// Topics a dataset can be filed under.
pub const TOPICS: &[&str] = &[
    "Finances",
    "HumanResources",
    "Products",
    "Services",
    "Operations",
    "Research",
    "Sales",
    "Orders",
    "Sites",
    "Energy",
    "Customers",
    "Misc",
];

/// Confidentiality levels. Every level but `Unclassified` limits table previews to the
/// owner team and the stewards.
pub const CONFIDENTIALITY: &[&str] = &["Unclassified", "Official", "Secret"];

/// KMS alias recorded for an imported bucket without a customer managed key.
pub const SSE_S3: &str = "SSE-S3";

/// A dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dataset {
    pub uri: String,
    pub environment_uri: String,
    pub organization_uri: String,
    pub label: String,
    pub description: String,
    pub tags: Vec<String>,
    pub topics: Vec<String>,
    pub confidentiality: String,
    pub owner_team: String,
    pub stewards_team: String,
    pub auto_approval: bool,
    pub owner: String,
    pub aws_account_id: String,
    pub region: String,
    pub bucket_name: String,
    pub glue_database_name: String,
    pub kms_alias: String,
    pub iam_role_name: String,
    pub iam_role_arn: String,
    pub imported: bool,
    /// Whether the Glue database existed before the dataset (import) rather than being
    /// created for it.
    pub imported_glue_database: bool,
    pub created: String,
    pub updated: String,
    pub version: i64,
}

impl Dataset {
    pub fn keys(&self) -> Keys {
        Keys::new(format!("DATASET#{}", self.uri), "META").with_gsi2(
            format!("ENV#{}", self.environment_uri),
            format!("DATASET#{}", self.uri),
        )
    }

    /// Returns the name of the Glue crawler of the dataset: the bucket name, at most 63
    /// characters, with `-crawler`, well within Glue's 255.
    pub fn crawler_name(&self) -> String {
        format!("{}-crawler", self.bucket_name)
    }
}

/// Names of a new dataset's AWS resources.
pub struct DatasetNames {
    pub bucket: String,
    pub glue_database: String,
    pub kms_alias: String,
    pub iam_role: String,
}

impl DatasetNames {
    pub fn new(prefix: &str, label: &str, uri: &str) -> Self {
        let bucket = compliant_name(prefix, label, uri, NamePattern::S3);
        DatasetNames {
            glue_database: compliant_name(prefix, label, uri, NamePattern::Glue),
            kms_alias: compliant_name(prefix, label, uri, NamePattern::Kms),
            iam_role: compliant_name(prefix, label, uri, NamePattern::IamRole),
            bucket,
        }
    }
}

/// Keys of the item that claims a bucket name for one dataset.
pub fn bucket_claim_keys(bucket: &str) -> Keys {
    Keys::new(format!("BUCKET#{bucket}"), "DATASET")
}

/// A column of a table, or one of its partition keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Column {
    pub uri: String,
    pub name: String,
    pub type_name: String,
    /// `column`, or `partition_<n>` for the n-th partition key.
    pub column_type: String,
    pub description: String,
}

/// Status of a table whose Glue table exists.
pub const IN_SYNC: &str = "InSync";
/// Status of a table whose Glue table has disappeared.
pub const DELETED: &str = "Deleted";

/// A table: one Glue table of the dataset's database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Table {
    pub uri: String,
    pub dataset_uri: String,
    pub label: String,
    /// The Glue table name.
    pub name: String,
    pub description: String,
    pub tags: Vec<String>,
    pub topics: Vec<String>,
    pub glue_database_name: String,
    pub location: String,
    pub status: String,
    pub columns: Vec<Column>,
    pub aws_account_id: String,
    pub region: String,
    pub created: String,
    pub updated: String,
    pub version: i64,
}

impl Table {
    pub fn keys(&self) -> Keys {
        Keys::new(format!("TABLE#{}", self.uri), "META").with_gsi2(
            format!("DATASET#{}", self.dataset_uri),
            format!("TABLE#{}", self.name),
        )
    }
}

/// A folder: an S3 prefix of the dataset's bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Folder {
    pub uri: String,
    pub dataset_uri: String,
    pub label: String,
    pub description: String,
    pub tags: Vec<String>,
    /// The prefix, without leading or trailing `/`.
    pub prefix: String,
    pub bucket_name: String,
    pub aws_account_id: String,
    pub region: String,
    pub owner: String,
    pub created: String,
    pub updated: String,
    pub version: i64,
}

impl Folder {
    pub fn keys(&self) -> Keys {
        Keys::new(format!("FOLDER#{}", self.uri), "META").with_gsi2(
            format!("DATASET#{}", self.dataset_uri),
            format!("FOLDER#{}", self.uri),
        )
    }
}

/// Keys of the item that claims a folder prefix within a dataset.
pub fn prefix_claim_keys(dataset_uri: &str, prefix: &str) -> Keys {
    Keys::new(format!("DATASET#{dataset_uri}"), format!("PREFIX#{prefix}"))
}

/// Keys of the item that claims a folder label within a dataset.
pub fn folder_label_claim_keys(dataset_uri: &str, label: &str) -> Keys {
    Keys::new(
        format!("DATASET#{dataset_uri}"),
        format!("FOLDERLABEL#{}", label.to_lowercase()),
    )
}

pub async fn get(store: &Store, uri: &str) -> Result<Option<Dataset>, StoreError> {
    store.get_record(&format!("DATASET#{uri}"), "META").await
}

pub async fn get_table(store: &Store, uri: &str) -> Result<Option<Table>, StoreError> {
    store.get_record(&format!("TABLE#{uri}"), "META").await
}

pub async fn get_folder(store: &Store, uri: &str) -> Result<Option<Folder>, StoreError> {
    store.get_record(&format!("FOLDER#{uri}"), "META").await
}

pub async fn tables(store: &Store, dataset_uri: &str) -> Result<Vec<Table>, StoreError> {
    store
        .query_records(
            Some(Index::Gsi2),
            &format!("DATASET#{dataset_uri}"),
            Some("TABLE#"),
        )
        .await
}

pub async fn folders(store: &Store, dataset_uri: &str) -> Result<Vec<Folder>, StoreError> {
    store
        .query_records(
            Some(Index::Gsi2),
            &format!("DATASET#{dataset_uri}"),
            Some("FOLDER#"),
        )
        .await
}

pub async fn of_environment(
    store: &Store,
    environment_uri: &str,
) -> Result<Vec<Dataset>, StoreError> {
    store
        .query_records(
            Some(Index::Gsi2),
            &format!("ENV#{environment_uri}"),
            Some("DATASET#"),
        )
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::MAX_RESOURCE_PREFIX_LENGTH;

    #[test]
    fn names_fit_at_maximum_lengths() {
        let prefix = "p".repeat(MAX_RESOURCE_PREFIX_LENGTH);
        let label = "L".repeat(MAX_LABEL_LENGTH);
        let names = DatasetNames::new(&prefix, &label, "ab12cd34");
        assert!(names.bucket.len() <= 63, "{}", names.bucket);
        assert!(names.kms_alias.len() <= 63);
        assert!(names.iam_role.len() <= 63);
        assert!(names.glue_database.len() <= 240);
        assert!(
            names
                .glue_database
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        );
        assert!(names.bucket.ends_with("ab12cd34"));
    }
}
