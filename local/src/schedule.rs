//! The EventBridge schedule, played locally: runs the exam sweep at the template's rate.

use std::sync::Arc;
use std::time::Duration;

use crate::stack::Stack;

/// The template schedules the sweep every 5 minutes; locally a minute keeps demos snappy.
const EVERY: Duration = Duration::from_secs(60);

/// Runs the sweep until the process ends.
pub async fn run(stack: Arc<Stack>) {
    let mut tick = tokio::time::interval(EVERY);
    loop {
        tick.tick().await;
        if let Err(e) = question_answer::sweep(stack.store.as_ref(), stack.clock.as_ref()).await {
            tracing::warn!(error = %e, "exam sweep failed; the next run retries");
        }
    }
}
