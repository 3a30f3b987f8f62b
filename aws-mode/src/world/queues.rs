//! The template's SQS queues (the dead-letter queues of the streams and schedules), with their
//! attributes as declared.

use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::QueueAttributeName;

use super::only_known;
use crate::names::{Names, Physical};
use crate::template::resources;

const KNOWN: [&str; 2] = ["MessageRetentionPeriod", "SqsManagedSseEnabled"];

/// Makes every queue and records its URL (what `!Ref` answers) in `names`.
pub(super) async fn make(sqs: &Client, names: &mut Names) -> Result<(), String> {
    for (id, resource) in resources("AWS::SQS::Queue") {
        only_known(id, resource, &KNOWN)?;
        let physical = names
            .physical(id)
            .ok_or_else(|| format!("{id} was not named"))?;
        let name = physical.attributes["QueueName"].clone();
        let arn = physical.attributes["Arn"].clone();
        let mut request = sqs.create_queue().queue_name(&name);
        for attribute in KNOWN {
            let value = &resource["Properties"][attribute];
            if !value.is_null() {
                request = request.attributes(
                    QueueAttributeName::from(attribute),
                    names.resolve_one(value)?,
                );
            }
        }
        let made = request
            .send()
            .await
            .map_err(|e| format!("{id}: CreateQueue: {e:?}"))?;
        let url = made.queue_url().ok_or("CreateQueue: no URL")?;
        names.insert(id, Physical::new(url, arn).with("QueueName", name));
    }
    Ok(())
}
