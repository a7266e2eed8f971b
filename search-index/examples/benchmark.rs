//! Measures building and searching the index over 1,000, 10,000 and 100,000 synthetic
//! catalog entries and prints a Markdown table.
//!
//! Run with `cargo run --release -p search-index --example benchmark`. Memory is counted by
//! a wrapping global allocator: bytes held by the records before the build, and bytes the
//! build added on top of them. Each search latency is one call of `Index::search` with a
//! page of 50, over eight queries (one word, a rare word, two words, a three-letter prefix,
//! a word with a type filter, tag and region filters alone, no text at all, two words with
//! filters), each repeated 25 times.

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use search_index::{Document, Filters, Index, Indexable, SearchRequest};

struct CountingAllocator;

static HELD: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call forwards to the system allocator unchanged; the counter only observes.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        HELD.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        HELD.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(pointer, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// A synthetic catalog entry, shaped like the catalog's records.
struct Entry {
    uri: String,
    entry_type: &'static str,
    label: String,
    name: String,
    description: String,
    tags: Vec<String>,
    topics: Vec<String>,
    region: &'static str,
    confidentiality: &'static str,
    columns: Vec<String>,
    terms: Vec<String>,
}

impl Indexable for Entry {
    fn document(&self) -> Document<'_> {
        Document {
            uri: &self.uri,
            entry_type: self.entry_type,
            label: &self.label,
            name: &self.name,
            description: &self.description,
            tags: &self.tags,
            topics: &self.topics,
            region: self.region,
            confidentiality: self.confidentiality,
            columns: &self.columns,
            terms: &self.terms,
        }
    }
}

/// A xorshift generator, so every run indexes the same entries.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    /// Draws an index skewed towards small values, as word frequencies are.
    fn skewed(&mut self, bound: usize) -> usize {
        let a = self.below(bound);
        let b = self.below(bound);
        a.min(b)
    }
}

const SYLLABLES: &[&str] = &[
    "sa", "les", "or", "der", "cus", "to", "mer", "in", "voice", "pro", "duct", "ship", "ment",
    "ware", "house", "stock", "price", "re", "gion", "ac", "count", "pay", "roll", "sup", "ply",
    "lo", "gis", "tic", "e", "vent",
];
const REGIONS: &[&str] = &[
    "eu-west-1",
    "eu-central-1",
    "us-east-1",
    "us-west-2",
    "ap-south-1",
    "sa-east-1",
];
const TOPICS: &[&str] = &[
    "Finances",
    "Products",
    "Sales",
    "Orders",
    "Customers",
    "Research",
    "Misc",
];
const CONFIDENTIALITY: &[&str] = &["Unclassified", "Official", "Secret"];

fn vocabulary(random: &mut Random, size: usize) -> Vec<String> {
    let mut words = Vec::with_capacity(size);
    while words.len() < size {
        let parts = 2 + random.below(3);
        let word: String = (0..parts)
            .map(|_| SYLLABLES[random.below(SYLLABLES.len())])
            .collect();
        if !words.contains(&word) {
            words.push(word);
        }
    }
    words
}

fn phrase(random: &mut Random, words: &[String], count: usize, separator: &str) -> String {
    (0..count)
        .map(|_| words[random.skewed(words.len())].as_str())
        .collect::<Vec<_>>()
        .join(separator)
}

fn entries(count: usize, words: &[String], random: &mut Random) -> Vec<Entry> {
    (0..count)
        .map(|i| {
            let roll = random.below(10);
            let entry_type = match roll {
                0 => "dataset",
                1 | 2 => "folder",
                _ => "table",
            };
            let columns = if entry_type == "table" {
                let width = 5 + random.below(26);
                (0..width)
                    .map(|_| {
                        let parts = 1 + random.below(3);
                        phrase(random, words, parts, "_")
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let tag_count = random.below(5);
            let label_words = 1 + random.below(3);
            let description_words = 8 + random.below(25);
            Entry {
                uri: format!("{i:08x}"),
                entry_type,
                label: phrase(random, words, label_words, " "),
                name: phrase(random, words, 2, "_"),
                description: phrase(random, words, description_words, " "),
                tags: (0..tag_count)
                    .map(|_| format!("tag{}", random.skewed(200)))
                    .collect(),
                topics: vec![TOPICS[random.below(TOPICS.len())].to_owned()],
                region: REGIONS[random.below(REGIONS.len())],
                confidentiality: CONFIDENTIALITY[random.below(CONFIDENTIALITY.len())],
                columns,
                terms: (0..random.below(3))
                    .map(|_| format!("term{:04}", random.below(500)))
                    .collect(),
            }
        })
        .collect()
}

fn queries(words: &[String]) -> Vec<SearchRequest> {
    let request = |text: String, filters: Filters| SearchRequest {
        text,
        filters,
        limit: 50,
        after: None,
    };
    let tables = Filters {
        types: vec!["table".into()],
        ..Filters::default()
    };
    let tagged = Filters {
        tags: vec!["tag1".into(), "tag7".into()],
        regions: vec!["eu-west-1".into()],
        ..Filters::default()
    };
    vec![
        request(words[0].clone(), Filters::default()),
        request(words[words.len() / 2].clone(), Filters::default()),
        request(format!("{} {}", words[1], words[3]), Filters::default()),
        request(words[2][..3].to_owned(), Filters::default()),
        request(words[5].clone(), tables),
        request(String::new(), tagged.clone()),
        request(String::new(), Filters::default()),
        request(format!("{} {}", words[4], words[40]), tagged),
    ]
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let position = ((sorted.len() - 1) as f64 * fraction).round() as usize;
    sorted[position]
}

fn milliseconds(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn mebibytes(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
    const ROUNDS: usize = 25;
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    let words = vocabulary(&mut random, 5000);
    let term_labels: HashMap<String, String> = (0..500)
        .map(|i| (format!("term{i:04}"), phrase(&mut random, &words, 2, " ")))
        .collect();
    println!(
        "| entries | distinct tokens | build (cold) ms | records MiB | index MiB | search median ms | search p95 ms | 100 upserts ms |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for count in [1_000, 10_000, 100_000] {
        let empty = HELD.load(Ordering::Relaxed);
        let records = entries(count, &words, &mut random);
        let before = HELD.load(Ordering::Relaxed);

        let started = Instant::now();
        let mut index = Index::build(records, term_labels.clone());
        let build = started.elapsed();
        let memory = HELD.load(Ordering::Relaxed).saturating_sub(before);
        let record_memory = before.saturating_sub(empty);

        let requests = queries(&words);
        let mut latencies = Vec::with_capacity(ROUNDS * requests.len());
        let mut found = 0;
        for _ in 0..ROUNDS {
            for request in &requests {
                let started = Instant::now();
                let results = index.search(request);
                latencies.push(started.elapsed());
                found += results.total;
            }
        }
        latencies.sort();

        let replacements = entries(100, &words, &mut random);
        let started = Instant::now();
        for record in replacements {
            index.upsert(record);
        }
        let upsert = started.elapsed();

        println!(
            "| {count} | {} | {:.0} | {:.1} | {:.1} | {:.2} | {:.2} | {:.1} |",
            index.vocabulary_size(),
            milliseconds(build),
            mebibytes(record_memory),
            mebibytes(memory),
            milliseconds(percentile(&latencies, 0.5)),
            milliseconds(percentile(&latencies, 0.95)),
            milliseconds(upsert),
        );
        std::hint::black_box(found);
    }
}
