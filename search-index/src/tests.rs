//! Scoring, filter, facet and paging tests of the index.

use std::collections::HashMap;

use crate::{Document, FacetValue, Filters, Index, Indexable, SearchRequest};

#[derive(Debug, Clone, Default)]
struct Entry {
    uri: String,
    entry_type: String,
    label: String,
    description: String,
    tags: Vec<String>,
    topics: Vec<String>,
    region: String,
    columns: Vec<String>,
    terms: Vec<String>,
}

impl Indexable for Entry {
    fn document(&self) -> Document<'_> {
        Document {
            uri: &self.uri,
            entry_type: &self.entry_type,
            label: &self.label,
            name: "",
            description: &self.description,
            tags: &self.tags,
            topics: &self.topics,
            region: &self.region,
            confidentiality: "Unclassified",
            columns: &self.columns,
            terms: &self.terms,
        }
    }
}

fn entry(uri: &str, entry_type: &str, label: &str, description: &str) -> Entry {
    Entry {
        uri: uri.into(),
        entry_type: entry_type.into(),
        label: label.into(),
        description: description.into(),
        region: "eu-west-1".into(),
        ..Entry::default()
    }
}

fn search<'a>(index: &'a Index<Entry>, text: &str) -> Vec<&'a str> {
    let request = SearchRequest {
        text: text.into(),
        limit: 100,
        ..SearchRequest::default()
    };
    index
        .search(&request)
        .hits
        .iter()
        .map(|hit| hit.record.uri.as_str())
        .collect()
}

fn sample() -> Index<Entry> {
    let mut orders = entry("t1", "table", "orders", "One row per order");
    orders.columns = vec!["customer_id".into(), "order_total".into()];
    orders.tags = vec!["Finance".into()];
    let mut sales = entry("d1", "dataset", "Sales", "Orders and invoices of the shops");
    sales.tags = vec!["finance".into(), "retail".into()];
    sales.topics = vec!["Sales".into()];
    let mut raw = entry("f1", "folder", "Raw files", "Sales exports, unprocessed");
    raw.region = "us-east-1".into();
    let noise = entry("d2", "dataset", "Weather", "Daily temperatures");
    Index::build(vec![orders, sales, raw, noise], HashMap::new())
}

#[test]
fn label_match_outranks_description_match() {
    let index = sample();
    assert_eq!(search(&index, "sales"), vec!["d1", "f1"]);
    assert_eq!(search(&index, "orders"), vec!["t1", "d1"]);
}

#[test]
fn column_word_finds_table() {
    let index = sample();
    assert_eq!(search(&index, "customer"), vec!["t1"]);
    assert_eq!(search(&index, "customerId"), vec!["t1"]);
    assert_eq!(search(&index, "customerid"), vec!["t1"]);
}

#[test]
fn every_word_must_match() {
    let index = sample();
    assert_eq!(search(&index, "sales shops"), vec!["d1"]);
    assert!(search(&index, "sales weather").is_empty());
}

#[test]
fn prefix_matches_rank_below_exact() {
    let mut index = sample();
    index.upsert(entry("d3", "dataset", "Order", "x"));
    let found = search(&index, "order");
    assert_eq!(found[0], "d3", "exact word first: {found:?}");
    assert!(
        found.contains(&"t1"),
        "orders matches as a prefix: {found:?}"
    );
    assert!(search(&index, "ro").is_empty(), "two letters do not expand");
}

#[test]
fn rarer_word_scores_higher() {
    let mut index = Index::build(Vec::new(), HashMap::new());
    for i in 0..10 {
        index.upsert(entry(&format!("c{i}"), "table", "common", "filler"));
    }
    index.upsert(entry("r1", "table", "rare", "filler"));
    let request = |text: &str| SearchRequest {
        text: text.into(),
        limit: 1,
        ..SearchRequest::default()
    };
    let common = index.search(&request("common")).hits[0].score;
    let rare = index.search(&request("rare")).hits[0].score;
    assert!(rare > common, "rare {rare} <= common {common}");
}

#[test]
fn filters_and_facets() {
    let index = sample();
    let request = SearchRequest {
        text: String::new(),
        filters: Filters {
            tags: vec!["FINANCE".into()],
            ..Filters::default()
        },
        limit: 10,
        after: None,
    };
    let results = index.search(&request);
    assert_eq!(results.total, 2);
    let types: Vec<(&str, usize)> = results
        .facets
        .types
        .iter()
        .map(|value| (value.value.as_str(), value.count))
        .collect();
    assert_eq!(types, vec![("dataset", 1), ("table", 1)]);
    assert_eq!(
        results.facets.tags,
        vec![
            FacetValue {
                value: "finance".into(),
                count: 2
            },
            FacetValue {
                value: "retail".into(),
                count: 1
            },
        ]
    );
    let both = SearchRequest {
        filters: Filters {
            tags: vec!["finance".into()],
            types: vec!["table".into(), "folder".into()],
            ..Filters::default()
        },
        ..request.clone()
    };
    assert_eq!(index.search(&both).total, 1, "facets combine with AND");
    let unknown = SearchRequest {
        filters: Filters {
            regions: vec!["ap-south-2".into()],
            ..Filters::default()
        },
        ..request
    };
    assert_eq!(index.search(&unknown).total, 0);
}

#[test]
fn pages_cover_results_once() {
    let mut index = Index::build(Vec::new(), HashMap::new());
    for i in 0..25 {
        index.upsert(entry(
            &format!("u{i:02}"),
            "table",
            &format!("t{}", i % 7),
            "x",
        ));
    }
    let mut seen = Vec::new();
    let mut request = SearchRequest {
        text: String::new(),
        limit: 10,
        ..SearchRequest::default()
    };
    loop {
        let results = index.search(&request);
        assert_eq!(results.total, 25);
        seen.extend(results.hits.iter().map(|hit| hit.record.uri.clone()));
        match results.next {
            Some(key) => request.after = Some(key),
            None => break,
        }
    }
    assert_eq!(seen.len(), 25);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 25, "no result twice");
}

#[test]
fn upsert_and_remove_keep_postings_current() {
    let mut index = sample();
    let mut renamed = index.get("t1").unwrap().clone();
    renamed.label = "invoices".into();
    renamed.columns.clear();
    index.upsert(renamed);
    assert!(search(&index, "customer").is_empty());
    assert_eq!(search(&index, "invoices"), vec!["t1", "d1"]);
    assert!(index.remove("t1").is_some());
    assert_eq!(search(&index, "invoices"), vec!["d1"]);
    assert_eq!(index.len(), 3);
    index.upsert(entry("t9", "table", "reused slot", "x"));
    assert_eq!(search(&index, "reused"), vec!["t9"]);
}

#[test]
fn term_labels_are_searchable_and_follow_renames() {
    let mut tagged = entry("d5", "dataset", "Ledger", "x");
    tagged.terms = vec!["term0001".into()];
    let labels = HashMap::from([("term0001".to_owned(), "Revenue".to_owned())]);
    let mut index = Index::build(vec![tagged], labels);
    assert_eq!(search(&index, "revenue"), vec!["d5"]);
    index.set_term_label("term0001", Some("Turnover"));
    assert!(search(&index, "revenue").is_empty());
    assert_eq!(search(&index, "turnover"), vec!["d5"]);
    index.set_term_label("term0001", None);
    assert!(search(&index, "turnover").is_empty());
    let filtered = SearchRequest {
        filters: Filters {
            terms: vec!["term0001".into()],
            ..Filters::default()
        },
        limit: 5,
        ..SearchRequest::default()
    };
    assert_eq!(index.search(&filtered).total, 1, "the link still filters");
}

#[test]
fn build_keeps_last_of_repeated_uri() {
    let index = Index::build(
        vec![
            entry("d1", "dataset", "first", "x"),
            entry("d1", "dataset", "second", "x"),
        ],
        HashMap::new(),
    );
    assert_eq!(index.len(), 1);
    assert!(search(&index, "first").is_empty());
    assert_eq!(search(&index, "second"), vec!["d1"]);
}
