//! Votes: one per user and dataset, counted as the dataset's upvotes in the catalog.

use serde::Deserialize;
use serde_json::json;
use shared::api::{ApiRequest, ApiResponse};
use shared::domain::catalog::{self, Vote, vote_keys};
use shared::domain::catalog_changes;
use shared::identity::Caller;
use shared::time::now_rfc3339;
use shared::{ApiError, AppContext};

use crate::targets;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct VoteBody {
    upvote: bool,
}

/// Sets the caller's vote on a dataset, replacing an earlier one.
pub async fn vote(
    context: &AppContext,
    caller: &Caller,
    request: &ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let target_type = targets::target_type("targetType", request.path("targetType")?)?;
    if target_type != "dataset" {
        return Err(ApiError::invalid(
            "targetType",
            "must be dataset: votes are counted on datasets only",
        ));
    }
    let dataset_uri = request.path("targetUri")?;
    targets::require_reader(context, caller, target_type, dataset_uri).await?;

    let body: VoteBody = request.json()?;
    let store = &context.store;
    let keys = vote_keys(dataset_uri, &caller.username);
    let old: Option<Vote> = store.get_record(&keys.pk, &keys.sk).await?;
    let now = now_rfc3339();
    let write = match &old {
        None => {
            let vote = Vote {
                target_uri: dataset_uri.to_owned(),
                username: caller.username.clone(),
                upvote: body.upvote,
                created: now.clone(),
                updated: now,
                version: 1,
            };
            store.create_write(vote.keys().item("Vote", &vote)?)
        }
        Some(old) => {
            let vote = Vote {
                upvote: body.upvote,
                updated: now,
                version: old.version + 1,
                ..old.clone()
            };
            store.replace_versioned_write(vote.keys().item("Vote", &vote)?, old.version)
        }
    };

    catalog_changes::transact(store, vec![write]).await?;
    let upvotes = catalog::count_upvotes(store, dataset_uri).await?;
    tracing::info!(%dataset_uri, username = %caller.username, upvote = body.upvote, "vote recorded");
    ApiResponse::ok(json!({
        "targetType": target_type,
        "targetUri": dataset_uri,
        "upvote": body.upvote,
        "upvotes": upvotes,
    }))
}
