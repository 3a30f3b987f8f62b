//! Who a Slack user is here: the one active roster entry an admin linked to them. Nobody linked,
//! or more than one active person (two companies, or a race between two admins), acts as nobody.

use domain::ports::ItemStore;
use domain::roster::{RosterEntry, RosterRepo};
use edge::ApiError;

/// Why a Slack user cannot act, said to them in words.
pub enum Unknown {
    NotLinked,
    Ambiguous,
}

impl Unknown {
    pub fn explain(&self, slack_user: &str) -> String {
        match self {
            Unknown::NotLinked => format!(
                "Your Slack account ({slack_user}) is not linked to anyone on the attendance \
                 roster. Ask an admin to add your Slack member id to your employee record."
            ),
            Unknown::Ambiguous => format!(
                "Your Slack account ({slack_user}) is linked to more than one person on the \
                 roster, so nothing was done. Ask an admin to keep just one link."
            ),
        }
    }
}

/// The active person `slack_user` acts as.
pub async fn person(
    store: &dyn ItemStore,
    slack_user: &str,
) -> Result<Result<RosterEntry, Unknown>, ApiError> {
    let mut linked: Vec<RosterEntry> = RosterRepo::new(store)
        .by_slack_user(slack_user)
        .await?
        .into_iter()
        .filter(RosterEntry::is_active)
        .collect();
    Ok(match linked.len() {
        0 => Err(Unknown::NotLinked),
        1 => Ok(linked.remove(0)),
        _ => Err(Unknown::Ambiguous),
    })
}
