//! Feeds: messages that readers of a dataset, table or folder leave on it.

use serde::{Deserialize, Serialize};

use crate::store::Keys;

/// Maximum characters of a message.
pub const MAX_CONTENT_LENGTH: usize = 2000;

/// One message of a feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedMessage {
    pub message_uri: String,
    /// `dataset`, `table` or `folder`.
    pub target_type: String,
    pub target_uri: String,
    pub content: String,
    /// The user who wrote the message.
    pub creator: String,
    pub created: String,
}

impl FeedMessage {
    /// Returns the keys: messages of a target sort by creation time.
    pub fn keys(&self) -> Keys {
        Keys::new(
            feed_pk(&self.target_uri),
            format!("MESSAGE#{}#{}", self.created, self.message_uri),
        )
    }
}

/// Returns the partition key of a target's feed.
pub fn feed_pk(target_uri: &str) -> String {
    format!("FEED#{target_uri}")
}
