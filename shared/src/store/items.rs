//! Conversion between domain records and DynamoDB items.
//!
//! Domain records are serde structs with camelCase fields; an item is such a record plus its
//! keys and `type`. Reading a record back ignores the key attributes.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::StoreError;

/// A raw DynamoDB item.
pub type Item = HashMap<String, AttributeValue>;

/// The table and index keys of one item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keys {
    pub pk: String,
    pub sk: String,
    pub gsi1: Option<(String, String)>,
    pub gsi2: Option<(String, String)>,
}

impl Keys {
    pub fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        Keys {
            pk: pk.into(),
            sk: sk.into(),
            ..Keys::default()
        }
    }

    pub fn with_gsi1(mut self, pk: impl Into<String>, sk: impl Into<String>) -> Self {
        self.gsi1 = Some((pk.into(), sk.into()));
        self
    }

    pub fn with_gsi2(mut self, pk: impl Into<String>, sk: impl Into<String>) -> Self {
        self.gsi2 = Some((pk.into(), sk.into()));
        self
    }

    /// Builds the item holding `record` under these keys, tagged with `item_type`.
    pub fn item<T: Serialize>(&self, item_type: &str, record: &T) -> Result<Item, StoreError> {
        let mut item: Item = serde_dynamo::to_item(record)
            .map_err(|error| StoreError::Decode(self.pk.clone(), error.to_string()))?;
        let string = |value: &str| AttributeValue::S(value.to_owned());
        item.insert("PK".into(), string(&self.pk));
        item.insert("SK".into(), string(&self.sk));
        item.insert("type".into(), string(item_type));
        if let Some((pk, sk)) = &self.gsi1 {
            item.insert("GSI1PK".into(), string(pk));
            item.insert("GSI1SK".into(), string(sk));
        }
        if let Some((pk, sk)) = &self.gsi2 {
            item.insert("GSI2PK".into(), string(pk));
            item.insert("GSI2SK".into(), string(sk));
        }
        Ok(item)
    }
}

/// Typed reads of an item's attributes.
pub trait ItemExt {
    /// Decodes the domain record held by the item.
    fn record<T: DeserializeOwned>(self) -> Result<T, StoreError>;
    /// Returns a string attribute.
    fn string(&self, name: &str) -> Option<&str>;
}

impl ItemExt for Item {
    fn record<T: DeserializeOwned>(self) -> Result<T, StoreError> {
        let key = self.string("PK").unwrap_or("?").to_owned();
        serde_dynamo::from_item(self).map_err(|error| StoreError::Decode(key, error.to_string()))
    }

    fn string(&self, name: &str) -> Option<&str> {
        self.get(name)
            .and_then(|value| value.as_s().ok())
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Sample {
        uri: String,
        label: String,
        tags: Vec<String>,
        version: i64,
    }

    #[test]
    fn record_round_trips_through_item() {
        let sample = Sample {
            uri: "abcdefgh".into(),
            label: "Sales".into(),
            tags: vec!["a".into()],
            version: 3,
        };
        let keys = Keys::new("ORG#abcdefgh", "META").with_gsi2("X", "Y");
        let item = keys.item("Organization", &sample).unwrap();
        assert_eq!(item.string("PK"), Some("ORG#abcdefgh"));
        assert_eq!(item.string("GSI2SK"), Some("Y"));
        assert_eq!(item.string("type"), Some("Organization"));
        assert_eq!(item.record::<Sample>().unwrap(), sample);
    }
}
