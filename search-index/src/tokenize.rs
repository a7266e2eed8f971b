//! Tokenisation shared by indexing and querying.
//!
//! Text splits into words of letters, digits and `_`. A word splits further into parts at
//! `_` and at camelCase boundaries, so the column `customerId` and the column `customer_id`
//! both yield `customer` and `id`. Every token is lowercase and at most
//! [`MAX_TOKEN_CHARS`] characters long.

/// Maximum characters of one token. Longer parts are cut to this length.
pub const MAX_TOKEN_CHARS: usize = 64;

/// English function words left out of the index and of queries, because they occur in most
/// descriptions and would only slow scoring down.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on",
    "or", "the", "to", "with",
];

/// Splits text into index tokens, repeats included (they count as term frequency).
///
/// A word of several parts also yields the parts joined, so the query `customerid` finds
/// the column `customer_id`.
pub fn index_tokens(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    for word in words(text) {
        let parts = word_parts(word);
        if parts.len() > 1 {
            tokens.push(truncate(parts.concat()));
        }
        tokens.extend(parts.into_iter().filter(|part| !is_stop_word(part)));
    }
    tokens
}

/// Splits a query into distinct tokens in the order they first appear, without joined
/// parts: `customerId` searches for `customer` and `id`.
pub fn query_tokens(text: &str) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    for word in words(text) {
        for part in word_parts(word) {
            if !is_stop_word(&part) && !tokens.contains(&part) {
                tokens.push(part);
            }
        }
    }
    tokens
}

fn is_stop_word(token: &str) -> bool {
    STOP_WORDS.contains(&token)
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|word| !word.is_empty())
}

/// Splits one word at `_` and at camelCase boundaries: before an uppercase letter that
/// follows a lowercase letter or digit (`customerId`), and before the last uppercase letter
/// of a run followed by a lowercase letter (`HTTPServer` becomes `http`, `server`).
fn word_parts(word: &str) -> Vec<String> {
    let mut parts = Vec::new();
    for piece in word.split('_').filter(|piece| !piece.is_empty()) {
        let chars: Vec<char> = piece.chars().collect();
        let mut start = 0;
        for i in 1..chars.len() {
            let previous = chars[i - 1];
            let current = chars[i];
            let next_is_lower = chars.get(i + 1).is_some_and(|c| c.is_lowercase());
            let boundary = current.is_uppercase()
                && (previous.is_lowercase()
                    || previous.is_ascii_digit()
                    || (previous.is_uppercase() && next_is_lower));
            if boundary {
                parts.push(lowercase(&chars[start..i]));
                start = i;
            }
        }
        parts.push(lowercase(&chars[start..]));
    }
    parts
}

fn lowercase(chars: &[char]) -> String {
    truncate(chars.iter().flat_map(|c| c.to_lowercase()).collect())
}

fn truncate(token: String) -> String {
    match token.char_indices().nth(MAX_TOKEN_CHARS) {
        Some((end, _)) => token[..end].to_owned(),
        None => token,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_on_punctuation_and_case() {
        assert_eq!(
            index_tokens("Sales of the Supermarkets, 2024!"),
            vec!["sales", "supermarkets", "2024"]
        );
    }

    #[test]
    fn identifiers_split_into_parts_and_whole() {
        assert_eq!(
            index_tokens("customer_id"),
            vec!["customerid", "customer", "id"]
        );
        assert_eq!(
            index_tokens("customerId"),
            vec!["customerid", "customer", "id"]
        );
        assert_eq!(
            index_tokens("HTTPServerLog"),
            vec!["httpserverlog", "http", "server", "log"]
        );
        assert_eq!(
            index_tokens("col2Value"),
            vec!["col2value", "col2", "value"]
        );
    }

    #[test]
    fn query_tokens_are_distinct_parts() {
        assert_eq!(
            query_tokens("customerId and customer ID"),
            vec!["customer", "id"]
        );
        assert!(query_tokens("  the , of ").is_empty());
    }

    #[test]
    fn unicode_lowercases_and_stays_whole() {
        assert_eq!(index_tokens("Über Größe"), vec!["über", "größe"]);
        assert_eq!(query_tokens("ÉTÉ"), vec!["été"]);
    }

    #[test]
    fn long_tokens_are_cut() {
        let long = "x".repeat(100);
        let tokens = index_tokens(&long);
        assert_eq!(tokens.len(), 1);
        assert_eq!(tokens[0].chars().count(), MAX_TOKEN_CHARS);
    }

    #[test]
    fn stop_words_kept_inside_identifiers() {
        assert_eq!(index_tokens("end_of_day"), vec!["endofday", "end", "day"]);
    }
}
