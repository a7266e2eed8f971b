//! `GET /catalog/search`: free text, facet filters, facet counts and keyset pages over every
//! catalog entry.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use search_index::{FacetValue, Filters, SearchRequest, SortKey};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use shared::api::{ApiRequest, ApiResponse};
use shared::authz;
use shared::domain::catalog::ENTRY_TYPES;
use shared::domain::datasets::{CONFIDENTIALITY, TOPICS};
use shared::identity::Caller;
use shared::{ApiError, AppContext, validate};

use crate::cache::{self, Record};

/// Query parameters of a search.
const PARAMETERS: &[&str] = &[
    "q",
    "type",
    "tags",
    "topics",
    "region",
    "confidentiality",
    "terms",
    "limit",
    "nextToken",
];
/// Maximum characters of the free text.
const MAX_TEXT_LENGTH: usize = 256;
/// Maximum words of the free text that are searched for.
const MAX_WORDS: usize = 16;
/// Maximum values of one filter.
const MAX_FILTER_VALUES: usize = 50;

/// One result: the entry, what a share request needs, and whether the caller has access.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SearchHit {
    uri: String,
    /// `dataset`, `table` or `folder`: with `uri`, the item of a share request.
    #[serde(rename = "type")]
    entry_type: String,
    label: String,
    name: String,
    description: String,
    tags: Vec<String>,
    topics: Vec<String>,
    region: String,
    confidentiality: String,
    dataset_uri: String,
    environment_uri: String,
    owner_team: String,
    aws_account_id: String,
    columns: Vec<String>,
    terms: Vec<Value>,
    upvotes: u32,
    score: f32,
    /// Whether one of the caller's teams holds a grant on the object.
    has_access: bool,
}

/// The cursor of the next page: the sort key of the last result.
#[derive(Debug, Serialize, Deserialize)]
struct Cursor {
    /// The score's bits, so the key survives the round trip exactly.
    s: u32,
    l: String,
    u: String,
}

fn encode_cursor(key: &SortKey) -> String {
    let cursor = Cursor {
        s: key.score.to_bits(),
        l: key.label.clone(),
        u: key.uri.clone(),
    };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&cursor).expect("a cursor serializes"))
}

fn decode_cursor(token: &str) -> Result<SortKey, ApiError> {
    let invalid = || ApiError::invalid("nextToken", "is not a token returned by this search");
    let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| invalid())?;
    let cursor: Cursor = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if !shared::uri::is_uri(&cursor.u) {
        return Err(invalid());
    }
    Ok(SortKey {
        score: f32::from_bits(cursor.s),
        label: cursor.l,
        uri: cursor.u,
    })
}

/// Splits a comma-separated filter into its trimmed, non-empty values.
fn list(request: &ApiRequest, name: &str) -> Result<Vec<String>, ApiError> {
    let Some(text) = request.query(name) else {
        return Ok(Vec::new());
    };
    let values: Vec<String> = text
        .split(',')
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
        .collect();
    if values.len() > MAX_FILTER_VALUES {
        return Err(ApiError::invalid(
            name,
            format!("must have at most {MAX_FILTER_VALUES} comma-separated values"),
        ));
    }
    Ok(values)
}

/// Replaces each value by the member of `allowed` it names, ignoring case.
fn canonical(name: &str, values: Vec<String>, allowed: &[&str]) -> Result<Vec<String>, ApiError> {
    values
        .into_iter()
        .map(|value| {
            allowed
                .iter()
                .find(|known| known.eq_ignore_ascii_case(&value))
                .map(|known| known.to_string())
                .ok_or_else(|| {
                    ApiError::invalid(
                        name,
                        format!("contains {value:?}, which is not one of {allowed:?}"),
                    )
                })
        })
        .collect()
}

/// Reads and checks the search parameters.
fn parse(request: &ApiRequest) -> Result<SearchRequest, ApiError> {
    let mut unknown: Vec<&str> = request
        .query
        .keys()
        .map(String::as_str)
        .filter(|name| !PARAMETERS.contains(name))
        .collect();
    unknown.sort();
    if let Some(name) = unknown.first() {
        return Err(ApiError::InvalidInput(format!(
            "query parameter {name} is not supported; use {}",
            PARAMETERS.join(", ")
        )));
    }

    let text = request.query("q").unwrap_or_default().to_owned();
    if text.chars().count() > MAX_TEXT_LENGTH {
        return Err(ApiError::invalid(
            "q",
            format!("must be at most {MAX_TEXT_LENGTH} characters"),
        ));
    }
    if search_index::query_tokens(&text).len() > MAX_WORDS {
        return Err(ApiError::invalid(
            "q",
            format!("must have at most {MAX_WORDS} words"),
        ));
    }

    let tags = list(request, "tags")?;
    if let Some(tag) = tags
        .iter()
        .find(|tag| tag.chars().count() > validate::MAX_TAG_LENGTH)
    {
        return Err(ApiError::invalid(
            "tags",
            format!(
                "values must be at most {} characters, got {tag:?}",
                validate::MAX_TAG_LENGTH
            ),
        ));
    }
    let regions = list(request, "region")?
        .into_iter()
        .map(|region| validate::region(&region))
        .collect::<Result<Vec<_>, _>>()?;
    let terms = list(request, "terms")?
        .into_iter()
        .map(|term| shared::uri::parse_uri("terms", &term))
        .collect::<Result<Vec<_>, _>>()?;
    let filters = Filters {
        types: canonical("type", list(request, "type")?, ENTRY_TYPES)?,
        tags,
        topics: canonical("topics", list(request, "topics")?, TOPICS)?,
        regions,
        confidentiality: canonical(
            "confidentiality",
            list(request, "confidentiality")?,
            CONFIDENTIALITY,
        )?,
        terms,
    };

    let after = request.query("nextToken").map(decode_cursor).transpose()?;
    Ok(SearchRequest {
        text,
        filters,
        limit: usize::try_from(request.limit()?).unwrap_or(1),
        after,
    })
}

fn facet_list(values: &[FacetValue]) -> Value {
    values
        .iter()
        .map(|value| json!({"value": value.value, "count": value.count}))
        .collect()
}

pub async fn search(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let search = parse(request)?;
    let (mut hits, total, facets, next) = cache::with_index(&context.store, |index| {
        let results = index.search(&search);
        let term_value = |uri: &String| json!({"nodeUri": uri, "label": index.term_label(uri)});
        let hits: Vec<SearchHit> = results
            .hits
            .iter()
            .map(|hit| hit_view(hit.record, hit.score, &term_value))
            .collect();
        let term_facets: Vec<Value> = results
            .facets
            .terms
            .iter()
            .map(|value| {
                json!({"value": value.value, "label": index.term_label(&value.value), "count": value.count})
            })
            .collect();
        let facets = json!({
            "type": facet_list(&results.facets.types),
            "tags": facet_list(&results.facets.tags),
            "topics": facet_list(&results.facets.topics),
            "region": facet_list(&results.facets.regions),
            "confidentiality": facet_list(&results.facets.confidentiality),
            "terms": term_facets,
        });
        (hits, results.total, facets, results.next)
    })
    .await?;
    let uris: Vec<String> = hits.iter().map(|hit| hit.uri.clone()).collect();
    let granted = authz::granted_among(&context.store, caller, &uris).await?;
    for hit in &mut hits {
        hit.has_access = granted.contains(&hit.uri);
    }
    ApiResponse::ok(json!({
        "items": hits,
        "nextToken": next.as_ref().map(encode_cursor),
        "total": total,
        "facets": facets,
    }))
}

fn hit_view(record: &Record, score: f32, term_value: &dyn Fn(&String) -> Value) -> SearchHit {
    let entry = &record.0.entry;
    SearchHit {
        uri: entry.uri.clone(),
        entry_type: entry.entry_type.clone(),
        label: entry.label.clone(),
        name: entry.name.clone(),
        description: entry.description.clone(),
        tags: entry.tags.clone(),
        topics: entry.topics.clone(),
        region: entry.region.clone(),
        confidentiality: entry.confidentiality.clone(),
        dataset_uri: entry.dataset_uri.clone(),
        environment_uri: entry.environment_uri.clone(),
        owner_team: entry.owner_team.clone(),
        aws_account_id: entry.aws_account_id.clone(),
        columns: entry.columns.clone(),
        terms: record.0.terms.iter().map(term_value).collect(),
        upvotes: record.0.upvotes,
        score,
        has_access: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn request(query: &[(&str, &str)]) -> ApiRequest {
        ApiRequest {
            route: shared::routes::find_by_resource("GET", "/catalog/search").unwrap(),
            path_parameters: HashMap::new(),
            query: query
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect(),
            body: None,
            request_id: "r".into(),
        }
    }

    #[test]
    fn filters_are_split_and_canonical() {
        let search = parse(&request(&[
            ("q", "sales"),
            ("type", "Table, folder"),
            ("topics", "sales"),
            ("confidentiality", "secret"),
            ("region", "eu-west-1,us-east-1"),
        ]))
        .unwrap();
        assert_eq!(search.filters.types, vec!["table", "folder"]);
        assert_eq!(search.filters.topics, vec!["Sales"]);
        assert_eq!(search.filters.confidentiality, vec!["Secret"]);
        assert_eq!(search.filters.regions.len(), 2);
        assert_eq!(search.limit, 50);
    }

    #[test]
    fn invalid_parameters_name_the_field() {
        let cases = [
            (("type", "view"), "type"),
            (("topics", "Gossip"), "topics"),
            (("region", "moon-1"), "region"),
            (("terms", "x"), "terms"),
            (("limit", "500"), "limit"),
            (("nextToken", "garbage"), "nextToken"),
            (("tag", "a"), "tag"),
        ];
        for ((name, value), field) in cases {
            let error = parse(&request(&[(name, value)])).unwrap_err();
            assert_eq!(error.code(), "InvalidInput", "{name}={value}");
            assert!(error.to_string().contains(field), "{name}={value}: {error}");
        }
        let many: Vec<String> = (0..=MAX_WORDS).map(|i| format!("word{i}")).collect();
        let error = parse(&request(&[("q", &many.join(" "))])).unwrap_err();
        assert!(error.to_string().contains("words"), "{error}");
    }

    #[test]
    fn cursor_round_trips() {
        let key = SortKey {
            score: 1.25,
            label: "sales".into(),
            uri: "abcdefgh".into(),
        };
        assert_eq!(decode_cursor(&encode_cursor(&key)).unwrap(), key);
    }
}
