//! What one AWS request asks of IAM, as AWS authorises it: the actions and the resource ARNs,
//! read from the request the SDK sends (the signing service in the SigV4 credential scope, the
//! JSON target, the REST path). A transaction asks the per-item actions
//! (`dynamodb:PutItem`…), never `TransactWriteItems`, which IAM does not have.

use serde_json::Value;

/// One action on one resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ask {
    pub action: String,
    pub resource: String,
}

fn ask(action: impl Into<String>, resource: impl Into<String>) -> Ask {
    Ask {
        action: action.into(),
        resource: resource.into(),
    }
}

/// The request as the front received it.
pub struct Request<'a> {
    /// SigV4's signing service (`dynamodb`, `s3`, `ses`, `cognito-idp`, `secretsmanager`…).
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    /// `X-Amz-Target`, for the JSON protocols.
    pub target: Option<&'a str>,
    pub body: &'a [u8],
}

/// Everything `request` asks, or why it cannot be read (which refuses it: a request the front
/// cannot judge is never let through).
pub fn asks(
    request: &Request,
    secret_arn: impl Fn(&str) -> Option<String>,
) -> Result<Vec<Ask>, String> {
    let json = || -> Result<Value, String> {
        serde_json::from_slice(request.body)
            .map_err(|e| format!("a JSON body that does not parse: {e}"))
    };
    let operation = || {
        request
            .target
            .and_then(|t| t.rsplit_once('.'))
            .map(|(_, op)| op.to_string())
            .ok_or_else(|| format!("a {} request without X-Amz-Target", request.service))
    };
    let Request {
        region, account, ..
    } = request;
    match request.service {
        // The stream API signs as `dynamodb` too; a shard iterator names no stream, so only a
        // statement on every stream (as SAM's AWSLambdaDynamoDBExecutionRole is) grants it.
        "dynamodb"
            if request
                .target
                .is_some_and(|t| t.starts_with("DynamoDBStreams_")) =>
        {
            let op = operation()?;
            let body = json()?;
            let resource = body["StreamArn"].as_str().unwrap_or("*");
            Ok(vec![ask(format!("dynamodb:{op}"), resource)])
        }
        // SQS's JSON protocol names the queue by URL: `<endpoint>/<account>/<name>`.
        "sqs" => {
            let op = operation()?;
            let body = json()?;
            let url = body["QueueUrl"]
                .as_str()
                .ok_or("an SQS request without QueueUrl")?;
            let name = url.rsplit('/').next().unwrap_or_default();
            Ok(vec![ask(
                format!("sqs:{op}"),
                format!("arn:aws:sqs:{region}:{account}:{name}"),
            )])
        }
        // Rekognition authorises collection operations on the collection, the rest on `*`.
        "rekognition" => {
            let op = operation()?;
            let body = json()?;
            let resource = match body["CollectionId"].as_str() {
                Some(id) => format!("arn:aws:rekognition:{region}:{account}:collection/{id}"),
                None => "*".to_string(),
            };
            Ok(vec![ask(format!("rekognition:{op}"), resource)])
        }
        "dynamodb" => {
            let op = operation()?;
            let body = json()?;
            let table = |name: &Value| -> Result<String, String> {
                let name = name
                    .as_str()
                    .ok_or("a DynamoDB request without TableName")?;
                Ok(if name.starts_with("arn:") {
                    name.to_string()
                } else {
                    format!("arn:aws:dynamodb:{region}:{account}:table/{name}")
                })
            };
            Ok(match op.as_str() {
                "TransactWriteItems" | "TransactGetItems" => {
                    let mut asks = Vec::new();
                    for item in body["TransactItems"].as_array().into_iter().flatten() {
                        let (kind, detail) = item
                            .as_object()
                            .and_then(|o| o.iter().next())
                            .ok_or("an empty transaction item")?;
                        let action = match kind.as_str() {
                            "Put" => "PutItem",
                            "Update" => "UpdateItem",
                            "Delete" => "DeleteItem",
                            "ConditionCheck" => "ConditionCheckItem",
                            "Get" => "GetItem",
                            other => return Err(format!("a transaction item of kind {other}")),
                        };
                        asks.push(ask(
                            format!("dynamodb:{action}"),
                            table(&detail["TableName"])?,
                        ));
                    }
                    asks
                }
                "BatchGetItem" | "BatchWriteItem" => body["RequestItems"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, _)| {
                        Ok(ask(
                            format!("dynamodb:{op}"),
                            table(&Value::from(name.as_str()))?,
                        ))
                    })
                    .collect::<Result<_, String>>()?,
                "Query" | "Scan" => {
                    let mut resource = table(&body["TableName"])?;
                    if let Some(index) = body["IndexName"].as_str() {
                        resource = format!("{resource}/index/{index}");
                    }
                    vec![ask(format!("dynamodb:{op}"), resource)]
                }
                "ListTables" => vec![ask("dynamodb:ListTables", "*")],
                _ => vec![ask(format!("dynamodb:{op}"), table(&body["TableName"])?)],
            })
        }
        "cognito-idp" => {
            let op = operation()?;
            let body = json()?;
            let resource = match body["UserPoolId"].as_str() {
                Some(pool) => format!("arn:aws:cognito-idp:{region}:{account}:userpool/{pool}"),
                None => "*".to_string(),
            };
            Ok(vec![ask(format!("cognito-idp:{op}"), resource)])
        }
        "secretsmanager" => {
            let op = operation()?;
            let body = json()?;
            let id = body["SecretId"]
                .as_str()
                .ok_or("a Secrets Manager request without SecretId")?;
            let resource = if id.starts_with("arn:") {
                id.to_string()
            } else {
                secret_arn(id).ok_or_else(|| format!("no secret named {id}"))?
            };
            Ok(vec![ask(format!("secretsmanager:{op}"), resource)])
        }
        // SES v2 signs as `ses`; sending is authorised on the sender's identity.
        "ses" if request.method == "POST" && request.path == "/v2/email/outbound-emails" => {
            let body = json()?;
            let from = body["FromEmailAddress"]
                .as_str()
                .ok_or("SendEmail without FromEmailAddress")?;
            let address = from
                .rsplit_once('<')
                .map_or(from, |(_, a)| a.trim_end_matches('>'));
            Ok(vec![ask(
                "ses:SendEmail",
                format!("arn:aws:ses:{region}:{account}:identity/{address}"),
            )])
        }
        "s3" => Ok(vec![s3(request)?]),
        other => Err(format!(
            "a {other} request, which no function of the template makes"
        )),
    }
}

/// S3, path-style (`/bucket/key`), as the SDK addresses the emulator.
fn s3(request: &Request) -> Result<Ask, String> {
    let path = request.path.trim_start_matches('/');
    let (bucket, key) = path.split_once('/').unwrap_or((path, ""));
    if bucket.is_empty() {
        return Err("an S3 request without a bucket".into());
    }
    let key = percent_encoding::percent_decode_str(key).decode_utf8_lossy();
    let has = |param: &str| {
        request
            .query
            .split('&')
            .any(|p| p == param || p.starts_with(&format!("{param}=")))
    };
    let bucket_arn = format!("arn:aws:s3:::{bucket}");
    let object_arn = format!("{bucket_arn}/{key}");
    Ok(match (request.method, key.is_empty()) {
        ("GET", true) if has("versions") => ask("s3:ListBucketVersions", bucket_arn),
        ("GET", true) => ask("s3:ListBucket", bucket_arn),
        ("GET" | "HEAD", false) if has("versionId") => ask("s3:GetObjectVersion", object_arn),
        ("GET" | "HEAD", false) => ask("s3:GetObject", object_arn),
        ("PUT", false) => ask("s3:PutObject", object_arn),
        ("DELETE", false) if has("versionId") => ask("s3:DeleteObjectVersion", object_arn),
        ("DELETE", false) => ask("s3:DeleteObject", object_arn),
        (method, _) => return Err(format!("an S3 {method} {} no function makes", request.path)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request<'a>(
        service: &'a str,
        method: &'a str,
        path: &'a str,
        query: &'a str,
        target: Option<&'a str>,
        body: &'a str,
    ) -> Request<'a> {
        Request {
            service,
            region: "us-east-1",
            account: "123456789012",
            method,
            path,
            query,
            target,
            body: body.as_bytes(),
        }
    }

    fn none(_: &str) -> Option<String> {
        None
    }

    /// What a DynamoDB call of operation `op` with `body` asks.
    fn dynamodb(op: &str, body: &str) -> Vec<Ask> {
        let target = format!("DynamoDB_20120810.{op}");
        asks(
            &request("dynamodb", "POST", "/", "", Some(&target), body),
            none,
        )
        .unwrap()
    }

    #[test]
    fn a_query_on_an_index_asks_for_the_index() {
        let body = r#"{"TableName":"T","IndexName":"slack","KeyConditionExpression":"x"}"#;
        let asked = dynamodb("Query", body);
        assert_eq!(
            asked,
            [ask(
                "dynamodb:Query",
                "arn:aws:dynamodb:us-east-1:123456789012:table/T/index/slack"
            )]
        );
    }

    #[test]
    fn a_batch_asks_its_own_action_on_every_table() {
        let body = r#"{"RequestItems":{"A":[],"B":[]}}"#;
        let asked = dynamodb("BatchWriteItem", body);
        let tables: Vec<&str> = asked
            .iter()
            .map(|a| a.resource.rsplit('/').next().unwrap())
            .collect();
        assert_eq!(tables, ["A", "B"]);
        assert!(asked.iter().all(|a| a.action == "dynamodb:BatchWriteItem"));
    }

    #[test]
    fn s3_asks_by_method_and_path() {
        let list = asks(
            &request(
                "s3",
                "GET",
                "/b",
                "list-type=2&prefix=attendance%2F",
                None,
                "",
            ),
            none,
        )
        .unwrap();
        assert_eq!(list, [ask("s3:ListBucket", "arn:aws:s3:::b")]);
        let head = asks(
            &request("s3", "HEAD", "/b/resumes/u%40x.pdf", "", None, ""),
            none,
        )
        .unwrap();
        assert_eq!(
            head,
            [ask("s3:GetObject", "arn:aws:s3:::b/resumes/u@x.pdf")],
            "HEAD is GetObject"
        );
        let versions = asks(
            &request("s3", "GET", "/b", "versions&prefix=r", None, ""),
            none,
        );
        assert_eq!(
            versions.unwrap(),
            [ask("s3:ListBucketVersions", "arn:aws:s3:::b")]
        );
        let one = asks(
            &request("s3", "DELETE", "/b/r/cv.pdf", "versionId=3HL4", None, ""),
            none,
        );
        assert_eq!(
            one.unwrap(),
            [ask("s3:DeleteObjectVersion", "arn:aws:s3:::b/r/cv.pdf")],
            "a delete naming a version is DeleteObjectVersion"
        );
    }

    #[test]
    fn mail_is_judged_on_the_senders_identity() {
        let body = r#"{"FromEmailAddress":"Careers <careers@genese.example>"}"#;
        let asked = asks(
            &request("ses", "POST", "/v2/email/outbound-emails", "", None, body),
            none,
        )
        .unwrap();
        assert_eq!(
            asked,
            [ask(
                "ses:SendEmail",
                "arn:aws:ses:us-east-1:123456789012:identity/careers@genese.example"
            )]
        );
    }

    #[test]
    fn queues_streams_and_collections_are_judged_on_their_arns() {
        let judged = |service, target, body| {
            asks(&request(service, "POST", "/", "", Some(target), body), none).unwrap()
        };
        assert_eq!(
            judged(
                "sqs",
                "AmazonSQS.SendMessage",
                r#"{"QueueUrl":"http://localhost:5000/123456789012/dlq"}"#
            ),
            [ask(
                "sqs:SendMessage",
                "arn:aws:sqs:us-east-1:123456789012:dlq"
            )]
        );
        assert_eq!(
            judged(
                "dynamodb",
                "DynamoDBStreams_20120810.GetRecords",
                r#"{"ShardIterator":"x"}"#
            ),
            [ask("dynamodb:GetRecords", "*")]
        );
        assert_eq!(
            judged(
                "rekognition",
                "RekognitionService.IndexFaces",
                r#"{"CollectionId":"genese-acme"}"#
            ),
            [ask(
                "rekognition:IndexFaces",
                "arn:aws:rekognition:us-east-1:123456789012:collection/genese-acme"
            )]
        );
        assert_eq!(
            judged("rekognition", "RekognitionService.DetectFaces", "{}"),
            [ask("rekognition:DetectFaces", "*")]
        );
    }

    #[test]
    fn what_cannot_be_read_is_never_let_through() {
        assert!(asks(&request("sqs", "POST", "/", "", None, ""), none).is_err());
        assert!(
            asks(&request("dynamodb", "POST", "/", "", None, "{}"), none).is_err(),
            "no target"
        );
        assert!(asks(&request("s3", "POST", "/b", "delete", None, ""), none).is_err());
        let secret = r#"{"SecretId":"unknown"}"#;
        assert!(
            asks(
                &request(
                    "secretsmanager",
                    "POST",
                    "/",
                    "",
                    Some("secretsmanager.GetSecretValue"),
                    secret
                ),
                none
            )
            .is_err()
        );
    }
}
