//! Searching the index: text scoring, filters, facet counts, ranking and pages.

use std::cmp::Ordering;
use std::ops::Bound;

use crate::document::{Facet, Indexable};
use crate::index::{Index, K1, Slot};
use crate::tokenize::query_tokens;

/// Score factor of a token that only starts with the query word, so exact words rank first.
const PREFIX_FACTOR: f32 = 0.5;
/// Minimum characters of a query word before it also matches longer tokens.
const MIN_PREFIX_CHARS: usize = 3;
/// Maximum longer tokens one query word expands to, in alphabetical order.
const MAX_PREFIX_EXPANSIONS: usize = 200;
/// Maximum values reported per facet, the most frequent first.
pub const MAX_FACET_VALUES: usize = 50;

/// Facet filters. Within a facet the values are alternatives, and across facets all must hold.
/// An empty list does not filter. Tags compare without regard to case; the other values
/// must be exact.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub types: Vec<String>,
    pub tags: Vec<String>,
    pub topics: Vec<String>,
    pub regions: Vec<String>,
    pub confidentiality: Vec<String>,
    /// Glossary term uris.
    pub terms: Vec<String>,
}

impl Filters {
    fn values(&self, facet: Facet) -> &[String] {
        match facet {
            Facet::Type => &self.types,
            Facet::Tags => &self.tags,
            Facet::Topics => &self.topics,
            Facet::Region => &self.regions,
            Facet::Confidentiality => &self.confidentiality,
            Facet::Terms => &self.terms,
        }
    }
}

/// The position of a result in the ranking: score descending, then lowercase label, then
/// uri. A page continues after the key of the previous page's last result.
#[derive(Debug, Clone, PartialEq)]
pub struct SortKey {
    pub score: f32,
    pub label: String,
    pub uri: String,
}

/// One search.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// Free text. Every word must match a token of the entry, exactly or, for words of three
    /// or more characters, as a prefix. Empty text matches every entry.
    pub text: String,
    pub filters: Filters,
    pub limit: usize,
    pub after: Option<SortKey>,
}

/// A facet value and the number of results that have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetValue {
    pub value: String,
    pub count: usize,
}

/// Facet counts over all results of a search, not only its page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    pub types: Vec<FacetValue>,
    pub tags: Vec<FacetValue>,
    pub topics: Vec<FacetValue>,
    pub regions: Vec<FacetValue>,
    pub confidentiality: Vec<FacetValue>,
    pub terms: Vec<FacetValue>,
}

/// One result.
#[derive(Debug)]
pub struct Hit<'a, T> {
    pub record: &'a T,
    pub score: f32,
}

/// A page of results.
#[derive(Debug)]
pub struct SearchResults<'a, T> {
    pub hits: Vec<Hit<'a, T>>,
    /// Number of results on all pages, including those before `after`.
    pub total: usize,
    pub facets: Facets,
    /// The key to pass as `after` for the next page, when more results follow.
    pub next: Option<SortKey>,
}

impl<T: Indexable> Index<T> {
    /// Runs a search.
    pub fn search(&self, request: &SearchRequest) -> SearchResults<'_, T> {
        let tokens = query_tokens(&request.text);
        let (mut candidates, scores) = if tokens.is_empty() {
            (self.live_set(), None)
        } else {
            let (matched, scores) = self.score_text(&tokens);
            (matched, Some(scores))
        };
        for facet in Facet::ALL {
            let values = request.filters.values(facet);
            if !values.is_empty() {
                candidates.intersect(&self.facet_set(facet, values));
            }
        }
        let total = candidates.count();
        let facets = self.count_facets(&candidates);
        let score_of = |id: u32| scores.as_ref().map_or(0.0, |scores| scores[id as usize]);
        let mut matches: Vec<(u32, f32)> = candidates.ids().map(|id| (id, score_of(id))).collect();
        if let Some(after) = &request.after {
            matches.retain(|(id, score)| {
                let slot = self.slot(*id);
                after
                    .score
                    .total_cmp(score)
                    .then_with(|| slot.sort_label.as_str().cmp(&after.label))
                    .then_with(|| slot.uri.as_str().cmp(&after.uri))
                    == Ordering::Greater
            });
        }
        let limit = request.limit.max(1);
        let order = |a: &(u32, f32), b: &(u32, f32)| {
            let prefixes = (
                self.hot[a.0 as usize].sort_prefix,
                self.hot[b.0 as usize].sort_prefix,
            );
            b.1.total_cmp(&a.1)
                .then_with(|| prefixes.0.cmp(&prefixes.1))
                .then_with(|| {
                    let (left, right) = (self.slot(a.0), self.slot(b.0));
                    left.sort_label
                        .cmp(&right.sort_label)
                        .then_with(|| left.uri.cmp(&right.uri))
                })
        };
        let more = matches.len() > limit;
        if more {
            matches.select_nth_unstable_by(limit - 1, order);
            matches.truncate(limit);
        }
        matches.sort_unstable_by(order);
        let next = match matches.last() {
            Some((id, score)) if more => {
                let slot = self.slot(*id);
                Some(SortKey {
                    score: *score,
                    label: slot.sort_label.clone(),
                    uri: slot.uri.clone(),
                })
            }
            _ => None,
        };
        let hits = matches
            .into_iter()
            .map(|(id, score)| Hit {
                record: &self.slot(id).payload,
                score,
            })
            .collect();
        SearchResults {
            hits,
            total,
            facets,
            next,
        }
    }

    fn slot(&self, id: u32) -> &Slot<T> {
        self.slots[id as usize]
            .as_ref()
            .expect("matches name live slots only")
    }

    fn live_set(&self) -> DocSet {
        let mut set = DocSet::new(self.slots.len());
        for (id, hot) in self.hot.iter().enumerate() {
            if hot.live {
                set.insert(id as u32);
            }
        }
        set
    }

    /// Returns the documents that have any of `values` in `facet`. Tags compare in
    /// lowercase, as they are stored.
    fn facet_set(&self, facet: Facet, values: &[String]) -> DocSet {
        let dictionary = &self.dictionaries[facet as usize];
        let mut set = DocSet::new(self.slots.len());
        for value in values {
            let id = match facet {
                Facet::Tags => dictionary.get(&value.to_lowercase()),
                _ => dictionary.get(value),
            };
            if let Some(id) = id {
                for doc in &dictionary.docs[id as usize] {
                    set.insert(*doc);
                }
            }
        }
        set
    }

    /// Scores every document that matches all tokens with BM25F: for each token, the best of
    /// its exact and prefix matches, summed over the tokens. Returns the matching documents
    /// and the scores by document id.
    fn score_text(&self, tokens: &[String]) -> (DocSet, Vec<f32>) {
        let size = self.slots.len();
        let mut scores = vec![0f32; size];
        let mut matched = vec![0u16; size];
        let mut best = vec![0f32; size];
        let mut touched: Vec<u32> = Vec::new();
        let documents = self.live as f32;
        for token in tokens {
            for (key, token_id) in self.expansions(token) {
                let postings = &self.postings[token_id as usize];
                if postings.is_empty() {
                    continue;
                }
                let frequency = postings.len() as f32;
                let idf = ((documents - frequency + 0.5) / (frequency + 0.5) + 1.0).ln();
                let factor = if key == token { 1.0 } else { PREFIX_FACTOR };
                for posting in postings {
                    let score = factor * idf * posting.weight * (K1 + 1.0) / (posting.weight + K1);
                    let slot = &mut best[posting.doc as usize];
                    if *slot == 0.0 {
                        touched.push(posting.doc);
                    }
                    if score > *slot {
                        *slot = score;
                    }
                }
            }
            if touched.is_empty() {
                return (DocSet::new(size), scores);
            }
            for doc in touched.drain(..) {
                let doc = doc as usize;
                scores[doc] += best[doc];
                matched[doc] += 1;
                best[doc] = 0.0;
            }
        }
        let needed = u16::try_from(tokens.len()).unwrap_or(u16::MAX);
        let mut set = DocSet::new(size);
        for (doc, count) in matched.iter().enumerate() {
            if *count == needed {
                set.insert(doc as u32);
            }
        }
        (set, scores)
    }

    /// Lists the tokens a query word matches: itself, then up to
    /// [`MAX_PREFIX_EXPANSIONS`] longer tokens that start with it.
    fn expansions<'a>(&'a self, token: &'a str) -> Vec<(&'a str, u32)> {
        let mut found: Vec<(&str, u32)> = Vec::new();
        if let Some(id) = self.token_id(token) {
            found.push((token, *id));
        }
        if token.chars().count() >= MIN_PREFIX_CHARS {
            let longer = self
                .tokens
                .range::<str, _>((Bound::Excluded(token), Bound::Unbounded))
                .take_while(|(key, _)| key.starts_with(token))
                .take(MAX_PREFIX_EXPANSIONS)
                .map(|(key, id)| (key.as_str(), *id));
            found.extend(longer);
        }
        found
    }

    /// Counts, for every facet value, the results that have it, by walking each value's
    /// document list: the cost grows with the index, not with the number of results.
    fn count_facets(&self, results: &DocSet) -> Facets {
        let [types, tags, topics, regions, confidentiality, terms] = Facet::ALL.map(|facet| {
            let dictionary = &self.dictionaries[facet as usize];
            let mut found: Vec<FacetValue> = dictionary
                .docs
                .iter()
                .enumerate()
                .filter_map(|(value, docs)| {
                    let count = docs.iter().filter(|doc| results.contains(**doc)).count();
                    (count > 0).then(|| FacetValue {
                        value: dictionary.values[value].clone(),
                        count,
                    })
                })
                .collect();
            found.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            found.truncate(MAX_FACET_VALUES);
            found
        });
        Facets {
            types,
            tags,
            topics,
            regions,
            confidentiality,
            terms,
        }
    }
}

/// A set of document ids as a bitmap.
struct DocSet {
    words: Vec<u64>,
}

impl DocSet {
    fn new(size: usize) -> Self {
        DocSet {
            words: vec![0; size.div_ceil(64)],
        }
    }

    fn insert(&mut self, id: u32) {
        self.words[id as usize / 64] |= 1 << (id % 64);
    }

    fn contains(&self, id: u32) -> bool {
        self.words[id as usize / 64] & (1 << (id % 64)) != 0
    }

    fn intersect(&mut self, other: &DocSet) {
        for (word, other) in self.words.iter_mut().zip(&other.words) {
            *word &= other;
        }
    }

    fn count(&self) -> usize {
        self.words
            .iter()
            .map(|word| word.count_ones() as usize)
            .sum()
    }

    fn ids(&self) -> impl Iterator<Item = u32> + '_ {
        self.words.iter().enumerate().flat_map(|(position, word)| {
            let mut rest = *word;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let bit = rest.trailing_zeros();
                rest &= rest - 1;
                Some(position as u32 * 64 + bit)
            })
        })
    }
}
