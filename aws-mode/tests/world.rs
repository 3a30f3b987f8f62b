//! The world made on a real moto_server from template.yaml alone, read back from the emulator
//! and held to the template: what the template declares is what the emulator holds.

use std::collections::BTreeSet;

use aws_mode::moto::MotoServer;
use aws_mode::template::{functions, resources, template};
use aws_mode::world;

#[tokio::test]
async fn the_world_on_moto_is_what_the_template_declares() {
    let moto = MotoServer::start();
    let config = moto.sdk_config().await;
    let world = world::make(&config, "genese-aws").await.unwrap();
    let names = &world.names;

    let dynamodb = aws_sdk_dynamodb::Client::new(&config);
    let tables = resources("AWS::DynamoDB::Table");
    assert_eq!(tables.len(), 10);
    for (id, resource) in tables {
        let p = &resource["Properties"];
        let name = names.reference(id).unwrap();
        assert!(
            name.starts_with(&format!("genese-aws-{id}-")),
            "{id} is named as CloudFormation names it: {name}"
        );
        let table = dynamodb
            .describe_table()
            .table_name(&name)
            .send()
            .await
            .unwrap();
        let table = table.table().unwrap();
        let keys: Vec<String> = table
            .key_schema()
            .iter()
            .map(|k| format!("{}:{}", k.attribute_name(), k.key_type().as_str()))
            .collect();
        let declared: Vec<String> = p["KeySchema"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|k| {
                format!(
                    "{}:{}",
                    k["AttributeName"].as_str().unwrap(),
                    k["KeyType"].as_str().unwrap()
                )
            })
            .collect();
        assert_eq!(keys, declared, "{id}: keys");
        let indexes: BTreeSet<&str> = table
            .global_secondary_indexes()
            .iter()
            .filter_map(|i| i.index_name())
            .collect();
        let declared: BTreeSet<&str> = p["GlobalSecondaryIndexes"]
            .as_sequence()
            .into_iter()
            .flatten()
            .filter_map(|i| i["IndexName"].as_str())
            .collect();
        assert_eq!(indexes, declared, "{id}: indexes");
        let streamed = table
            .stream_specification()
            .is_some_and(|s| s.stream_enabled());
        assert_eq!(
            streamed,
            !p["StreamSpecification"].is_null(),
            "{id}: stream"
        );
        if streamed {
            let stream = names.sub(&format!("${{{id}.StreamArn}}")).unwrap();
            assert_eq!(
                Some(stream.as_str()),
                table.latest_stream_arn(),
                "{id}: !GetAtt StreamArn"
            );
        }
        let ttl = dynamodb
            .describe_time_to_live()
            .table_name(&name)
            .send()
            .await
            .unwrap();
        let attribute = ttl
            .time_to_live_description()
            .and_then(|t| t.attribute_name())
            .map(str::to_string);
        assert_eq!(
            attribute.as_deref(),
            p["TimeToLiveSpecification"]["AttributeName"].as_str(),
            "{id}: TTL"
        );
    }
    let employees = names.reference("EmployeesTable").unwrap();
    let described = dynamodb
        .describe_table()
        .table_name(employees)
        .send()
        .await
        .unwrap();
    assert!(
        described
            .table()
            .unwrap()
            .global_secondary_indexes()
            .iter()
            .any(|i| i.index_name() == Some("slack")),
        "the Slack lookup index exists"
    );

    let s3 = world::s3_client(&config);
    for (id, _) in resources("AWS::S3::Bucket") {
        let bucket = names.reference(id).unwrap();
        assert_eq!(
            bucket,
            bucket.to_lowercase(),
            "{id}: S3 names are lower case"
        );
        let encryption = s3
            .get_bucket_encryption()
            .bucket(&bucket)
            .send()
            .await
            .unwrap();
        let algorithm = encryption
            .server_side_encryption_configuration()
            .and_then(|c| c.rules().first())
            .and_then(|r| r.apply_server_side_encryption_by_default())
            .map(|d| d.sse_algorithm().as_str().to_string());
        assert_eq!(algorithm.as_deref(), Some("AES256"), "{id}: encryption");
        // Versioning is read by its effect: moto's GetBucketVersioning answer has a root element
        // the Rust SDK does not parse. A key written twice keeps both versions.
        for body in ["one", "two"] {
            s3.put_object()
                .bucket(&bucket)
                .key("probe")
                .body(body.as_bytes().to_vec().into())
                .send()
                .await
                .unwrap();
        }
        let versions = s3
            .list_object_versions()
            .bucket(&bucket)
            .prefix("probe")
            .send()
            .await
            .unwrap();
        assert_eq!(versions.versions().len(), 2, "{id}: versioned");
        let lifecycle = s3
            .get_bucket_lifecycle_configuration()
            .bucket(&bucket)
            .send()
            .await
            .unwrap();
        assert!(!lifecycle.rules().is_empty(), "{id}: lifecycle");
    }
    let cv = names.reference("CvBucket").unwrap();
    let cors = s3.get_bucket_cors().bucket(&cv).send().await.unwrap();
    assert_eq!(
        cors.cors_rules()[0].allowed_origins(),
        ["https://portal.genese.example"],
        "CV CORS is the portal's origin (PortalOrigin's default)"
    );

    let sqs = aws_sdk_sqs::Client::new(&config);
    for (id, _) in resources("AWS::SQS::Queue") {
        let url = names.reference(id).unwrap();
        let attributes = sqs
            .get_queue_attributes()
            .queue_url(&url)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::All)
            .send()
            .await
            .unwrap();
        let retention = attributes
            .attributes()
            .and_then(|a| a.get(&aws_sdk_sqs::types::QueueAttributeName::MessageRetentionPeriod))
            .cloned();
        assert_eq!(retention.as_deref(), Some("1209600"), "{id}: retention");
        let arn = attributes
            .attributes()
            .and_then(|a| a.get(&aws_sdk_sqs::types::QueueAttributeName::QueueArn))
            .cloned();
        assert_eq!(
            arn,
            names.arn(id).ok(),
            "{id}: !GetAtt Arn is the queue's ARN"
        );
    }

    let cognito = aws_sdk_cognitoidentityprovider::Client::new(&config);
    let pool = cognito
        .describe_user_pool()
        .user_pool_id(&world.pool.id)
        .send()
        .await
        .unwrap();
    let pool = pool.user_pool().unwrap();
    assert_eq!(pool.name(), Some("genese-dev"));
    let usernames: Vec<&str> = pool
        .username_attributes()
        .iter()
        .map(|a| a.as_str())
        .collect();
    assert_eq!(usernames, ["email"], "people sign in by email");
    assert_eq!(names.reference("UserPool").unwrap(), world.pool.id);
    let clients: BTreeSet<&str> = world.pool.clients.keys().map(String::as_str).collect();
    assert_eq!(
        clients,
        BTreeSet::from(["attendance-portal", "careers-portal"])
    );
    let groups = cognito
        .list_groups()
        .user_pool_id(&world.pool.id)
        .send()
        .await
        .unwrap();
    let groups: BTreeSet<&str> = groups
        .groups()
        .iter()
        .filter_map(|g| g.group_name())
        .collect();
    let declared: BTreeSet<String> = resources("AWS::Cognito::UserPoolGroup")
        .iter()
        .map(|(_, g)| g["Properties"]["GroupName"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(groups, declared.iter().map(String::as_str).collect());

    // Every sender is an identity, as a new account must have them: moto, like SES, refuses
    // mail from any other address (and has no ListEmailIdentities to read them back).
    let ses = aws_sdk_sesv2::Client::new(&config);
    let send = |from: &'static str| {
        ses.send_email()
            .from_email_address(from)
            .destination(
                aws_sdk_sesv2::types::Destination::builder()
                    .to_addresses("someone@genese.example")
                    .build(),
            )
            .content(
                aws_sdk_sesv2::types::EmailContent::builder()
                    .simple(
                        aws_sdk_sesv2::types::Message::builder()
                            .subject(
                                aws_sdk_sesv2::types::Content::builder()
                                    .data("probe")
                                    .build()
                                    .unwrap(),
                            )
                            .body(
                                aws_sdk_sesv2::types::Body::builder()
                                    .text(
                                        aws_sdk_sesv2::types::Content::builder()
                                            .data("probe")
                                            .build()
                                            .unwrap(),
                                    )
                                    .build(),
                            )
                            .build(),
                    )
                    .build(),
            )
            .send()
    };
    for sender in ["careers@genese.example", "attendance@genese.example"] {
        send(sender)
            .await
            .unwrap_or_else(|e| panic!("{sender}: {e:?}"));
    }
    assert!(send("nobody@elsewhere.example").await.is_err());
    let secret = aws_sdk_secretsmanager::Client::new(&config)
        .get_secret_value()
        .secret_id(&world.slack.name)
        .send()
        .await
        .unwrap();
    let secret: serde_json::Value = serde_json::from_str(secret.secret_string().unwrap()).unwrap();
    assert_eq!(secret["signingSecret"], world.slack.signing_secret.as_str());

    // The Globals' variables and the function's own, references resolved to this world.
    let admin: std::collections::BTreeMap<String, String> =
        aws_mode::instance::environment(template(), "CompanyAdminFunction", names)
            .unwrap()
            .into_iter()
            .collect();
    assert_eq!(
        admin["TABLE_COMPANIES"],
        names.reference("CompaniesTable").unwrap()
    );
    assert_eq!(admin["USER_POOL_ID"], world.pool.id);
    assert_eq!(
        admin["CORS_ALLOW_ORIGIN"], "https://portal.genese.example",
        "from Globals"
    );
    // Every function's environment (Globals and its own) resolves in this world: nothing it is
    // given is left unnamed.
    for (id, function) in functions() {
        let environment = aws_mode::instance::environment(template(), id, names);
        assert!(environment.is_ok(), "{id}: {environment:?}");
        for event in function["Properties"]["Events"]
            .as_mapping()
            .into_iter()
            .flatten()
        {
            let stream = &event.1["Properties"]["Stream"];
            if !stream.is_null() {
                assert!(
                    names.resolve_one(stream).unwrap().contains("/stream/"),
                    "{id}"
                );
            }
        }
    }
}
