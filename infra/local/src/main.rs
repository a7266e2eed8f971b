//! The local host: runs the whole product on one machine against the AWS emulator.
//!
//! It starts moto, bootstraps it (table, Cognito users and groups, SES identity, pivot roles,
//! state machines), then serves:
//! - the REST API on `127.0.0.1:$LOCAL_API_PORT` (default 8080), verifying Cognito ID tokens
//!   as the deployed authorizer does and handing each request to the module's handler as the
//!   API Gateway event the deployed function receives;
//! - the AWS endpoint on `127.0.0.1:$LOCAL_AWS_PORT` (default 4566): Lambda `Invoke` runs a
//!   worker in-process and every other request is forwarded to moto, counted by service and
//!   operation (`GET /_local/calls` answers the counts);
//! - the schedules of the deployment template, in-process (`LOCAL_SCHEDULES=off` turns
//!   them off).
//!
//! It stops moto and exits on Ctrl-C or SIGTERM.

#![recursion_limit = "256"]

mod api_server;
mod aws_endpoint;
mod bootstrap;
mod call_log;
mod emulator;
mod http_util;
mod scheduler;
mod tokens;
mod workers;

use std::net::SocketAddr;
use std::sync::Arc;

use shared::AppContext;
use shared::config::Config;

/// Ports and paths of the local stack, from environment variables.
#[derive(Debug, Clone)]
pub struct LocalSettings {
    pub api_port: u16,
    pub aws_port: u16,
    pub moto_port: u16,
    pub python: String,
    pub launcher: String,
    pub region: String,
}

impl LocalSettings {
    fn from_env() -> Result<Self, String> {
        let port = |name: &str, default: u16| -> Result<u16, String> {
            match std::env::var(name) {
                Ok(text) => text.parse().map_err(|_| {
                    format!("environment variable {name} must be a port number, got {text:?}")
                }),
                Err(_) => Ok(default),
            }
        };
        let text =
            |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
        Ok(LocalSettings {
            api_port: port("LOCAL_API_PORT", 8080)?,
            aws_port: port("LOCAL_AWS_PORT", 4566)?,
            moto_port: port("LOCAL_MOTO_PORT", 5000)?,
            python: text("LOCAL_PYTHON", ".venv/bin/python"),
            launcher: text("LOCAL_MOTO_LAUNCHER", "infra/local/moto_launcher.py"),
            region: text("AWS_REGION", "eu-west-1"),
        })
    }
}

/// State shared by the servers.
pub struct LocalHost {
    pub settings: LocalSettings,
    pub context: AppContext,
    pub cognito: bootstrap::CognitoSetup,
    pub verifier: tokens::TokenVerifier,
    pub http: reqwest::Client,
}

#[tokio::main]
async fn main() {
    shared::logging::init();
    if let Err(message) = run().await {
        tracing::error!("local host stopped: {message}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), String> {
    let settings = LocalSettings::from_env()?;
    set_default_env("AWS_ACCESS_KEY_ID", "testing");
    set_default_env("AWS_SECRET_ACCESS_KEY", "testing");
    set_default_env("AWS_REGION", &settings.region);
    set_default_env("TABLE_NAME", "dataall-local");
    // The emulator creates stacks at once, so a short poll keeps local deployments quick.
    set_default_env("STACK_POLL_SECONDS", "1");
    let aws_url = format!("http://127.0.0.1:{}", settings.aws_port);
    // SAFETY: set before any other thread reads the environment.
    unsafe { std::env::set_var("AWS_ENDPOINT_URL", &aws_url) };

    let mut emulator = emulator::Emulator::start(&settings).await?;
    let http = reqwest::Client::builder()
        .pool_idle_timeout(std::time::Duration::from_secs(30))
        .build()
        .map_err(|error| format!("could not build the HTTP client: {error}"))?;

    let aws_listener = bind(settings.aws_port).await?;
    let worker_context_slot: Arc<tokio::sync::OnceCell<AppContext>> = Arc::default();
    let endpoint = aws_endpoint::AwsEndpoint {
        moto_url: format!("http://127.0.0.1:{}", settings.moto_port),
        http: http.clone(),
        context: worker_context_slot.clone(),
        calls: Default::default(),
    };
    tokio::spawn(aws_endpoint::serve(aws_listener, Arc::new(endpoint)));

    let mut config = Config::from_env().map_err(|error| error.to_string())?;
    let setup = bootstrap::run(&config, &settings).await?;
    config.stack_deploy_state_machine_arn =
        Some(setup.state_machines.arn("stack-deploy")?.to_owned());
    config.share_approve_state_machine_arn =
        Some(setup.state_machines.arn("share-approve")?.to_owned());
    config.share_revoke_state_machine_arn =
        Some(setup.state_machines.arn("share-revoke")?.to_owned());
    config.share_notify_state_machine_arn =
        Some(setup.state_machines.arn("share-notify")?.to_owned());
    config.share_verify_state_machine_arn =
        Some(setup.state_machines.arn("share-verify")?.to_owned());
    config.share_reapply_state_machine_arn =
        Some(setup.state_machines.arn("share-reapply")?.to_owned());
    config.cognito_user_pool_id = Some(setup.cognito.user_pool_id.clone());
    let context = AppContext::new(config).await;
    let _ = worker_context_slot.set(context.clone());

    let verifier = tokens::TokenVerifier::load(&http, &settings, &setup.cognito).await?;
    let host = Arc::new(LocalHost {
        settings: settings.clone(),
        context,
        cognito: setup.cognito,
        verifier,
        http,
    });
    scheduler::start(&host.context, &setup.state_machines)?;
    let api_listener = bind(settings.api_port).await?;
    tokio::spawn(api_server::serve(api_listener, host.clone()));
    tracing::info!(
        api = %format!("http://127.0.0.1:{}", settings.api_port),
        aws = %aws_url,
        "local stack ready"
    );
    println!("READY http://127.0.0.1:{}", settings.api_port);

    wait_for_shutdown().await;
    tracing::info!("stopping the local stack");
    emulator.stop().await;
    Ok(())
}

fn set_default_env(name: &str, value: &str) {
    if std::env::var_os(name).is_none() {
        // SAFETY: called at start-up before any other thread exists.
        unsafe { std::env::set_var(name, value) };
    }
}

async fn bind(port: u16) -> Result<tokio::net::TcpListener, String> {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    tokio::net::TcpListener::bind(address)
        .await
        .map_err(|error| {
            format!(
                "could not listen on {address}: {error}; set another port by environment variable"
            )
        })
}

async fn wait_for_shutdown() {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("SIGTERM handler can be installed");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
}
