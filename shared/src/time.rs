//! Timestamps in the RFC 3339 UTC form used in every response and item.

/// Returns the current time as RFC 3339 UTC with millisecond precision.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Returns the current Unix time in seconds.
pub fn now_epoch_seconds() -> i64 {
    chrono::Utc::now().timestamp()
}
