//! In-app notifications, one per recipient team, and the emails that go with them.
//!
//! Notifications are written by the share worker's `notify` step, so a failing mail service
//! never fails the share itself. Each notification's uri derives from the share, the event,
//! the share's version and the recipient, so a retried step writes nothing twice.

use serde::{Deserialize, Serialize};

use crate::store::{Index, Keys, Store, StoreError};

/// A notification to one team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    pub uri: String,
    /// A team name, or a user name for personal notifications.
    pub recipient: String,
    /// `SHARE_OBJECT_SUBMITTED`, `SHARE_OBJECT_APPROVED`, `SHARE_OBJECT_REJECTED` or
    /// `SHARE_OBJECT_REVOKED`.
    pub notification_type: String,
    pub message: String,
    /// `<shareUri>|<datasetUri>` for share notifications.
    pub target_uri: String,
    pub is_read: bool,
    pub created: String,
    pub version: i64,
}

impl Notification {
    pub fn keys(&self) -> Keys {
        Keys::new(format!("NOTIF#{}", self.uri), "META").with_gsi1(
            format!("RECIPIENT#{}", self.recipient),
            format!("NOTIF#{}#{}", self.created, self.uri),
        )
    }
}

/// Derives a stable uri from the parts that identify one notification (FNV-1a, base 36).
pub fn stable_uri(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    const ALPHABET: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..crate::uri::URI_LENGTH)
        .map(|_| {
            let character = ALPHABET[(hash % 36) as usize] as char;
            hash /= 36;
            character
        })
        .collect()
}

pub async fn get(store: &Store, uri: &str) -> Result<Option<Notification>, StoreError> {
    store.get_record(&format!("NOTIF#{uri}"), "META").await
}

/// Lists the notifications of one recipient, newest first.
pub async fn of_recipient(store: &Store, recipient: &str) -> Result<Vec<Notification>, StoreError> {
    let mut notifications: Vec<Notification> = store
        .query_records(
            Some(Index::Gsi1),
            &format!("RECIPIENT#{recipient}"),
            Some("NOTIF#"),
        )
        .await?;
    notifications.reverse();
    Ok(notifications)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_uri_is_a_uri_and_stable() {
        let first = stable_uri(&["share001", "APPROVED", "3", "TeamA"]);
        assert!(crate::uri::is_uri(&first), "{first}");
        assert_eq!(first, stable_uri(&["share001", "APPROVED", "3", "TeamA"]));
        assert_ne!(first, stable_uri(&["share001", "APPROVED", "3", "TeamB"]));
        assert_ne!(stable_uri(&["ab", "c"]), stable_uri(&["a", "bc"]));
    }
}
