//! The `notify` step: in-app notifications to the dataset's owner team, its stewards and the
//! requester team, and one email per member of those teams through SES.
//!
//! A failed email is logged and counted, never returned as an error: the share has already
//! changed, and the in-app notifications carry the same message.

use serde_json::{Value, json};
use shared::AppContext;
use shared::aws::error_chain;
use shared::notifications::{Notification, stable_uri};
use shared::shares::Share;
use shared::store::StoreError;
use shared::time::now_rfc3339;
use shared::worker::WorkerError;

use crate::internal;

/// The events a share notifies, with the verb of the message.
fn describe(event: &str) -> Result<(&'static str, &'static str), WorkerError> {
    match event {
        "SUBMITTED" => Ok(("SHARE_OBJECT_SUBMITTED", "submitted")),
        "APPROVED" => Ok(("SHARE_OBJECT_APPROVED", "approved")),
        "REJECTED" => Ok(("SHARE_OBJECT_REJECTED", "rejected")),
        "REVOKED" => Ok(("SHARE_OBJECT_REVOKED", "revoked")),
        other => Err(WorkerError::invalid_input(format!(
            "event {other:?} is not one of SUBMITTED, APPROVED, REJECTED, REVOKED"
        ))),
    }
}

pub async fn notify(
    context: &AppContext,
    share: &Share,
    event: &str,
) -> Result<Value, WorkerError> {
    let (notification_type, verb) = describe(event)?;
    let dataset = shared::domain::datasets::get(&context.store, &share.dataset_uri)
        .await
        .map_err(internal)?;
    let (owner_team, stewards_team) = dataset
        .as_ref()
        .map(|dataset| (dataset.owner_team.clone(), dataset.stewards_team.clone()))
        .unwrap_or_default();
    let mut recipients = vec![owner_team, stewards_team, share.requester_team.clone()];
    recipients.retain(|team| !team.is_empty());
    recipients.sort();
    recipients.dedup();
    let message = format!(
        "The share request {} of team {} for dataset {} was {verb}.",
        share.uri, share.requester_team, share.dataset_label
    );
    let version = share.version.to_string();
    let mut written = 0;
    for recipient in &recipients {
        let notification = Notification {
            uri: stable_uri(&[&share.uri, event, &version, recipient]),
            recipient: recipient.clone(),
            notification_type: notification_type.to_owned(),
            message: message.clone(),
            target_uri: format!("{}|{}", share.uri, share.dataset_uri),
            is_read: false,
            created: now_rfc3339(),
            version: 1,
        };
        match context
            .store
            .put_new(
                notification
                    .keys()
                    .item("Notification", &notification)
                    .map_err(internal)?,
            )
            .await
        {
            Ok(()) => written += 1,
            Err(StoreError::ConditionFailed) => {}
            Err(error) => return Err(internal(error)),
        }
    }
    let subject = format!(
        "Data workspace | Share request {verb} for {}",
        share.dataset_label
    );
    let (sent, failed) = send_emails(context, &recipients, &subject, &message).await;
    tracing::info!(share_uri = %share.uri, event, written, sent, failed, "share notifications sent");
    Ok(
        json!({"shareUri": share.uri, "event": event, "notifications": written, "emailsSent": sent, "emailsFailed": failed}),
    )
}

/// Emails every member of the recipient teams. Returns the counts of sent and failed mails.
async fn send_emails(
    context: &AppContext,
    teams: &[String],
    subject: &str,
    message: &str,
) -> (usize, usize) {
    let Some(pool) = context.config.cognito_user_pool_id.as_deref() else {
        tracing::info!("no user pool configured; share emails are not sent");
        return (0, 0);
    };
    let cognito = context.aws.cognito();
    let mut addresses = Vec::new();
    for team in teams {
        match cognito
            .list_users_in_group()
            .user_pool_id(pool)
            .group_name(team)
            .send()
            .await
        {
            Ok(output) => {
                for user in output.users() {
                    let email = user
                        .attributes()
                        .iter()
                        .find(|attribute| attribute.name() == "email")
                        .and_then(|attribute| attribute.value());
                    if let Some(email) = email {
                        addresses.push(email.to_owned());
                    }
                }
            }
            Err(error) => {
                tracing::warn!(%team, error = %error_chain(&error), "could not list the members of a team for share emails")
            }
        }
    }
    addresses.sort();
    addresses.dedup();
    let ses = context.aws.sesv2();
    let (mut sent, mut failed) = (0, 0);
    for address in addresses {
        let content = aws_sdk_sesv2::types::EmailContent::builder()
            .simple(
                aws_sdk_sesv2::types::Message::builder()
                    .subject(
                        aws_sdk_sesv2::types::Content::builder()
                            .data(subject)
                            .build()
                            .expect("data is set"),
                    )
                    .body(
                        aws_sdk_sesv2::types::Body::builder()
                            .text(
                                aws_sdk_sesv2::types::Content::builder()
                                    .data(message)
                                    .build()
                                    .expect("data is set"),
                            )
                            .build(),
                    )
                    .build(),
            )
            .build();
        let result = ses
            .send_email()
            .from_email_address(&context.config.email_sender)
            .destination(
                aws_sdk_sesv2::types::Destination::builder()
                    .to_addresses(&address)
                    .build(),
            )
            .content(content)
            .send()
            .await;
        match result {
            Ok(_) => sent += 1,
            Err(error) => {
                failed += 1;
                tracing::warn!(error = %error_chain(&error), "a share email could not be sent");
            }
        }
    }
    (sent, failed)
}
