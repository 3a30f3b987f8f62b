//! CloudFormation's intrinsics (`!Ref`, `!GetAtt`, `!Sub`) resolved to one deployment's names,
//! as CloudFormation resolves them: the embedded stack's (where a logical id stands for the
//! physical name) or a world made on the emulator (where names are made as CloudFormation makes
//! them). The IAM roles, the functions' environments and the world all resolve through here.

use std::collections::BTreeMap;

use serde_norway::Value;

use crate::template::template;

/// What one resource is called in a deployment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Physical {
    /// What `!Ref` answers (a table's name, a queue's URL, a pool's id…).
    pub reference: String,
    /// `!GetAtt <id>.<attribute>`, by attribute (`Arn`, `StreamArn`, `QueueName`…).
    pub attributes: BTreeMap<String, String>,
}

impl Physical {
    /// A resource `!Ref` names by `reference` and whose `Arn` is `arn`.
    pub fn new(reference: impl Into<String>, arn: impl Into<String>) -> Physical {
        Physical {
            reference: reference.into(),
            attributes: BTreeMap::from([("Arn".to_string(), arn.into())]),
        }
    }

    /// A resource that has a reference and no ARN (an app client).
    pub fn named(reference: impl Into<String>) -> Physical {
        Physical {
            reference: reference.into(),
            attributes: BTreeMap::new(),
        }
    }

    /// The same, with one more attribute.
    pub fn with(mut self, attribute: &str, value: impl Into<String>) -> Physical {
        self.attributes.insert(attribute.to_string(), value.into());
        self
    }
}

/// One deployment's pseudo parameters, parameters and resource names.
#[derive(Clone, Debug)]
pub struct Names {
    pub partition: String,
    pub region: String,
    pub account: String,
    pub stack: String,
    parameters: BTreeMap<String, String>,
    resources: BTreeMap<String, Physical>,
}

/// The partition, region and account the embedded stack's ARNs name.
pub const EMBEDDED_REGION: &str = "local";
pub const EMBEDDED_ACCOUNT: &str = "000000000000";

impl Names {
    /// A deployment of the template's parameter defaults, with no resource named yet.
    pub fn new(region: &str, account: &str, stack: &str) -> Names {
        let parameters = template()["Parameters"]
            .as_mapping()
            .into_iter()
            .flatten()
            .filter_map(|(name, p)| {
                let default = match &p["Default"] {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => return None,
                };
                Some((name.as_str()?.to_string(), default))
            })
            .collect();
        Names {
            partition: "aws".into(),
            region: region.into(),
            account: account.into(),
            stack: stack.into(),
            parameters,
            resources: BTreeMap::new(),
        }
    }

    /// The embedded stack: every resource is called by its logical id.
    pub fn embedded() -> Names {
        let mut names = Names::new(EMBEDDED_REGION, EMBEDDED_ACCOUNT, "genese-local");
        for (id, resource) in template()["Resources"].as_mapping().into_iter().flatten() {
            let (Some(id), Some(kind)) = (id.as_str(), resource["Type"].as_str()) else {
                continue;
            };
            if let Some(physical) = names.conventional(kind, id, id) {
                names.insert(id, physical);
            }
        }
        names
    }

    /// The ARN of `resource` in `service`, in this deployment's partition, region and account
    /// (`arn:aws:rekognition:<region>:<account>:collection/x`).
    pub fn arn_in(&self, service: &str, resource: &str) -> String {
        let Names {
            partition,
            region,
            account,
            ..
        } = self;
        format!("arn:{partition}:{service}:{region}:{account}:{resource}")
    }

    /// The ARN and reference AWS gives a resource of `kind` called `name` (`None` for a kind
    /// nothing here names).
    pub fn conventional(&self, kind: &str, id: &str, name: &str) -> Option<Physical> {
        let Names {
            partition: p,
            region: r,
            account: a,
            ..
        } = self;
        Some(match kind {
            "AWS::DynamoDB::Table" => {
                let arn = self.arn_in("dynamodb", &format!("table/{name}"));
                Physical::new(name, &arn).with("StreamArn", format!("{arn}/stream/{id}"))
            }
            "AWS::S3::Bucket" => Physical::new(name, format!("arn:{p}:s3:::{name}")),
            "AWS::Cognito::UserPool" => Physical::new(
                name,
                self.arn_in("cognito-idp", &format!("userpool/{name}")),
            )
            .with(
                "ProviderName",
                format!("cognito-idp.{r}.amazonaws.com/{name}"),
            ),
            "AWS::SQS::Queue" => Physical::new(
                format!("https://sqs.{r}.amazonaws.com/{a}/{name}"),
                self.arn_in("sqs", name),
            )
            .with("QueueName", name),
            "AWS::SNS::Topic" => {
                let arn = self.arn_in("sns", name);
                Physical::new(&arn, &arn).with("TopicName", name)
            }
            "AWS::Serverless::Function" => {
                Physical::new(name, self.arn_in("lambda", &format!("function:{name}")))
            }
            "AWS::Logs::LogGroup" => {
                Physical::new(name, self.arn_in("logs", &format!("log-group:{name}:*")))
            }
            "AWS::KMS::Key" => Physical::new(name, format!("arn:{p}:kms:{r}:{a}:key/{name}")),
            _ => return None,
        })
    }

    /// Names the resource `id`.
    pub fn insert(&mut self, id: &str, physical: Physical) {
        self.resources.insert(id.to_string(), physical);
    }

    /// Sets a parameter (as `sam deploy --parameter-overrides` does).
    pub fn set_parameter(&mut self, name: &str, value: &str) {
        self.parameters.insert(name.to_string(), value.to_string());
    }

    /// What resource `id` is called, if it was named.
    pub fn physical(&self, id: &str) -> Option<&Physical> {
        self.resources.get(id)
    }

    /// `!GetAtt <id>.Arn`.
    pub fn arn(&self, id: &str) -> Result<String, String> {
        self.attribute(id, "Arn")
    }

    pub fn attribute(&self, id: &str, attribute: &str) -> Result<String, String> {
        self.physical(id)
            .ok_or_else(|| format!("`{id}` is not named in this deployment"))?
            .attributes
            .get(attribute)
            .cloned()
            .ok_or_else(|| format!("!GetAtt {id}.{attribute} is not modelled"))
    }

    /// `!Ref name`: a pseudo parameter, a parameter, or a resource.
    pub fn reference(&self, name: &str) -> Result<String, String> {
        Ok(match name {
            "AWS::Partition" => self.partition.clone(),
            "AWS::Region" => self.region.clone(),
            "AWS::AccountId" => self.account.clone(),
            "AWS::StackName" => self.stack.clone(),
            "AWS::URLSuffix" => "amazonaws.com".into(),
            _ => match self.parameters.get(name) {
                Some(value) => value.clone(),
                None => self
                    .physical(name)
                    .ok_or_else(|| format!("!Ref {name}: no such parameter or named resource"))?
                    .reference
                    .clone(),
            },
        })
    }

    /// `!Sub text`: every `${Name}` and `${Resource.Attribute}` substituted.
    pub fn sub(&self, text: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let end = rest[start..]
                .find('}')
                .ok_or_else(|| format!("an unclosed ${{ in {text:?}"))?
                + start;
            let name = &rest[start + 2..end];
            out.push_str(&match name.split_once('.') {
                Some((id, attribute)) => self.attribute(id, attribute)?,
                None => self.reference(name)?,
            });
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// A template value (a string, a number, a list, or a short-form intrinsic) as the strings it
    /// stands for. A form not modelled is an error naming it, never a guess.
    pub fn resolve(&self, value: &Value) -> Result<Vec<String>, String> {
        match value {
            Value::String(s) => Ok(vec![s.clone()]),
            Value::Number(n) => Ok(vec![n.to_string()]),
            Value::Bool(b) => Ok(vec![b.to_string()]),
            Value::Sequence(items) => {
                let mut out = Vec::new();
                for item in items {
                    out.extend(self.resolve(item)?);
                }
                Ok(out)
            }
            Value::Tagged(tagged) => {
                let tag = tagged.tag.to_string();
                let inner = tagged.value.as_str().ok_or_else(|| {
                    format!("only the short string forms of intrinsics are modelled: {tag}")
                })?;
                Ok(vec![match tag.trim_start_matches('!') {
                    "GetAtt" => {
                        let (id, attribute) = inner
                            .split_once('.')
                            .ok_or_else(|| format!("!GetAtt {inner}: not Resource.Attribute"))?;
                        self.attribute(id, attribute)?
                    }
                    "Ref" => self.reference(inner)?,
                    "Sub" => self.sub(inner)?,
                    other => return Err(format!("!{other} is not modelled")),
                }])
            }
            other => Err(format!("a value of this shape is not modelled: {other:?}")),
        }
    }

    /// A value that stands for exactly one string.
    pub fn resolve_one(&self, value: &Value) -> Result<String, String> {
        match self.resolve(value)?.as_slice() {
            [one] => Ok(one.clone()),
            many => Err(format!("{} strings where one was expected", many.len())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tagged(tag: &str, value: &str) -> Value {
        Value::Tagged(Box::new(serde_norway::value::TaggedValue {
            tag: serde_norway::value::Tag::new(tag),
            value: Value::String(value.into()),
        }))
    }

    #[test]
    fn the_embedded_stack_calls_each_resource_by_its_logical_id() {
        let names = Names::embedded();
        assert_eq!(names.reference("CompaniesTable").unwrap(), "CompaniesTable");
        assert_eq!(
            names.arn("CompaniesTable").unwrap(),
            "arn:aws:dynamodb:local:000000000000:table/CompaniesTable"
        );
        assert_eq!(
            names.reference("Stage").unwrap(),
            "dev",
            "a parameter is its default"
        );
        assert_eq!(
            names
                .sub("arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${MailFrom}")
                .unwrap(),
            "arn:aws:ses:local:000000000000:identity/careers@genese.example"
        );
    }

    #[test]
    fn intrinsics_resolve_to_the_deployments_names() {
        let mut names = Names::new("us-east-1", "123456789012", "genese-aws");
        let queue = names
            .conventional("AWS::SQS::Queue", "Q", "genese-aws-Q-1A2B")
            .unwrap();
        names.insert("Q", queue);
        assert_eq!(
            names.resolve_one(&tagged("Ref", "Q")).unwrap(),
            "https://sqs.us-east-1.amazonaws.com/123456789012/genese-aws-Q-1A2B",
            "a queue's Ref is its URL"
        );
        assert_eq!(
            names.resolve_one(&tagged("GetAtt", "Q.Arn")).unwrap(),
            "arn:aws:sqs:us-east-1:123456789012:genese-aws-Q-1A2B"
        );
        assert_eq!(
            names
                .resolve_one(&tagged("Sub", "${AWS::StackName}-api"))
                .unwrap(),
            "genese-aws-api"
        );
        names.set_parameter("Stage", "prod");
        assert_eq!(names.resolve_one(&tagged("Ref", "Stage")).unwrap(), "prod");
        let unknown = names.resolve(&tagged("GetAtt", "Nothing.Arn")).unwrap_err();
        assert!(unknown.contains("Nothing"), "{unknown}");
        let unmodelled = names.resolve(&tagged("Select", "x")).unwrap_err();
        assert!(unmodelled.contains("Select"), "{unmodelled}");
    }
}
