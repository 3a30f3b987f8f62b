//! What `sam build` compiles for each function, resolved exactly as SAM resolves it: its
//! `rust-cargolambda` builder runs `cargo lambda build --release --arm64 --bin <Binary>` in the
//! function's `CodeUri`, with no `-p` (aws-lambda-builders, `rust_cargo/actions.py`). Cargo then
//! resolves features across the workspace's default members, so one member that enables an
//! embedded stand-in puts it into every bootstrap. `cargo tree` with the same cwd, target and no
//! package selection resolves the same graph; no embedded-only crate may be in it.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// Crates only the embedded stack, the OpenAPI document and the tests use. (`dlib` does not even
/// link on arm64, so with it `sam build` fails outright.)
const EMBEDDED_ONLY: [&str; 10] = [
    "embedded-adapters",
    "testkit",
    "rusqlite",
    "argon2",
    "dlib-face-recognition",
    "utoipa",
    "axum",
    "jsonwebtoken",
    "rsa",
    "proptest",
];

/// Features of the shared crates every function links that bring test samples or the OpenAPI
/// schemas.
const EMBEDDED_FEATURES: [&str; 2] = ["samples", "openapi"];

/// The shared crates every function links.
const LINKED_BY_EVERY_FUNCTION: [&str; 2] = ["domain", "edge"];

pub(crate) fn workspace() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// (logical id, `CodeUri`, `Binary`) of every function in the template.
fn builds() -> Vec<(String, String, String)> {
    aws_mode::template::functions()
        .into_iter()
        .map(|(id, r)| {
            (
                id.to_string(),
                r["Properties"]["CodeUri"].as_str().unwrap().to_string(),
                r["Metadata"]["BuildProperties"]["Binary"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect()
}

/// `cargo <args>` in `dir`, its output. On the real clock even inside the date run: resolving a
/// build involves no date, and rustc (which cargo asks about the target) deadlocks under
/// libfaketime.
pub(crate) fn cargo(dir: &Path, args: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(args)
        .current_dir(dir)
        .env_remove("LD_PRELOAD")
        .env_remove("FAKETIME")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Every package (name) and its enabled features in the graph `cargo build` resolves in `dir`
/// without `-p`, for Lambda's architecture.
fn resolved(dir: &Path) -> BTreeSet<(String, String)> {
    let tree = cargo(
        dir,
        &[
            "tree",
            // Resolution only, from the lockfile and the crates `make unit` fetched (for every
            // target, Lambda's arm64 included): the test never waits on the network.
            "--offline",
            "--edges",
            "normal,build",
            "--target",
            "aarch64-unknown-linux-gnu",
            "--prefix",
            "none",
            "--format",
            "{p}|{f}",
        ],
    );
    tree.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (package, features) = l.split_once('|').unwrap_or((l, ""));
            let name = package.split(' ').next().unwrap_or(package).to_string();
            (name, features.trim_end_matches(" (*)").to_string())
        })
        .collect()
}

/// The bin targets of the packages `cargo build` selects in `dir` without `-p` (the default
/// members at the workspace root).
fn selected_binaries(dir: &Path) -> BTreeSet<String> {
    let metadata: serde_json::Value = serde_json::from_str(&cargo(
        dir,
        &[
            "metadata",
            "--offline",
            "--format-version",
            "1",
            "--no-deps",
        ],
    ))
    .unwrap();
    let defaults: BTreeSet<&str> = metadata["workspace_default_members"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m.as_str())
        .collect();
    metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| defaults.contains(p["id"].as_str().unwrap()))
        .flat_map(|p| p["targets"].as_array().unwrap().clone())
        .filter(|t| t["kind"].as_array().unwrap().iter().any(|k| k == "bin"))
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_function_builds_as_sam_builds_it_without_an_embedded_crate() {
    let builds = builds();
    assert!(builds.len() >= 12, "{builds:?}");
    let code_uris: BTreeSet<&str> = builds.iter().map(|(_, uri, _)| uri.as_str()).collect();
    for uri in code_uris {
        let dir = workspace().join(uri);
        let graph = resolved(&dir);
        let binaries = selected_binaries(&dir);
        for (id, _, binary) in builds.iter().filter(|(_, u, _)| u == uri) {
            assert!(
                binaries.contains(binary),
                "{id}: `cargo build --bin {binary}` in `{uri}` finds no such binary among {binaries:?}"
            );
        }
        let embedded: Vec<&String> = graph
            .iter()
            .map(|(name, _)| name)
            .filter(|name| EMBEDDED_ONLY.contains(&name.as_str()))
            .collect();
        assert!(
            embedded.is_empty(),
            "`sam build` in `{uri}` compiles embedded-only crates into every bootstrap: {embedded:?}"
        );
        for (name, features) in graph
            .iter()
            .filter(|(name, _)| LINKED_BY_EVERY_FUNCTION.contains(&name.as_str()))
        {
            let bad: Vec<&str> = features
                .split(',')
                .filter(|f| EMBEDDED_FEATURES.contains(f))
                .collect();
            assert!(
                bad.is_empty(),
                "`sam build` in `{uri}` builds `{name}` with {bad:?}"
            );
        }
    }
}
