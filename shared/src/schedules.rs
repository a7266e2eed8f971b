//! The EventBridge schedules of the deployment, each of which starts a state machine. The
//! local host runs the same list in-process.

/// A schedule that starts a state machine with a fixed input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub name: &'static str,
    /// The state machine's file stem in `statemachines/`.
    pub state_machine: &'static str,
    /// The EventBridge schedule expression.
    pub expression: &'static str,
    /// The same period in seconds, for the local host.
    pub period_seconds: u64,
    pub input: &'static str,
}

/// Every schedule.
pub const SCHEDULES: &[Schedule] = &[
    Schedule {
        name: "stack-update",
        state_machine: "stack-update",
        expression: "rate(1 day)",
        period_seconds: 24 * 60 * 60,
        input: "{}",
    },
    Schedule {
        name: "tables-sync",
        state_machine: "tables-sync",
        expression: "rate(15 minutes)",
        period_seconds: 15 * 60,
        input: "{}",
    },
    Schedule {
        name: "share-verifier",
        state_machine: "share-verifier",
        expression: "rate(7 days)",
        period_seconds: 7 * 24 * 60 * 60,
        input: "{}",
    },
];
