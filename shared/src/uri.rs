//! Object identifiers: 8 characters of `[a-z0-9]` drawn from the operating system's
//! cryptographic random source.

use crate::error::ApiError;

/// Number of characters in every object uri.
pub const URI_LENGTH: usize = 8;

const ALPHABET: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// Largest multiple of the alphabet size below 256: bytes at or above it are discarded so that
/// every character is equally likely.
const ACCEPT_BELOW: u8 = 252;

/// Generates a new uri.
///
/// # Panics
/// Panics when the operating system's random source fails, which leaves no safe way to create
/// identifiers.
pub fn new_uri() -> String {
    let mut uri = String::with_capacity(URI_LENGTH);
    let mut buffer = [0u8; 32];
    while uri.len() < URI_LENGTH {
        getrandom::fill(&mut buffer).expect("the operating system random source failed");
        for byte in buffer {
            if byte < ACCEPT_BELOW && uri.len() < URI_LENGTH {
                uri.push(ALPHABET[usize::from(byte % 36)] as char);
            }
        }
    }
    uri
}

/// Returns whether `value` has the shape of a uri.
pub fn is_uri(value: &str) -> bool {
    value.len() == URI_LENGTH
        && value
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit())
}

/// Checks a uri taken from a request, naming the field when it is malformed.
pub fn parse_uri(field: &str, value: &str) -> Result<String, ApiError> {
    if is_uri(value) {
        Ok(value.to_owned())
    } else {
        Err(ApiError::invalid(
            field,
            format!("must be {URI_LENGTH} characters of a-z and 0-9"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn new_uri_has_uri_shape() {
        for _ in 0..1000 {
            let uri = new_uri();
            assert!(is_uri(&uri), "{uri} is not a uri");
        }
    }

    #[test]
    fn new_uri_rarely_repeats() {
        let uris: HashSet<String> = (0..10_000).map(|_| new_uri()).collect();
        assert_eq!(uris.len(), 10_000);
    }

    #[test]
    fn new_uri_uses_whole_alphabet() {
        let seen: HashSet<char> = (0..2000)
            .flat_map(|_| new_uri().chars().collect::<Vec<_>>())
            .collect();
        assert_eq!(seen.len(), 36, "characters seen: {seen:?}");
    }

    #[test]
    fn is_uri_rejects_bad_shapes() {
        for bad in ["", "abc", "ABCDEFGH", "abcdefg!", "abcdefghi", "abcd efg"] {
            assert!(!is_uri(bad), "{bad:?} accepted");
        }
    }

    #[test]
    fn parse_uri_names_field() {
        let error = parse_uri("datasetUri", "nope").unwrap_err();
        assert!(error.to_string().contains("datasetUri"), "{error}");
    }
}
