//! The search index cached in the function instance between invocations: built in full when
//! missing or old, refreshed from the catalog change log before each search.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::{Duration, Instant};

use search_index::{Document, Index, Indexable};
use shared::domain::catalog::{self, AnnotatedEntry};
use shared::domain::catalog_changes::{self, RETENTION_SECONDS, change_time};
use shared::domain::glossaries::{self, TERM};
use shared::store::{Store, StoreError};
use tokio::sync::Mutex;

/// Age after which the index is rebuilt in full instead of refreshed.
pub const MAX_AGE: Duration = Duration::from_secs(60 * 60);

/// How far before the previous refresh each refresh reads change items again. A change
/// written by a transaction whose commit came later than this after the writer read its
/// clock, counting clock differences between instances, would be missed until the next
/// rebuild.
pub const OVERLAP: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// Number of changed objects above which one full rebuild is cheaper than re-reading each.
pub const MAX_INCREMENTAL: usize = 2000;

/// Number of entry partitions re-read at the same time during a refresh.
const READ_CONCURRENCY: usize = 16;

/// A catalog entry with its annotations, as the index holds it.
#[derive(Debug)]
pub struct Record(pub AnnotatedEntry);

impl Indexable for Record {
    fn document(&self) -> Document<'_> {
        let entry = &self.0.entry;
        Document {
            uri: &entry.uri,
            entry_type: &entry.entry_type,
            label: &entry.label,
            name: &entry.name,
            description: &entry.description,
            tags: &entry.tags,
            topics: &entry.topics,
            region: &entry.region,
            confidentiality: &entry.confidentiality,
            columns: &entry.columns,
            terms: &self.0.terms,
        }
    }
}

struct Cached {
    table: String,
    index: Index<Record>,
    built: Instant,
    /// The time, by this instance's clock, at which the last build or refresh started.
    refreshed_at: chrono::DateTime<chrono::Utc>,
    /// Change items already applied that are still inside the overlap.
    applied: HashSet<String>,
}

static CACHE: Mutex<Option<Cached>> = Mutex::const_new(None);

/// Brings the cached index up to date and runs `read` on it.
///
/// The lock serialises searches within an instance, which Lambda gives one request at a time
/// anyway, and on the local host keeps two requests from refreshing at once.
pub async fn with_index<R>(
    store: &Store,
    read: impl FnOnce(&Index<Record>) -> R,
) -> Result<R, StoreError> {
    let mut guard = CACHE.lock().await;
    let current = match guard.take() {
        Some(cached) if cached.table == store.table_name() && fresh_enough(&cached) => {
            refresh(store, cached).await?
        }
        _ => None,
    };
    let cached = match current {
        Some(cached) => cached,
        None => build(store).await?,
    };
    let result = read(&cached.index);
    *guard = Some(cached);
    Ok(result)
}

fn fresh_enough(cached: &Cached) -> bool {
    let retention = chrono::TimeDelta::seconds(RETENTION_SECONDS) - OVERLAP;
    cached.built.elapsed() < MAX_AGE && chrono::Utc::now() - cached.refreshed_at < retention
}

async fn build(store: &Store) -> Result<Cached, StoreError> {
    let started = Instant::now();
    let refreshed_at = chrono::Utc::now();
    let (entries, terms) =
        tokio::try_join!(catalog::all_annotated(store), glossaries::terms(store))?;
    let labels: HashMap<String, String> = terms
        .into_iter()
        .map(|term| (term.node_uri, term.label))
        .collect();
    let records: Vec<Record> = entries.into_iter().map(Record).collect();
    let index = tokio::task::spawn_blocking(move || Index::build(records, labels))
        .await
        .map_err(|error| StoreError::Dynamo {
            operation: "BuildIndex",
            message: error.to_string(),
        })?;
    tracing::info!(
        entries = index.len(),
        elapsed_ms = started.elapsed().as_millis(),
        "search index built"
    );
    Ok(Cached {
        table: store.table_name().to_owned(),
        index,
        built: Instant::now(),
        refreshed_at,
        applied: HashSet::new(),
    })
}

/// Applies the changes recorded since the previous refresh. Returns `None` when a full
/// rebuild is cheaper.
async fn refresh(store: &Store, mut cached: Cached) -> Result<Option<Cached>, StoreError> {
    let started = chrono::Utc::now();
    let since = change_time(cached.refreshed_at - OVERLAP);
    let changes = catalog_changes::changes_after(store, &since).await?;
    let mut entries = BTreeSet::new();
    let mut nodes = BTreeSet::new();
    for change in changes
        .iter()
        .filter(|change| !cached.applied.contains(&change.change_id))
    {
        entries.extend(change.entries.iter().cloned());
        nodes.extend(change.nodes.iter().cloned());
    }

    if entries.len() + nodes.len() > MAX_INCREMENTAL {
        tracing::info!(
            entries = entries.len(),
            nodes = nodes.len(),
            "too many catalog changes to apply one by one; rebuilding the search index"
        );
        return Ok(None);
    }

    for node_uri in &nodes {
        let node = glossaries::get_node(store, node_uri).await?;
        let label = node
            .as_ref()
            .filter(|node| node.node_type == TERM)
            .map(|node| node.label.as_str());
        cached.index.set_term_label(node_uri, label);
    }

    let uris: Vec<String> = entries.into_iter().collect();
    for batch in uris.chunks(READ_CONCURRENCY) {
        let mut reads = tokio::task::JoinSet::new();
        for uri in batch {
            let store = store.clone();
            let uri = uri.clone();
            reads.spawn(async move {
                let entry = catalog::annotated(&store, &uri).await;
                (uri, entry)
            });
        }
        while let Some(read) = reads.join_next().await {
            let (uri, entry) = read.map_err(|error| StoreError::Dynamo {
                operation: "Query",
                message: error.to_string(),
            })?;
            match entry? {
                Some(entry) => cached.index.upsert(Record(entry)),
                None => {
                    cached.index.remove(&uri);
                }
            }
        }
    }
    cached
        .applied
        .retain(|change_id| change_id.as_str() > since.as_str());
    cached
        .applied
        .extend(changes.into_iter().map(|change| change.change_id));
    cached.refreshed_at = started;
    if !uris.is_empty() || !nodes.is_empty() {
        tracing::debug!(
            entries = uris.len(),
            nodes = nodes.len(),
            "search index refreshed"
        );
    }
    Ok(Some(cached))
}
