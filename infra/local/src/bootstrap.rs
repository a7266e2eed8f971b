//! Bootstrap of a fresh emulator: the table, the Cognito user pool with the demo users and
//! groups, the SES sender identity, a pivot role in each demo environment account and the
//! state machines of `statemachines/`.

use std::path::Path;

use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, ExplicitAuthFlowsType, MessageActionType,
};
use shared::aws::{AwsClients, error_chain, load_sdk_config};
use shared::config::Config;
use shared::store::Store;

use crate::LocalSettings;

/// Account id of the central account in the emulator: moto's default account.
pub const CENTRAL_ACCOUNT: &str = "123456789012";
/// Accounts that get a pivot role at start, for the demo environments.
pub const DEMO_ACCOUNTS: [&str; 2] = ["222222222222", "333333333333"];
/// Password of every local user. Local only: the deployed product uses the user pool's own
/// sign-in.
pub const LOCAL_PASSWORD: &str = "Passw0rd!local";

/// Demo users of the hands-on lab: user name and groups.
pub const USERS: &[(&str, &[&str])] = &[
    ("dataall-admin", &["DAAdministrators", "DataPlatformAdmin"]),
    ("ds-admin", &["DataScienceAdmin"]),
    ("ds-a", &["TeamA"]),
    ("ds-b", &["TeamB"]),
];

/// The user pool and app client of the local stack.
#[derive(Debug, Clone)]
pub struct CognitoSetup {
    pub user_pool_id: String,
    pub client_id: String,
    pub issuer: String,
}

/// ARNs of the state machines created from `statemachines/`, by file stem.
#[derive(Debug, Clone, Default)]
pub struct StateMachines {
    pub arns: std::collections::BTreeMap<String, String>,
}

impl StateMachines {
    /// Returns the ARN of the state machine of `statemachines/<stem>.asl.json`.
    pub fn arn(&self, stem: &str) -> Result<&str, String> {
        self.arns
            .get(stem)
            .map(String::as_str)
            .ok_or_else(|| format!("statemachines/{stem}.asl.json is missing"))
    }
}

pub struct Setup {
    pub cognito: CognitoSetup,
    pub state_machines: StateMachines,
}

/// Bootstraps the emulator. Every step can run against an emulator that already has it.
pub async fn run(config: &Config, settings: &LocalSettings) -> Result<Setup, String> {
    let sdk_config = load_sdk_config(config).await;
    let aws = AwsClients::new(sdk_config, config.endpoint_url.clone());
    Store::table_definition()
        .create(&aws.dynamodb(), &config.table_name)
        .await
        .map_err(|error| format!("could not create table {}: {error}", config.table_name))?;
    let cognito = create_user_pool(&aws, &settings.region).await?;
    for account in DEMO_ACCOUNTS {
        create_pivot_role(&aws, account, &config.pivot_role_name).await?;
    }
    create_sender_identity(&aws, &config.email_sender).await?;
    let state_machines = create_state_machines(&aws, &settings.region).await?;
    tracing::info!(user_pool_id = %cognito.user_pool_id, "emulator bootstrapped");
    Ok(Setup {
        cognito,
        state_machines,
    })
}

async fn create_user_pool(aws: &AwsClients, region: &str) -> Result<CognitoSetup, String> {
    let cognito = aws.cognito();
    let pool = cognito
        .create_user_pool()
        .pool_name("dataall-local")
        .send()
        .await
        .map_err(|error| format!("could not create the user pool: {}", error_chain(&error)))?;
    let user_pool_id = pool
        .user_pool
        .and_then(|pool| pool.id)
        .ok_or("the emulator returned a user pool without id")?;
    let client = cognito
        .create_user_pool_client()
        .user_pool_id(&user_pool_id)
        .client_name("dataall-local")
        .generate_secret(false)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowAdminUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .read_attributes("email")
        .send()
        .await
        .map_err(|error| format!("could not create the app client: {}", error_chain(&error)))?;
    let client_id = client
        .user_pool_client
        .and_then(|client| client.client_id)
        .ok_or("the emulator returned an app client without id")?;
    let mut groups: Vec<&str> = USERS
        .iter()
        .flat_map(|(_, groups)| groups.iter().copied())
        .collect();
    groups.sort();
    groups.dedup();
    for group in groups {
        cognito
            .create_group()
            .user_pool_id(&user_pool_id)
            .group_name(group)
            .send()
            .await
            .map_err(|error| format!("could not create group {group}: {}", error_chain(&error)))?;
    }
    for (user, groups) in USERS {
        let email = format!("{user}@example.com");
        cognito
            .admin_create_user()
            .user_pool_id(&user_pool_id)
            .username(*user)
            .user_attributes(
                AttributeType::builder()
                    .name("email")
                    .value(&email)
                    .build()
                    .map_err(|e| e.to_string())?,
            )
            .user_attributes(
                AttributeType::builder()
                    .name("email_verified")
                    .value("true")
                    .build()
                    .map_err(|e| e.to_string())?,
            )
            .message_action(MessageActionType::Suppress)
            .send()
            .await
            .map_err(|error| format!("could not create user {user}: {}", error_chain(&error)))?;
        cognito
            .admin_set_user_password()
            .user_pool_id(&user_pool_id)
            .username(*user)
            .password(LOCAL_PASSWORD)
            .permanent(true)
            .send()
            .await
            .map_err(|error| {
                format!(
                    "could not set the password of {user}: {}",
                    error_chain(&error)
                )
            })?;
        for group in *groups {
            cognito
                .admin_add_user_to_group()
                .user_pool_id(&user_pool_id)
                .username(*user)
                .group_name(*group)
                .send()
                .await
                .map_err(|error| {
                    format!("could not add {user} to {group}: {}", error_chain(&error))
                })?;
        }
    }
    Ok(CognitoSetup {
        issuer: format!("https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"),
        user_pool_id,
        client_id,
    })
}

/// Creates the pivot role in `account`, trusting the central account.
///
/// The emulator lets the central account assume any role, which is how the bootstrap acts
/// inside the environment account to create the role.
pub async fn create_pivot_role(
    aws: &AwsClients,
    account: &str,
    role_name: &str,
) -> Result<(), String> {
    let inside = aws
        .assume_role(account, "bootstrap", None, "dataall-bootstrap")
        .await
        .map_err(|error| format!("could not act in account {account}: {error}"))?;
    let trust = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{CENTRAL_ACCOUNT}:root")},
            "Action": "sts:AssumeRole"
        }]
    });
    let result = inside
        .iam()
        .create_role()
        .role_name(role_name)
        .assume_role_policy_document(trust.to_string())
        .description("Role the data workspace assumes to manage this account")
        .send()
        .await;
    match result {
        Ok(_) => {
            tracing::info!(account, role_name, "pivot role created");
            Ok(())
        }
        Err(error) if error_chain(&error).contains("EntityAlreadyExists") => Ok(()),
        Err(error) => Err(format!(
            "could not create the pivot role in {account}: {}",
            error_chain(&error)
        )),
    }
}

async fn create_sender_identity(aws: &AwsClients, sender: &str) -> Result<(), String> {
    match aws
        .sesv2()
        .create_email_identity()
        .email_identity(sender)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(error) if error_chain(&error).contains("AlreadyExists") => Ok(()),
        Err(error) => Err(format!(
            "could not create SES identity {sender}: {}",
            error_chain(&error)
        )),
    }
}

/// Returns the local ARN of a worker function.
pub fn worker_arn(region: &str, worker: &str) -> String {
    format!("arn:aws:lambda:{region}:{CENTRAL_ACCOUNT}:function:{worker}")
}

/// Fills the `${Name}` substitutions of a state machine definition, as the deployment
/// template's `DefinitionSubstitutions` do.
pub fn substitute(definition: &str, region: &str) -> String {
    let mut text = definition.to_owned();
    for worker in shared::functions::WORKERS {
        text = text.replace(
            &format!("${{{}}}", worker.substitution),
            &worker_arn(region, worker.name),
        );
    }
    text
}

async fn create_state_machines(aws: &AwsClients, region: &str) -> Result<StateMachines, String> {
    let directory = Path::new("statemachines");
    let role = format!("arn:aws:iam::{CENTRAL_ACCOUNT}:role/dataall-state-machines");
    let mut machines = StateMachines::default();
    let mut entries: Vec<_> = std::fs::read_dir(directory)
        .map_err(|error| format!("could not read {}: {error}", directory.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.to_string_lossy().ends_with(".asl.json"))
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .and_then(|name| name.strip_suffix(".asl.json"))
            .ok_or_else(|| format!("{} has no usable name", path.display()))?
            .to_owned();
        let definition = std::fs::read_to_string(&path)
            .map_err(|error| format!("could not read {}: {error}", path.display()))?;
        let output = aws
            .sfn()
            .create_state_machine()
            .name(format!("dataall-{name}"))
            .definition(substitute(&definition, region))
            .role_arn(&role)
            .send()
            .await
            .map_err(|error| {
                format!(
                    "could not create state machine {name}: {}",
                    error_chain(&error)
                )
            })?;
        machines.arns.insert(name, output.state_machine_arn);
    }
    Ok(machines)
}
