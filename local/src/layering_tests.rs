//! The layers of `shared/` as the compiler sees them: each crate's dependency graph (every
//! feature on) holds none of the crates of a layer it must not reach. The domain speaks no
//! HTTP and knows no store; the edge calls no adapter; each adapter set knows nothing of the
//! other, of the edge, or of the test kit.

use std::collections::BTreeSet;

use crate::sam_build_tests::{cargo, workspace};

/// Every package in `package`'s normal dependency graph, all features on.
fn graph(package: &str) -> BTreeSet<String> {
    cargo(
        workspace(),
        &[
            "tree",
            "--offline",
            "--package",
            package,
            "--all-features",
            "--edges",
            "normal",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ],
    )
    .lines()
    .filter_map(|l| l.split(' ').next())
    .map(str::to_string)
    .collect()
}

/// The names in `graph` that `forbidden` names exactly or (ending in `*`) by prefix.
fn reached<'a>(graph: &'a BTreeSet<String>, forbidden: &[&str]) -> Vec<&'a String> {
    graph
        .iter()
        .filter(|name| {
            forbidden.iter().any(|f| match f.strip_suffix('*') {
                Some(prefix) => name.starts_with(prefix),
                None => name.as_str() == *f,
            })
        })
        .collect()
}

const HTTP: [&str; 5] = [
    "lambda_http",
    "lambda_runtime",
    "http",
    "hyper",
    "aws_lambda_events",
];
const SDK: [&str; 3] = ["aws-sdk-*", "aws-config", "aws-smithy-*"];
const STORES: [&str; 3] = ["rusqlite", "serde_dynamo", "dlib-face-recognition"];

#[test]
fn the_domain_links_no_http_sdk_or_store() {
    let forbidden: Vec<&str> = [&HTTP[..], &SDK, &STORES, &["edge", "testkit"]].concat();
    let graph = graph("domain");
    assert!(graph.contains("domain"), "{graph:?}");
    assert_eq!(reached(&graph, &forbidden), Vec::<&String>::new());
}

#[test]
fn the_edge_links_no_adapter() {
    // serde_dynamo comes in with aws_lambda_events, whose stream records it types; that is the
    // stream's inbound shape, not a store.
    let forbidden: Vec<&str> = [
        &SDK[..],
        &["rusqlite", "dlib-face-recognition"],
        &["aws-adapters", "embedded-adapters", "testkit"],
    ]
    .concat();
    assert_eq!(reached(&graph("edge"), &forbidden), Vec::<&String>::new());
}

#[test]
fn each_adapter_set_knows_only_the_domain() {
    let aws = graph("aws-adapters");
    assert_eq!(
        reached(
            &aws,
            &[
                "rusqlite",
                "serde_dynamo",
                "edge",
                "embedded-adapters",
                "testkit"
            ]
        ),
        Vec::<&String>::new()
    );
    let embedded = graph("embedded-adapters");
    assert_eq!(
        reached(
            &embedded,
            &[&SDK[..], &["edge", "aws-adapters", "testkit"]].concat()
        ),
        Vec::<&String>::new()
    );
}
