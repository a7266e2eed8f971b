//! Benchmark: AWS calls and wall time to approve a share of 1, 10 and 100 tables on the
//! local stack. Not a test: it prints figures and asserts none.
//!
//! Start the stack without schedules, so nothing else calls AWS meanwhile, then run:
//!
//! ```sh
//! LOCAL_SCHEDULES=off LOCAL_DEMO=off ./run
//! cargo run -p integration-tests --example share_benchmark [TABLES...]
//! ```
//!
//! For each size it links a producer and a consumer account, creates a dataset with that
//! many Glue tables, and has TeamA request all of them. It then waits until no workflow
//! runs, reads the local AWS endpoint's call log, approves, waits until the approve and
//! notification workflows have finished, and reads the call log again. The difference is
//! every AWS call the approval made: the API handler's, the state machines' Lambda
//! invocations and the workers' calls. The benchmark polls the workflows on moto directly,
//! around the endpoint, so its own calls are not counted.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use integration_tests::fixtures::TableShareSetup;
use integration_tests::{Api, aws_at, aws_url};
use serde_json::{Value, json};
use shared::aws::AwsClients;

const REGION: &str = "eu-west-3";

type Counts = BTreeMap<(String, String), u64>;

struct Measure {
    tables: usize,
    api_ms: u128,
    processed_ms: u128,
    shared_items: u64,
    status: String,
    calls: Counts,
}

#[tokio::main]
async fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|text| text.parse().expect("each argument is a number of tables"))
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1, 10, 100]
    } else {
        sizes
    };
    let moto_url = format!(
        "http://127.0.0.1:{}",
        std::env::var("LOCAL_MOTO_PORT").unwrap_or_else(|_| "5000".to_owned())
    );
    let moto = aws_at(&moto_url).await;
    let mut measures = Vec::new();
    for tables in sizes {
        eprintln!("setting up a share of {tables} tables");
        let share_uri = set_up(tables).await;
        measures.push(approve(&moto, &share_uri, tables).await);
    }
    print_report(&measures);
}

/// Creates the accounts, dataset, tables and consumer environment, and a submitted share of
/// every table. Returns the share's uri.
async fn set_up(tables: usize) -> String {
    let setup = TableShareSetup::new(tables, REGION).await;
    let team_a = Api::as_user("ds-a").await;
    let share = team_a
        .post("/shares", setup.request(&setup.items))
        .await
        .ok();
    let share_uri = share["uri"].as_str().expect("a share uri").to_owned();
    team_a
        .post(&format!("/shares/{share_uri}/submit"), json!({}))
        .await
        .ok();
    share_uri
}

/// Approves the share and measures the calls and time until its workflows finish.
async fn approve(moto: &AwsClients, share_uri: &str, tables: usize) -> Measure {
    wait_for_idle_workflows(moto, None).await;
    let before = read_calls().await;
    let admin = Api::as_user("dataall-admin").await;
    let started = Instant::now();
    admin
        .post(&format!("/shares/{share_uri}/approve"), json!({}))
        .await
        .ok();
    let api_ms = started.elapsed().as_millis();
    let processed_ms = wait_for_idle_workflows(moto, Some((share_uri, started))).await;
    let after = read_calls().await;
    let share = admin.get(&format!("/shares/{share_uri}")).await.ok();
    let mut calls = Counts::new();
    for (key, count) in after {
        let difference = count - before.get(&key).copied().unwrap_or(0);
        if difference > 0 {
            calls.insert(key, difference);
        }
    }
    Measure {
        tables,
        api_ms,
        processed_ms,
        shared_items: share["statistics"]["sharedItems"].as_u64().unwrap_or(0),
        status: share["status"].as_str().unwrap_or("?").to_owned(),
        calls,
    }
}

/// Waits until no execution of any state machine runs. With a share, also waits until its
/// approve execution has started and finished, and returns the milliseconds from `started`
/// until it was seen finished.
async fn wait_for_idle_workflows(moto: &AwsClients, share: Option<(&str, Instant)>) -> u128 {
    let sfn = moto.sfn();
    let machines = sfn
        .list_state_machines()
        .send()
        .await
        .expect("moto lists the state machines");
    let deadline = Instant::now() + Duration::from_secs(900);
    let mut approve_finished: Option<u128> = None;
    loop {
        let mut running = 0;
        for machine in machines.state_machines() {
            let executions = sfn
                .list_executions()
                .state_machine_arn(machine.state_machine_arn())
                .send()
                .await
                .expect("moto lists the executions");
            for execution in executions.executions() {
                let is_approve = share.is_some_and(|(uri, _)| {
                    execution.name().starts_with(&format!("{uri}-approve-"))
                });
                match execution.status().as_str() {
                    "RUNNING" => running += 1,
                    _ if is_approve && approve_finished.is_none() => {
                        approve_finished = share.map(|(_, started)| started.elapsed().as_millis());
                    }
                    _ => {}
                }
            }
        }
        if running == 0 && (share.is_none() || approve_finished.is_some()) {
            return approve_finished.unwrap_or(0);
        }
        assert!(
            Instant::now() < deadline,
            "workflows still run after 15 minutes"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn read_calls() -> Counts {
    let log: Value = reqwest::get(format!("{}/_local/calls", aws_url()))
        .await
        .expect("the local AWS endpoint answers")
        .json()
        .await
        .expect("the call log is JSON");
    log["calls"]
        .as_array()
        .expect("a list of calls")
        .iter()
        .map(|call| {
            (
                (
                    call["service"].as_str().unwrap_or_default().to_owned(),
                    call["operation"].as_str().unwrap_or_default().to_owned(),
                ),
                call["count"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn by_service(calls: &Counts) -> BTreeMap<&str, u64> {
    let mut services = BTreeMap::new();
    for ((service, _), count) in calls {
        *services.entry(service.as_str()).or_default() += count;
    }
    services
}

fn print_report(measures: &[Measure]) {
    let mut services: Vec<&str> = measures
        .iter()
        .flat_map(|measure| by_service(&measure.calls).into_keys())
        .collect();
    services.sort();
    services.dedup();
    println!(
        "| tables | share status | shared items | approve API ms | until processed s | AWS calls | calls per table | {} |",
        services.join(" | ")
    );
    println!("|{}", "---:|".repeat(7 + services.len()));
    for measure in measures {
        let total: u64 = measure.calls.values().sum();
        let per_service = by_service(&measure.calls);
        let columns: Vec<String> = services
            .iter()
            .map(|service| per_service.get(service).copied().unwrap_or(0).to_string())
            .collect();
        println!(
            "| {} | {} | {} | {} | {:.1} | {} | {:.1} | {} |",
            measure.tables,
            measure.status,
            measure.shared_items,
            measure.api_ms,
            measure.processed_ms as f64 / 1000.0,
            total,
            total as f64 / measure.tables as f64,
            columns.join(" | ")
        );
    }
    if let Some(largest) = measures.iter().max_by_key(|measure| measure.tables) {
        println!();
        println!("Calls by operation, share of {} tables:", largest.tables);
        println!();
        println!("| service | operation | calls |");
        println!("|---|---|---:|");
        let mut rows: Vec<_> = largest.calls.iter().collect();
        rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for ((service, operation), count) in rows {
            println!("| {service} | {operation} | {count} |");
        }
    }
}
