//! The share and share item state machines, as data.
//!
//! Each action maps target statuses to the statuses they may be reached from. Applying an
//! action to a current status gives the target whose sources contain it; a status that is
//! already one of the action's targets stays as it is; any other status is an
//! `InvalidStateTransition` naming it. Callers write the result with a condition on the
//! current status, so two racing actions never both win.

/// Share statuses.
pub const DRAFT: &str = "Draft";
pub const SUBMITTED: &str = "Submitted";
pub const APPROVED: &str = "Approved";
pub const REJECTED: &str = "Rejected";
pub const REVOKED: &str = "Revoked";
pub const SHARE_IN_PROGRESS: &str = "Share_In_Progress";
pub const REVOKE_IN_PROGRESS: &str = "Revoke_In_Progress";
pub const PROCESSED: &str = "Processed";

/// Share item statuses.
pub const PENDING_APPROVAL: &str = "PendingApproval";
pub const SHARE_APPROVED: &str = "Share_Approved";
pub const SHARE_REJECTED: &str = "Share_Rejected";
pub const ITEM_SHARE_IN_PROGRESS: &str = "Share_In_Progress";
pub const SHARE_SUCCEEDED: &str = "Share_Succeeded";
pub const SHARE_FAILED: &str = "Share_Failed";
pub const REVOKE_APPROVED: &str = "Revoke_Approved";
pub const ITEM_REVOKE_IN_PROGRESS: &str = "Revoke_In_Progress";
pub const REVOKE_SUCCEEDED: &str = "Revoke_Succeeded";
pub const REVOKE_FAILED: &str = "Revoke_Failed";
/// Pseudo-status: reaching it deletes the item.
pub const ITEM_DELETED: &str = "Deleted";

/// Item statuses in which the principal has, or is getting or losing, access.
pub const SHARED_STATES: &[&str] = &[
    SHARE_SUCCEEDED,
    ITEM_SHARE_IN_PROGRESS,
    REVOKE_FAILED,
    ITEM_REVOKE_IN_PROGRESS,
    REVOKE_APPROVED,
];

/// Item statuses from which access can be revoked.
pub const REVOKABLE_STATES: &[&str] = &[SHARE_SUCCEEDED, REVOKE_FAILED];

/// An action on a share or share item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Submit,
    Approve,
    Reject,
    RevokeItems,
    Start,
    Finish,
    FinishPending,
    AddItem,
    RemoveItem,
    Success,
    Failure,
}

type Transitions = &'static [(&'static str, &'static [&'static str])];

/// Returns the share transitions of an action.
fn share_transitions(action: Action) -> Transitions {
    match action {
        Action::Submit => &[(SUBMITTED, &[DRAFT, REJECTED])],
        Action::Approve => &[(APPROVED, &[SUBMITTED])],
        Action::Reject => &[(REJECTED, &[SUBMITTED])],
        Action::RevokeItems => &[(REVOKED, &[DRAFT, SUBMITTED, REJECTED, PROCESSED])],
        Action::Start => &[
            (SHARE_IN_PROGRESS, &[APPROVED]),
            (REVOKE_IN_PROGRESS, &[REVOKED]),
        ],
        Action::Finish => &[(PROCESSED, &[SHARE_IN_PROGRESS, REVOKE_IN_PROGRESS])],
        Action::FinishPending => &[(DRAFT, &[REVOKE_IN_PROGRESS])],
        Action::AddItem => &[(DRAFT, &[SUBMITTED, REJECTED, PROCESSED])],
        Action::RemoveItem | Action::Success | Action::Failure => &[],
    }
}

/// Returns the item transitions of an action. Statuses listed as their own source stay.
fn item_transitions(action: Action) -> Transitions {
    const STAY_WHILE_SHARED: &[&str] = &[
        ITEM_SHARE_IN_PROGRESS,
        SHARE_SUCCEEDED,
        REVOKE_APPROVED,
        ITEM_REVOKE_IN_PROGRESS,
        REVOKE_FAILED,
        REVOKE_SUCCEEDED,
    ];
    match action {
        Action::Submit => &[
            (
                PENDING_APPROVAL,
                &[SHARE_REJECTED, SHARE_FAILED, PENDING_APPROVAL],
            ),
            (SHARE_APPROVED, &[SHARE_APPROVED]),
            (ITEM_SHARE_IN_PROGRESS, &[ITEM_SHARE_IN_PROGRESS]),
            (SHARE_SUCCEEDED, &[SHARE_SUCCEEDED]),
            (REVOKE_APPROVED, &[REVOKE_APPROVED]),
            (ITEM_REVOKE_IN_PROGRESS, &[ITEM_REVOKE_IN_PROGRESS]),
            (REVOKE_FAILED, &[REVOKE_FAILED]),
            (REVOKE_SUCCEEDED, &[REVOKE_SUCCEEDED]),
        ],
        Action::Approve => &[
            (SHARE_APPROVED, &[PENDING_APPROVAL]),
            ("", STAY_WHILE_SHARED),
        ],
        Action::Reject => &[
            (SHARE_REJECTED, &[PENDING_APPROVAL]),
            ("", STAY_WHILE_SHARED),
        ],
        Action::Start => &[
            (ITEM_SHARE_IN_PROGRESS, &[SHARE_APPROVED]),
            (ITEM_REVOKE_IN_PROGRESS, &[REVOKE_APPROVED]),
        ],
        Action::Success => &[
            (SHARE_SUCCEEDED, &[ITEM_SHARE_IN_PROGRESS]),
            (REVOKE_SUCCEEDED, &[ITEM_REVOKE_IN_PROGRESS]),
        ],
        Action::Failure => &[
            (SHARE_FAILED, &[ITEM_SHARE_IN_PROGRESS, SHARE_APPROVED]),
            (REVOKE_FAILED, &[ITEM_REVOKE_IN_PROGRESS, REVOKE_APPROVED]),
        ],
        Action::RemoveItem => &[(
            ITEM_DELETED,
            &[
                PENDING_APPROVAL,
                SHARE_REJECTED,
                SHARE_FAILED,
                REVOKE_SUCCEEDED,
            ],
        )],
        Action::RevokeItems => &[(
            REVOKE_APPROVED,
            &[SHARE_SUCCEEDED, REVOKE_FAILED, REVOKE_APPROVED],
        )],
        Action::AddItem | Action::Finish | Action::FinishPending => &[],
    }
}

/// A forbidden action for the current status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{subject} in status {status} cannot {action:?}")]
pub struct TransitionError {
    pub subject: &'static str,
    pub status: String,
    pub action: Action,
}

impl From<TransitionError> for crate::error::ApiError {
    fn from(error: TransitionError) -> Self {
        crate::error::ApiError::InvalidStateTransition(error.to_string())
    }
}

fn apply(
    subject: &'static str,
    transitions: Transitions,
    action: Action,
    current: &str,
) -> Result<String, TransitionError> {
    for (target, sources) in transitions {
        if sources.contains(&current) {
            // An empty target means "stays as it is".
            return Ok(if target.is_empty() {
                current.to_owned()
            } else {
                (*target).to_owned()
            });
        }
    }
    if transitions.iter().any(|(target, _)| *target == current) {
        return Ok(current.to_owned());
    }
    Err(TransitionError {
        subject,
        status: current.to_owned(),
        action,
    })
}

/// Returns the share status after `action`.
pub fn next_share_status(action: Action, current: &str) -> Result<String, TransitionError> {
    apply("share", share_transitions(action), action, current)
}

/// Returns the item status after `action`.
pub fn next_item_status(action: Action, current: &str) -> Result<String, TransitionError> {
    apply("share item", item_transitions(action), action, current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_happy_path() {
        assert_eq!(next_share_status(Action::Submit, DRAFT).unwrap(), SUBMITTED);
        assert_eq!(
            next_share_status(Action::Approve, SUBMITTED).unwrap(),
            APPROVED
        );
        assert_eq!(
            next_share_status(Action::Start, APPROVED).unwrap(),
            SHARE_IN_PROGRESS
        );
        assert_eq!(
            next_share_status(Action::Finish, SHARE_IN_PROGRESS).unwrap(),
            PROCESSED
        );
        assert_eq!(
            next_share_status(Action::RevokeItems, PROCESSED).unwrap(),
            REVOKED
        );
        assert_eq!(
            next_share_status(Action::Start, REVOKED).unwrap(),
            REVOKE_IN_PROGRESS
        );
        assert_eq!(
            next_share_status(Action::FinishPending, REVOKE_IN_PROGRESS).unwrap(),
            DRAFT
        );
    }

    #[test]
    fn share_target_stays() {
        assert_eq!(
            next_share_status(Action::Submit, SUBMITTED).unwrap(),
            SUBMITTED
        );
        assert_eq!(next_share_status(Action::AddItem, DRAFT).unwrap(), DRAFT);
    }

    #[test]
    fn forbidden_share_actions_name_status() {
        let cases = [
            (Action::Approve, DRAFT),
            (Action::Reject, PROCESSED),
            (Action::Submit, SHARE_IN_PROGRESS),
            (Action::RevokeItems, SHARE_IN_PROGRESS),
            (Action::Finish, APPROVED),
        ];
        for (action, status) in cases {
            let error = next_share_status(action, status).unwrap_err();
            assert_eq!(error.status, status, "{action:?}");
            assert!(error.to_string().contains(status));
        }
    }

    #[test]
    fn item_transitions_follow_table() {
        assert_eq!(
            next_item_status(Action::Approve, PENDING_APPROVAL).unwrap(),
            SHARE_APPROVED
        );
        assert_eq!(
            next_item_status(Action::Approve, SHARE_SUCCEEDED).unwrap(),
            SHARE_SUCCEEDED
        );
        assert!(next_item_status(Action::Approve, SHARE_REJECTED).is_err());
        assert_eq!(
            next_item_status(Action::Submit, SHARE_FAILED).unwrap(),
            PENDING_APPROVAL
        );
        assert_eq!(
            next_item_status(Action::Start, REVOKE_APPROVED).unwrap(),
            ITEM_REVOKE_IN_PROGRESS
        );
        assert_eq!(
            next_item_status(Action::Failure, SHARE_APPROVED).unwrap(),
            SHARE_FAILED
        );
        assert_eq!(
            next_item_status(Action::RemoveItem, REVOKE_SUCCEEDED).unwrap(),
            ITEM_DELETED
        );
        assert!(next_item_status(Action::RemoveItem, SHARE_SUCCEEDED).is_err());
        assert!(next_item_status(Action::RevokeItems, PENDING_APPROVAL).is_err());
        assert_eq!(
            next_item_status(Action::RevokeItems, REVOKE_FAILED).unwrap(),
            REVOKE_APPROVED
        );
    }
}
