//! Runs the deployment's EventBridge schedules in-process, because the emulator cannot
//! deliver scheduled events to Step Functions targets.

use std::time::Duration;

use shared::AppContext;
use shared::schedules::SCHEDULES;

use crate::bootstrap::StateMachines;

/// Starts one task per schedule that starts its state machine once per period. The first
/// run is one period after start. `LOCAL_SCHEDULES=off` turns every schedule off.
pub fn start(context: &AppContext, machines: &StateMachines) -> Result<(), String> {
    if std::env::var("LOCAL_SCHEDULES").is_ok_and(|value| value == "off") {
        tracing::info!("schedules are off");
        return Ok(());
    }
    for schedule in SCHEDULES {
        let arn = machines.arn(schedule.state_machine)?.to_owned();
        let context = context.clone();
        tokio::spawn(async move {
            let period = Duration::from_secs(schedule.period_seconds);
            let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
            loop {
                ticks.tick().await;
                let input: serde_json::Value =
                    serde_json::from_str(schedule.input).unwrap_or_default();
                match shared::workflows::start(&context, &arn, schedule.name, "scheduled", &input)
                    .await
                {
                    Ok(execution) => {
                        tracing::info!(schedule = schedule.name, %execution, "schedule fired")
                    }
                    Err(error) => {
                        tracing::error!(schedule = schedule.name, %error, "schedule could not start its workflow")
                    }
                }
            }
        });
        tracing::info!(
            schedule = schedule.name,
            expression = schedule.expression,
            "schedule armed"
        );
    }
    Ok(())
}
