//! The EventBridge schedules, played locally: the exam sweep and the check-out reminder, each at
//! a minute (the template runs them every 5 and 15 minutes; a minute keeps demos snappy); and
//! the buckets' lifecycle expirations (retention.rs), which S3 runs on its own.

use std::sync::Arc;
use std::time::Duration;

use crate::stack::Stack;

const EVERY: Duration = Duration::from_secs(60);

/// Runs the scheduled jobs until the process ends.
pub async fn run(stack: Arc<Stack>) {
    let expirations = crate::retention::expirations();
    let mut tick = tokio::time::interval(EVERY);
    loop {
        tick.tick().await;
        if let Err(e) =
            question_answer::sweep(stack.exam_sweep.as_ref(), stack.clock.as_ref()).await
        {
            tracing::warn!(error = %e, "exam sweep failed; the next run retries");
        }
        if let Err(e) = stack.reminder.run().await {
            tracing::warn!(error = %e, "check-out reminder failed; the next run retries");
        }
        crate::retention::sweep(&stack.blobs, &expirations).await;
    }
}
