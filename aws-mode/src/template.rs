//! template.yaml as this build was made from it (compiled in): the embedded stack reads each
//! function's IAM role from it, AWS mode makes its world from it, and the template tests hold it
//! to the workspace. Parsed once; CloudFormation's short intrinsics (`!Ref`, `!GetAtt`, `!Sub`)
//! stay tagged values.

use std::sync::OnceLock;

use serde_norway::Value;

const TEMPLATE: &str = include_str!("../../template.yaml");

/// The parsed template.
pub fn template() -> &'static Value {
    static PARSED: OnceLock<Value> = OnceLock::new();
    PARSED.get_or_init(|| serde_norway::from_str(TEMPLATE).expect("template.yaml parses"))
}

/// Every resource of CloudFormation type `kind`, by logical id, in template order.
pub fn resources(kind: &str) -> Vec<(&'static str, &'static Value)> {
    template()["Resources"]
        .as_mapping()
        .into_iter()
        .flatten()
        .filter(|(_, r)| r["Type"].as_str() == Some(kind))
        .filter_map(|(id, r)| Some((id.as_str()?, r)))
        .collect()
}

/// Every `AWS::Serverless::Function`, by logical id.
pub fn functions() -> Vec<(&'static str, &'static Value)> {
    resources("AWS::Serverless::Function")
}

/// The name a `!Ref` names, if `value` is one.
pub fn reference(value: &Value) -> Option<&str> {
    match value {
        Value::Tagged(t) if t.tag == "Ref" => t.value.as_str(),
        _ => None,
    }
}

/// The resource and attribute a `!GetAtt Resource.Attribute` names, if `value` is one.
pub fn attribute(value: &Value) -> Option<(&str, &str)> {
    match value {
        Value::Tagged(t) if t.tag == "GetAtt" => t.value.as_str()?.split_once('.'),
        _ => None,
    }
}

/// A list of plain strings (`[a, b]`), empty when absent.
pub fn strings(value: &Value) -> Vec<String> {
    value
        .as_sequence()
        .map(|s| {
            s.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
