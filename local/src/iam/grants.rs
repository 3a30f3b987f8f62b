//! A function's permissions as template.yaml grants them: the `Allow` statements of its
//! `Policies`, with `!GetAtt`, `!Ref` and `!Sub` resolved to this stack's ARNs, matched as IAM
//! matches (actions case-insensitively; `*` and `?` wildcards in actions and resources).

use serde_norway::Value;

/// The partition, region and account the embedded stack's ARNs name.
pub const PARTITION: &str = "aws";
pub const REGION: &str = "local";
pub const ACCOUNT: &str = "000000000000";

/// One `Allow` statement: any of its actions on any of its resources.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Statement {
    actions: Vec<String>,
    resources: Vec<String>,
}

/// What one function's role allows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Grants {
    statements: Vec<Statement>,
}

impl Grants {
    /// The statements of `function`'s `Policies` in `template`. Panics on a policy form this
    /// reader does not know (a SAM policy template, a `Deny`, a `Condition`): the template test
    /// then names it, rather than the stack granting less or more than AWS would.
    pub fn of(template: &Value, function: &str) -> Grants {
        let resource = &template["Resources"][function];
        let mut statements = Vec::new();
        for policy in resource["Properties"]["Policies"]
            .as_sequence()
            .into_iter()
            .flatten()
        {
            let list = policy["Statement"]
                .as_sequence()
                .unwrap_or_else(|| panic!("{function}: a policy without `Statement` ({policy:?})"));
            for statement in list {
                assert_eq!(
                    statement["Effect"].as_str(),
                    Some("Allow"),
                    "{function}: only Allow statements are modelled"
                );
                assert!(
                    statement.get("Condition").is_none(),
                    "{function}: conditions are not modelled"
                );
                statements.push(Statement {
                    actions: resolve(template, &statement["Action"]),
                    resources: resolve(template, &statement["Resource"]),
                });
            }
        }
        Grants { statements }
    }

    /// Whether some statement allows `action` on `resource`.
    pub fn allows(&self, action: &str, resource: &str) -> bool {
        let action = action.to_ascii_lowercase();
        self.statements.iter().any(|s| {
            s.actions
                .iter()
                .any(|a| matches(&a.to_ascii_lowercase(), &action))
                && s.resources.iter().any(|r| matches(r, resource))
        })
    }
}

/// IAM's wildcard match: `*` any run of characters, `?` any one.
pub fn matches(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// The `Arn` attribute of the template resource `id`, as this stack names it (its logical id
/// stands for its physical name).
pub fn arn(template: &Value, id: &str) -> String {
    let kind = template["Resources"][id]["Type"].as_str().unwrap_or("");
    match kind {
        "AWS::DynamoDB::Table" => format!("arn:{PARTITION}:dynamodb:{REGION}:{ACCOUNT}:table/{id}"),
        "AWS::S3::Bucket" => format!("arn:{PARTITION}:s3:::{id}"),
        "AWS::Cognito::UserPool" => {
            format!("arn:{PARTITION}:cognito-idp:{REGION}:{ACCOUNT}:userpool/{id}")
        }
        "AWS::SQS::Queue" => format!("arn:{PARTITION}:sqs:{REGION}:{ACCOUNT}:{id}"),
        "AWS::SNS::Topic" => format!("arn:{PARTITION}:sns:{REGION}:{ACCOUNT}:{id}"),
        "AWS::Serverless::Function" => {
            format!("arn:{PARTITION}:lambda:{REGION}:{ACCOUNT}:function:{id}")
        }
        other => panic!("the ARN of `{id}` ({other}) is not modelled"),
    }
}

/// A policy value (a string, a list, or an intrinsic function) as the strings it stands for.
fn resolve(template: &Value, value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Sequence(items) => items.iter().flat_map(|v| resolve(template, v)).collect(),
        Value::Tagged(tagged) => {
            let inner = tagged.value.as_str().unwrap_or_else(|| {
                panic!("only the short forms of intrinsics are modelled: {tagged:?}")
            });
            let text = match tagged.tag.to_string().trim_start_matches('!') {
                "GetAtt" => {
                    let (id, attribute) = inner.split_once('.').expect("!GetAtt Resource.Attr");
                    assert_eq!(attribute, "Arn", "!GetAtt {inner} is not modelled");
                    arn(template, id)
                }
                "Ref" => reference(template, inner),
                "Sub" => sub(template, inner),
                other => panic!("!{other} is not modelled"),
            };
            vec![text]
        }
        other => panic!("a policy value of this shape is not modelled: {other:?}"),
    }
}

/// `!Ref name`: a pseudo parameter, a parameter (its default), or a resource (its name).
fn reference(template: &Value, name: &str) -> String {
    match name {
        "AWS::Partition" => PARTITION.into(),
        "AWS::Region" => REGION.into(),
        "AWS::AccountId" => ACCOUNT.into(),
        _ => match template["Parameters"][name]["Default"].as_str() {
            Some(default) => default.to_string(),
            None => name.to_string(),
        },
    }
}

/// `!Sub text`: every `${Name}` and `${Resource.Arn}` substituted.
fn sub(template: &Value, text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').expect("a closed ${…}") + start;
        let name = &rest[start + 2..end];
        out.push_str(&match name.split_once('.') {
            Some((id, "Arn")) => arn(template, id),
            Some(_) => panic!("${{{name}}} is not modelled"),
            None => reference(template, name),
        });
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_as_iam_matches_them() {
        assert!(matches("*", "anything"));
        assert!(matches("dynamodb:*", "dynamodb:getitem"));
        assert!(matches(
            "arn:aws:s3:::b/attendance/*",
            "arn:aws:s3:::b/attendance/x/y.jpg"
        ));
        assert!(!matches(
            "arn:aws:s3:::b/attendance/*",
            "arn:aws:s3:::b/resumes/x"
        ));
        assert!(matches("ses:Send?mail", "ses:SendEmail"));
        assert!(
            !matches("ses:Send?mail", "ses:Sendmail"),
            "? is exactly one character"
        );
        assert!(!matches("table/Employees", "table/Employees/index/slack"));
    }

    #[test]
    fn statements_resolve_intrinsics_to_this_stacks_arns() {
        let template: Value = serde_norway::from_str(
            r#"
Parameters:
  Stage: { Type: String, Default: dev }
Resources:
  T: { Type: AWS::DynamoDB::Table }
  B: { Type: AWS::S3::Bucket }
  F:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        - Statement:
            - Effect: Allow
              Action: [dynamodb:GetItem, dynamodb:Query]
              Resource: [!GetAtt T.Arn, !Sub "${T.Arn}/index/by_day"]
            - Effect: Allow
              Action: s3:GetObject
              Resource: !Sub "${B.Arn}/photos/${Stage}/*"
            - Effect: Allow
              Action: rekognition:IndexFaces
              Resource: !Sub arn:${AWS::Partition}:rekognition:${AWS::Region}:${AWS::AccountId}:collection/*
"#,
        )
        .unwrap();
        let grants = Grants::of(&template, "F");
        let table = "arn:aws:dynamodb:local:000000000000:table/T";
        assert!(grants.allows("dynamodb:GetItem", table));
        assert!(
            grants.allows("DynamoDB:getitem", table),
            "actions ignore case"
        );
        assert!(!grants.allows("dynamodb:PutItem", table));
        assert!(grants.allows("dynamodb:Query", &format!("{table}/index/by_day")));
        assert!(!grants.allows(
            "dynamodb:GetItem",
            "arn:aws:dynamodb:local:000000000000:table/U"
        ));
        assert!(grants.allows("s3:GetObject", "arn:aws:s3:::B/photos/dev/a.jpg"));
        assert!(!grants.allows("s3:GetObject", "arn:aws:s3:::B/photos/prod/a.jpg"));
        assert!(grants.allows(
            "rekognition:IndexFaces",
            "arn:aws:rekognition:local:000000000000:collection/genese-acme"
        ));
    }
}
