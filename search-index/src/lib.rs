//! An in-memory full-text index of catalog entries (datasets, tables and folders).
//!
//! Free text matches labels, names, descriptions, tags, topics, column names and the labels
//! of approved glossary terms. Results are ranked with BM25F: each field's token count is
//! normalised by the field's length and weighted ([`Field::weight`]: the label counts three
//! times the description), and each query word's weight falls with the number of entries
//! that contain it. Facet filters narrow the results and facet counts describe them.
//!
//! The index has no I/O and no dependencies, so it can be benchmarked on its own (see
//! `examples/benchmark.rs`) and kept in a function's memory between invocations.

mod document;
mod hash;
mod index;
mod query;
mod tokenize;

pub use document::{Document, Facet, Field, Indexable};
pub use index::Index;
pub use query::{
    FacetValue, Facets, Filters, Hit, MAX_FACET_VALUES, SearchRequest, SearchResults, SortKey,
};
pub use tokenize::{MAX_TOKEN_CHARS, index_tokens, query_tokens};

#[cfg(test)]
mod tests;
