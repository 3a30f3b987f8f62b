//! A function's permissions as template.yaml grants them: the `Allow` statements of its
//! `Policies`, with `!GetAtt`, `!Ref` and `!Sub` resolved to one deployment's ARNs
//! ([`crate::names`]), matched as IAM matches (actions case-insensitively; `*` and `?`
//! wildcards in actions and resources).

use crate::names::Names;
use serde_norway::Value;

/// One `Allow` statement: any of its actions on any of its resources.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Statement {
    actions: Vec<String>,
    resources: Vec<String>,
}

/// The stream actions of the managed policy `service-role/AWSLambdaDynamoDBExecutionRole`
/// (its log actions aside: logs are not modelled here).
const STREAM_READER_ACTIONS: [&str; 4] = [
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:ListStreams",
];

/// What one function's role allows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Grants {
    statements: Vec<Statement>,
}

impl Grants {
    /// The statements of `function`'s `Policies` in `template`, resolved to `names`. Panics on
    /// a policy form this reader does not know (a SAM policy template, a `Deny`, a `Condition`):
    /// the template test then names it, rather than the stack granting less or more than AWS
    /// would.
    pub fn of(template: &Value, names: &Names, function: &str) -> Grants {
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
                let resolve = |value: &Value| {
                    names
                        .resolve(value)
                        .unwrap_or_else(|e| panic!("{function}: {e}"))
                };
                statements.push(Statement {
                    actions: resolve(&statement["Action"]),
                    resources: resolve(&statement["Resource"]),
                });
            }
        }
        // SAM attaches AWSLambdaDynamoDBExecutionRole to a function with a stream event: the
        // mapping reads the stream with the function's role.
        let streams = resource["Properties"]["Events"]
            .as_mapping()
            .into_iter()
            .flatten()
            .any(|(_, e)| e["Type"].as_str() == Some("DynamoDB"));
        if streams {
            statements.push(Statement {
                actions: STREAM_READER_ACTIONS.map(str::to_string).to_vec(),
                resources: vec!["*".into()],
            });
        }
        Grants { statements }
    }

    /// The statements as the IAM policy document a role is given, resolved.
    pub fn document(&self) -> serde_json::Value {
        let statements: Vec<serde_json::Value> = self
            .statements
            .iter()
            .map(|s| {
                serde_json::json!({ "Effect": "Allow", "Action": s.actions, "Resource": s.resources })
            })
            .collect();
        serde_json::json!({ "Version": "2012-10-17", "Statement": statements })
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
        let mut names = Names::new("local", "000000000000", "genese-local");
        for (id, kind) in [("T", "AWS::DynamoDB::Table"), ("B", "AWS::S3::Bucket")] {
            let physical = names.conventional(kind, id, id).unwrap();
            names.insert(id, physical);
        }
        let grants = Grants::of(&template, &names, "F");
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
