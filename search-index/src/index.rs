//! The index structure: documents in slots, an inverted index of tokens with BM25F weights,
//! and interned facet values per slot.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasherDefault;

use crate::document::{Document, Facet, Field, Indexable};
use crate::hash::Fnv;
use crate::tokenize::index_tokens;

/// BM25 saturation and length normalisation parameters, at their usual values.
pub(crate) const K1: f32 = 1.2;
const B: f32 = 0.75;

/// One document's entry in a token's posting list. `weight` is the BM25F pseudo term
/// frequency: the field-weighted, length-normalised count of the token in the document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Posting {
    pub doc: u32,
    pub weight: f32,
}

/// Interned values of one facet, with the documents that have each value.
#[derive(Debug, Default)]
pub(crate) struct Dictionary {
    ids: HashMap<String, u32>,
    pub values: Vec<String>,
    /// Ids of the documents that have each value, by value id, in no particular order.
    pub docs: Vec<Vec<u32>>,
}

impl Dictionary {
    fn intern(&mut self, value: &str) -> u32 {
        if let Some(id) = self.ids.get(value) {
            return *id;
        }
        let id = u32::try_from(self.values.len()).expect("fewer than 2^32 facet values");
        self.ids.insert(value.to_owned(), id);
        self.values.push(value.to_owned());
        self.docs.push(Vec::new());
        id
    }

    pub fn get(&self, value: &str) -> Option<u32> {
        self.ids.get(value).copied()
    }
}

/// The part of a document that ranking reads for every match, kept apart from the record
/// so that a scan over many documents stays in cache.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Hot {
    pub live: bool,
    /// The first eight bytes of the lowercase label, big-endian and zero-padded, which
    /// order documents as their lowercase labels do except on ties.
    pub sort_prefix: u64,
}

/// The rest of a document.
#[derive(Debug)]
pub(crate) struct Slot<T> {
    pub payload: T,
    pub uri: String,
    /// The lowercase label, the second sort key.
    pub sort_label: String,
    /// Distinct token ids of the document, to remove its postings.
    tokens: Vec<u32>,
    lengths: [u32; 7],
    /// Facet value ids by [`Facet`] order, to remove the document from the value lists.
    facets: [Vec<u32>; 6],
}

/// Token counts of one document before its postings are written.
struct Analysis {
    lengths: [u32; 7],
    /// Token id and its count in each field.
    counts: Vec<(u32, [u16; 7])>,
}

/// An in-memory search index of records of type `T`.
#[derive(Debug)]
pub struct Index<T> {
    pub(crate) slots: Vec<Option<Slot<T>>>,
    /// Hot parts of the documents, by slot.
    pub(crate) hot: Vec<Hot>,
    free: Vec<u32>,
    by_uri: HashMap<String, u32>,
    /// Token to token id.
    token_ids: HashMap<String, u32, BuildHasherDefault<Fnv>>,
    /// The same tokens ordered, so that the tokens starting with a prefix are a range.
    pub(crate) tokens: BTreeMap<String, u32>,
    /// Posting lists by token id.
    pub(crate) postings: Vec<Vec<Posting>>,
    pub(crate) dictionaries: [Dictionary; 6],
    term_labels: HashMap<String, String>,
    length_sums: [u64; 7],
    pub(crate) live: usize,
}

impl<T> Default for Index<T> {
    fn default() -> Self {
        Index {
            slots: Vec::new(),
            hot: Vec::new(),
            free: Vec::new(),
            by_uri: HashMap::new(),
            token_ids: HashMap::default(),
            tokens: BTreeMap::new(),
            postings: Vec::new(),
            dictionaries: Default::default(),
            term_labels: HashMap::new(),
            length_sums: [0; 7],
            live: 0,
        }
    }
}

impl<T: Indexable> Index<T> {
    /// Builds an index of `records`, with `term_labels` mapping glossary term uris to labels.
    /// Of records with the same uri, the last one is kept. Length averages are computed over
    /// all records first, so every posting is weighted with the final averages.
    pub fn build(records: Vec<T>, term_labels: HashMap<String, String>) -> Self {
        let mut index = Index {
            term_labels,
            ..Index::default()
        };
        let mut positions: HashMap<String, usize> = HashMap::new();
        let mut unique: Vec<Option<T>> = Vec::with_capacity(records.len());
        for record in records {
            let uri = record.document().uri.to_owned();
            match positions.get(&uri) {
                Some(position) => unique[*position] = Some(record),
                None => {
                    positions.insert(uri, unique.len());
                    unique.push(Some(record));
                }
            }
        }
        let mut analyses = Vec::with_capacity(unique.len());
        for record in unique.into_iter().flatten() {
            let analysis = index.analyse(&record.document());
            let id = index.place(record, &analysis);
            analyses.push((id, analysis));
        }
        let averages = index.averages();
        for (id, analysis) in analyses {
            index.write_postings(id, &analysis, &averages);
        }
        index
    }

    /// Adds a record, replacing the record with the same uri.
    ///
    /// Postings are weighted with the length averages at the time of the insert, so after
    /// many incremental changes the weights drift slightly until the next [`Index::build`].
    pub fn upsert(&mut self, record: T) {
        self.remove(record.document().uri);
        let analysis = self.analyse(&record.document());
        let id = self.place(record, &analysis);
        let averages = self.averages();
        self.write_postings(id, &analysis, &averages);
    }

    /// Removes the record with `uri` and returns it.
    pub fn remove(&mut self, uri: &str) -> Option<T> {
        let id = self.by_uri.get(uri).copied()?;
        self.remove_slot(id)
    }

    /// Returns the record with `uri`.
    pub fn get(&self, uri: &str) -> Option<&T> {
        let id = self.by_uri.get(uri)?;
        self.slots[*id as usize].as_ref().map(|slot| &slot.payload)
    }

    /// Returns the number of records.
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Returns the number of distinct tokens ever indexed, including those whose documents
    /// were removed since the last build.
    pub fn vocabulary_size(&self) -> usize {
        self.postings.len()
    }

    /// Returns the label of a glossary term, when the index has one for it.
    pub fn term_label(&self, term_uri: &str) -> Option<&str> {
        self.term_labels.get(term_uri).map(String::as_str)
    }

    /// Sets or, with `None`, removes the label of a glossary term, and re-indexes the
    /// records linked to it.
    pub fn set_term_label(&mut self, term_uri: &str, label: Option<&str>) {
        let current = self.term_labels.get(term_uri).map(String::as_str);
        if current == label {
            return;
        }
        match label {
            Some(label) => self
                .term_labels
                .insert(term_uri.to_owned(), label.to_owned()),
            None => self.term_labels.remove(term_uri),
        };
        let dictionary = &self.dictionaries[Facet::Terms as usize];
        let Some(term_id) = dictionary.get(term_uri) else {
            return;
        };
        let linked: Vec<String> = dictionary.docs[term_id as usize]
            .iter()
            .filter_map(|id| self.slots[*id as usize].as_ref())
            .map(|slot| slot.uri.clone())
            .collect();
        for uri in linked {
            if let Some(record) = self.remove(&uri) {
                self.upsert(record);
            }
        }
    }

    fn analyse(&mut self, document: &Document) -> Analysis {
        let term_labels: Vec<String> = document
            .terms
            .iter()
            .filter_map(|term| self.term_labels.get(term).cloned())
            .collect();
        let mut occurrences: Vec<(u32, u8)> = Vec::new();
        let mut lengths = [0u32; 7];
        for (position, field) in Field::ALL.iter().enumerate() {
            let texts: Vec<&str> = match field {
                Field::Label => vec![document.label],
                Field::Name => vec![document.name],
                Field::Description => vec![document.description],
                Field::Tags => document.tags.iter().map(String::as_str).collect(),
                Field::Topics => document.topics.iter().map(String::as_str).collect(),
                Field::Columns => document.columns.iter().map(String::as_str).collect(),
                Field::Terms => term_labels.iter().map(String::as_str).collect(),
            };
            for text in texts {
                for token in index_tokens(text) {
                    occurrences.push((self.intern_token(token), position as u8));
                    lengths[position] += 1;
                }
            }
        }
        occurrences.sort_unstable();
        let mut counts: Vec<(u32, [u16; 7])> = Vec::new();
        for (token, position) in occurrences {
            if counts.last().is_none_or(|(last, _)| *last != token) {
                counts.push((token, [0; 7]));
            }
            let count = &mut counts.last_mut().expect("pushed above").1[position as usize];
            *count = count.saturating_add(1);
        }
        Analysis { lengths, counts }
    }

    pub(crate) fn token_id(&self, token: &str) -> Option<&u32> {
        self.token_ids.get(token)
    }

    fn intern_token(&mut self, token: String) -> u32 {
        if let Some(id) = self.token_ids.get(&token) {
            return *id;
        }
        let id = u32::try_from(self.postings.len()).expect("fewer than 2^32 tokens");
        self.tokens.insert(token.clone(), id);
        self.token_ids.insert(token, id);
        self.postings.push(Vec::new());
        id
    }

    /// Stores the record in a free slot and adds it to its facet value lists, without
    /// postings.
    fn place(&mut self, record: T, analysis: &Analysis) -> u32 {
        let id = match self.free.pop() {
            Some(id) => id,
            None => {
                self.slots.push(None);
                self.hot.push(Hot::default());
                u32::try_from(self.slots.len() - 1).expect("fewer than 2^32 records")
            }
        };

        let document = record.document();
        let single = |value: &str| vec![value.to_owned()];
        let values: [Vec<String>; 6] = [
            single(document.entry_type),
            document.tags.iter().map(|tag| tag.to_lowercase()).collect(),
            document.topics.to_vec(),
            single(document.region),
            single(document.confidentiality),
            document.terms.to_vec(),
        ];
        let mut facets: [Vec<u32>; 6] = Default::default();
        for (position, list) in values.iter().enumerate() {
            for value in list {
                let dictionary = &mut self.dictionaries[position];
                let value_id = dictionary.intern(value);
                if !facets[position].contains(&value_id) {
                    facets[position].push(value_id);
                    dictionary.docs[value_id as usize].push(id);
                }
            }
        }

        let sort_label = document.label.to_lowercase();
        let mut prefix = [0u8; 8];
        for (byte, label_byte) in prefix.iter_mut().zip(sort_label.bytes()) {
            *byte = label_byte;
        }
        self.hot[id as usize] = Hot {
            live: true,
            sort_prefix: u64::from_be_bytes(prefix),
        };
        let slot = Slot {
            uri: document.uri.to_owned(),
            sort_label,
            tokens: analysis.counts.iter().map(|(token, _)| *token).collect(),
            lengths: analysis.lengths,
            facets,
            payload: record,
        };
        for (sum, length) in self.length_sums.iter_mut().zip(analysis.lengths) {
            *sum += u64::from(length);
        }
        self.live += 1;
        self.by_uri.insert(slot.uri.clone(), id);
        self.slots[id as usize] = Some(slot);
        id
    }

    fn averages(&self) -> [f32; 7] {
        let live = self.live.max(1) as f64;
        self.length_sums.map(|sum| (sum as f64 / live) as f32)
    }

    fn write_postings(&mut self, id: u32, analysis: &Analysis, averages: &[f32; 7]) {
        for (token, counts) in &analysis.counts {
            let mut weight = 0.0;
            for (position, field) in Field::ALL.iter().enumerate() {
                if counts[position] == 0 {
                    continue;
                }
                let average = averages[position].max(f32::EPSILON);
                let norm = 1.0 - B + B * analysis.lengths[position] as f32 / average;
                weight += field.weight() * f32::from(counts[position]) / norm;
            }
            self.postings[*token as usize].push(Posting { doc: id, weight });
        }
    }

    fn remove_slot(&mut self, id: u32) -> Option<T> {
        let slot = self.slots[id as usize].take()?;
        self.hot[id as usize] = Hot::default();
        for token in &slot.tokens {
            self.postings[*token as usize].retain(|posting| posting.doc != id);
        }
        for (position, values) in slot.facets.iter().enumerate() {
            for value in values {
                self.dictionaries[position].docs[*value as usize].retain(|doc| *doc != id);
            }
        }
        for (sum, length) in self.length_sums.iter_mut().zip(slot.lengths) {
            *sum -= u64::from(length);
        }
        self.live -= 1;
        self.free.push(id);
        self.by_uri.remove(&slot.uri);
        Some(slot.payload)
    }
}
