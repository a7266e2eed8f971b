//! Catalog module: search over every dataset, table and folder, glossaries of terms linked
//! to them, and feeds and votes on them.
//!
//! # Search design
//!
//! Each function instance keeps a search index ([`search_index::Index`]) in memory and
//! reuses it across warm invocations, so no search cluster runs between requests.
//!
//! - **Build.** A cold instance reads every catalog entry (GSI1 `CATALOG`), the approved term
//!   markers (`CATALOGTERMS`), the upvotes (`CATALOGVOTES`) and the term labels
//!   (`GLOSSARYTERMS`), and builds the index. An index older than [`cache::MAX_AGE`] is
//!   rebuilt the same way, which also repairs any drift, for example length averages or a
//!   change missed by the refresh below.
//! - **Refresh.** Every transaction that writes an entry's partition (`CATALOG#<uri>`: the
//!   entry, its term markers, its votes) or a glossary node also writes a change item
//!   (`CATALOGCHANGES`, see [`shared::domain::catalog_changes`]) naming what it changed.
//!   Before each search the instance queries the change items written since its previous
//!   refresh, minus an overlap of [`cache::OVERLAP`], re-reads the named entries (one
//!   strongly consistent query of each partition) and term nodes, and updates the index in
//!   place. A search therefore sees every change committed before it started, and an idle
//!   catalog costs one small query per search.
//! - **Recovery.** A refresh that would re-read more than [`cache::MAX_INCREMENTAL`] objects,
//!   or an index not refreshed within the change items' retention, triggers a full rebuild.
//!
//! A change counter incremented in every transaction would be cheaper to poll but would tell
//! only that something changed, forcing a full rebuild, and a single counter item written by
//! every catalog transaction makes concurrent transactions conflict. Change items are new
//! items, so they never conflict.
//!
//! Limits, measured with the index's benchmark (`BENCHMARKS.md`): an index of 100,000
//! entries holds about 300 MiB beside the entries themselves on a pessimistic synthetic set
//! and takes seconds to build, so an instance serving a catalog of that size needs about
//! 1 GiB of memory. A cold start also reads every entry from DynamoDB, about 1 KiB each.
//! The refresh re-reads the last minute of change items on every search, so a burst of
//! thousands of changes makes searches slower for that minute.
//!
//! # Authorization
//!
//! Every authenticated user sees the catalog metadata of every asset and every glossary.
//! Search results say whether one of the caller's teams holds a grant on the object. Feeds
//! need read access to their target, votes read access to the dataset. Glossary mutations
//! need the caller in the glossary's admin team; linking a term needs edit access to the
//! target, and the link acts in the catalog only once the glossary's admin team approves it.

mod cache;
mod feeds;
mod glossaries;
mod glossary_tree;
mod search;
mod targets;
mod term_links;
mod votes;

use shared::api::{ApiRequest, ApiResponse};
use shared::identity::Caller;
use shared::{ApiError, AppContext};

/// Handles every route of the catalog module.
pub async fn handle(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    match request.route.operation {
        "searchCatalog" => search::search(context, caller, request).await,
        "listGlossaries" => glossaries::list(context, request).await,
        "createGlossary" => glossaries::create_glossary(context, caller, request).await,
        "getGlossaryNode" => glossaries::get(context, request).await,
        "updateGlossaryNode" => glossaries::update(context, caller, request).await,
        "deleteGlossaryNode" => glossary_tree::delete(context, caller, request).await,
        "createGlossaryCategory" => {
            glossaries::create_child(
                context,
                caller,
                request,
                shared::domain::glossaries::CATEGORY,
            )
            .await
        }
        "createGlossaryTerm" => {
            glossaries::create_child(context, caller, request, shared::domain::glossaries::TERM)
                .await
        }
        "listGlossaryAssociations" => term_links::associations(context, request).await,
        "createTermLink" => term_links::create(context, caller, request).await,
        "approveTermLink" => term_links::approve(context, caller, request).await,
        "dismissTermLink" => term_links::dismiss(context, caller, request).await,
        "listFeedMessages" => feeds::list(context, caller, request).await,
        "postFeedMessage" => feeds::post(context, caller, request).await,
        "voteOnTarget" => votes::vote(context, caller, request).await,
        other => Err(ApiError::ResourceNotFound(format!(
            "operation {other} is not in the catalog module"
        ))),
    }
}
