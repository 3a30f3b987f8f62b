//! samconfig.toml is the deploy half of the template: `sam deploy --config-env dev|prod` must
//! stand up the stack named for its stage, asking before it changes prod, and every parameter it
//! overrides must be one the template declares, with a value the template allows. buildspec.yml
//! runs those commands where nobody can answer a prompt: each must know its region and never ask.

use std::collections::BTreeMap;

use serde_norway::Value as Yaml;
use toml::Value as Toml;

const ENVIRONMENTS: [&str; 2] = ["dev", "prod"];

fn samconfig() -> Toml {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../samconfig.toml");
    toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn template_parameters() -> BTreeMap<String, Yaml> {
    aws_mode::template::template()["Parameters"]
        .as_mapping()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.as_str().unwrap().to_string(), v.clone()))
        .collect()
}

/// What `sam <command> --config-env <env>` reads: the environment's global parameters, then the
/// command's own over them.
fn settings(config: &Toml, env: &str, command: &str) -> toml::Table {
    let section = |name: &str| {
        config
            .get(env)
            .and_then(|e| e.get(name))
            .and_then(|c| c.get("parameters"))
            .and_then(Toml::as_table)
            .cloned()
            .unwrap_or_default()
    };
    let mut merged = section("global");
    merged.extend(section(command));
    merged
}

fn deploy(config: &Toml, env: &str) -> toml::Table {
    let deploy = settings(config, env, "deploy");
    assert!(
        deploy.contains_key("parameter_overrides"),
        "samconfig.toml has no [{env}.deploy.parameters]"
    );
    deploy
}

/// `Key=Value Key="Value with spaces"` as SAM writes parameter overrides.
fn overrides(line: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut rest = line.trim();
    while !rest.is_empty() {
        let (key, after) = rest.split_once('=').expect("Key=Value");
        let (value, next) = match after.strip_prefix('"') {
            Some(quoted) => quoted.split_once('"').expect("a closing quote"),
            None => after.split_once(' ').unwrap_or((after, "")),
        };
        out.insert(key.trim().to_string(), value.to_string());
        rest = next.trim_start();
    }
    out
}

/// Why `value` is not allowed for the template parameter, if it is not.
fn refusal(parameter: &Yaml, value: &str) -> Option<String> {
    if let Some(allowed) = parameter["AllowedValues"].as_sequence() {
        let allowed: Vec<String> = allowed
            .iter()
            .map(|v| match v {
                Yaml::String(s) => s.clone(),
                other => serde_norway::to_string(other).unwrap().trim().to_string(),
            })
            .collect();
        if !allowed.iter().any(|a| a == value) {
            return Some(format!("not one of {allowed:?}"));
        }
    }
    if parameter["Type"].as_str() == Some("Number") {
        let Ok(number) = value.parse::<f64>() else {
            return Some("not a number".into());
        };
        if parameter["MinValue"]
            .as_f64()
            .is_some_and(|min| number < min)
            || parameter["MaxValue"]
                .as_f64()
                .is_some_and(|max| number > max)
        {
            return Some("outside MinValue..MaxValue".into());
        }
    }
    None
}

#[test]
fn dev_and_prod_deploy_their_own_stack_and_prod_asks_first() {
    let config = samconfig();
    let dev = deploy(&config, "dev");
    let prod = deploy(&config, "prod");
    assert_ne!(dev["stack_name"], prod["stack_name"], "one stack per stage");
    assert_eq!(
        prod["confirm_changeset"].as_bool(),
        Some(true),
        "prod changes are reviewed"
    );
    for env in ENVIRONMENTS {
        let deploy = deploy(&config, env);
        assert!(deploy["stack_name"].as_str().unwrap().ends_with(env));
        assert!(deploy.contains_key("region"), "{env} names its region");
        assert!(
            deploy["capabilities"]
                .as_str()
                .unwrap()
                .contains("CAPABILITY_IAM"),
            "{env}: the template creates IAM roles"
        );
        let overrides = overrides(deploy["parameter_overrides"].as_str().unwrap());
        assert_eq!(overrides.get("Stage").map(String::as_str), Some(env));
    }
}

#[test]
fn every_override_is_a_template_parameter_with_an_allowed_value() {
    let config = samconfig();
    let parameters = template_parameters();
    for env in ENVIRONMENTS {
        let overrides = overrides(
            deploy(&config, env)["parameter_overrides"]
                .as_str()
                .unwrap(),
        );
        for (key, value) in &overrides {
            let parameter = parameters
                .get(key)
                .unwrap_or_else(|| panic!("{env} overrides `{key}`, which the template lacks"));
            if let Some(why) = refusal(parameter, value) {
                panic!("{env}: {key}={value} is {why}");
            }
        }
        // A parameter without a default would stop the deploy with a prompt; each env sets it.
        for (key, parameter) in &parameters {
            if parameter.get("Default").is_none() {
                assert!(overrides.contains_key(key), "{env} must set `{key}`");
            }
        }
    }
}

#[test]
fn overrides_parse_as_sam_writes_them() {
    let parsed = overrides(r#"Stage=prod MailFrom="Careers <careers@genese.example>" Days=3"#);
    assert_eq!(parsed["Stage"], "prod");
    assert_eq!(parsed["MailFrom"], "Careers <careers@genese.example>");
    assert_eq!(parsed["Days"], "3");
}

/// The commands of every phase of buildspec.yml, in order.
fn buildspec_commands() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../buildspec.yml");
    let spec: Yaml = serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    ["install", "pre_build", "build", "post_build"]
        .iter()
        .flat_map(|phase| {
            spec["phases"][phase]["commands"]
                .as_sequence()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|c| c.as_str().map(str::to_string))
        .collect()
}

#[test]
fn codebuild_installs_its_toolchain_and_deploys_without_a_prompt() {
    let commands = buildspec_commands();
    let config = samconfig();
    let has = |needle: &str| commands.iter().any(|c| c.contains(needle));
    // Rust is not on the image: the pinned toolchain and Lambda's arm64 target are installed.
    assert!(has("rustup toolchain install"), "{commands:?}");
    assert!(
        has("rustup target add aarch64-unknown-linux-gnu"),
        "{commands:?}"
    );
    let sam: Vec<&String> = commands.iter().filter(|c| c.contains("sam ")).collect();
    for command in ["package", "deploy"] {
        let line = sam
            .iter()
            .find(|c| c.contains(&format!("sam {command} ")))
            .unwrap_or_else(|| panic!("buildspec.yml never runs `sam {command}`"));
        assert!(line.contains("--config-env \"$DEPLOY_ENV\""), "{line}");
        for env in ENVIRONMENTS {
            let settings = settings(&config, env, command);
            assert!(
                settings.contains_key("region"),
                "`sam {command} --config-env {env}` has no region"
            );
            assert!(
                settings.contains_key("stack_name"),
                "`sam {command} --config-env {env}` has no stack"
            );
        }
    }
    // A change set nobody can confirm would wait until the build times out.
    let deploy = sam.iter().find(|c| c.contains("sam deploy ")).unwrap();
    assert!(deploy.contains("--no-confirm-changeset"), "{deploy}");
}
