//! Uploads: a presigned S3 PUT URL for one file under a prefix of the dataset's bucket,
//! optionally followed by a run of the dataset's Glue crawler on that prefix.

use std::time::Duration;

use aws_sdk_s3::presigning::PresigningConfig;
use serde::Deserialize;
use shared::api::{ApiRequest, ApiResponse};
use shared::aws::error_chain;
use shared::domain::datasets::Dataset;
use shared::{ApiError, AppContext};

use crate::folders::normalise_prefix;
use crate::load;

/// How long a presigned upload URL stays valid.
const URL_LIFETIME: Duration = Duration::from_secs(15 * 60);

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewUpload {
    prefix: String,
    file_name: String,
    #[serde(default)]
    crawl: bool,
}

fn check_file_name(name: &str) -> Result<String, ApiError> {
    let valid = !name.is_empty()
        && name.len() <= 255
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!-_.*'()=".contains(c));
    if valid {
        Ok(name.to_owned())
    } else {
        Err(ApiError::invalid(
            "fileName",
            "must be 1 to 255 characters of a-z, A-Z, 0-9 and !-_.*'()= without '/'",
        ))
    }
}

pub async fn create(context: &AppContext, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let body: NewUpload = request.json()?;
    let prefix = normalise_prefix("prefix", &body.prefix)?;
    let file_name = check_file_name(&body.file_name)?;
    let dataset = load(context, request.path("datasetUri")?).await?;
    let key = format!("{prefix}/{file_name}");
    let clients = context
        .environment_account(&dataset.aws_account_id, &dataset.region)
        .await?;
    let presigned = clients
        .s3()
        .put_object()
        .bucket(&dataset.bucket_name)
        .key(&key)
        .presigned(PresigningConfig::expires_in(URL_LIFETIME).map_err(ApiError::internal)?)
        .await
        .map_err(|error| {
            ApiError::internal(format!(
                "presigning the upload failed: {}",
                error_chain(&error)
            ))
        })?;
    let headers: serde_json::Map<String, serde_json::Value> = presigned
        .headers()
        .map(|(name, value)| (name.to_owned(), serde_json::Value::String(value.to_owned())))
        .collect();
    let crawler = if body.crawl {
        Some(start_crawler(context, &dataset, &prefix).await?)
    } else {
        None
    };
    tracing::info!(dataset_uri = %dataset.uri, %key, crawl = body.crawl, "upload URL issued");
    ApiResponse::created(serde_json::json!({
        "url": presigned.uri(),
        "method": presigned.method(),
        "headers": headers,
        "bucket": dataset.bucket_name,
        "key": key,
        "expiresInSeconds": URL_LIFETIME.as_secs(),
        "crawlerName": crawler,
    }))
}

/// Creates the dataset's crawler when it is missing, pointed at `prefix`, and starts it.
/// A crawler that is already running is left to finish.
async fn start_crawler(
    context: &AppContext,
    dataset: &Dataset,
    prefix: &str,
) -> Result<String, ApiError> {
    let clients = context
        .environment_account(&dataset.aws_account_id, &dataset.region)
        .await?;
    let glue = clients.glue();
    let name = dataset.crawler_name();
    let target = aws_sdk_glue::types::S3Target::builder()
        .path(format!("s3://{}/{prefix}/", dataset.bucket_name))
        .build();
    let targets = aws_sdk_glue::types::CrawlerTargets::builder()
        .s3_targets(target)
        .build();
    let created = glue
        .create_crawler()
        .name(&name)
        .role(&dataset.iam_role_arn)
        .database_name(&dataset.glue_database_name)
        .targets(targets.clone())
        .send()
        .await;
    match created {
        Ok(_) => {}
        Err(error) if error_chain(&error).contains("AlreadyExists") => {
            glue.update_crawler()
                .name(&name)
                .targets(targets)
                .send()
                .await
                .map_err(|error| {
                    ApiError::internal(format!(
                        "Glue UpdateCrawler {name} failed: {}",
                        error_chain(&error)
                    ))
                })?;
        }
        Err(error) => {
            return Err(ApiError::internal(format!(
                "Glue CreateCrawler {name} failed: {}",
                error_chain(&error)
            )));
        }
    }
    match glue.start_crawler().name(&name).send().await {
        Ok(_) => {}
        Err(error) if error_chain(&error).contains("CrawlerRunning") => {
            tracing::info!(crawler = %name, "crawler already running");
        }
        Err(error) => {
            return Err(ApiError::internal(format!(
                "Glue StartCrawler {name} failed: {}",
                error_chain(&error)
            )));
        }
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_name_rules() {
        assert!(check_file_name("sales-2024.csv").is_ok());
        for bad in ["", "a/b.csv", "..", "with space.csv", &"x".repeat(256)] {
            assert!(check_file_name(bad).is_err(), "{bad:?}");
        }
    }
}
