//! Where moto 5.2.5 (scripts/requirements-dev.txt) differs from AWS in a way AWS mode must work
//! around, each in one place with its source in moto, so a moto upgrade is checked here.
//!
//! The user pool's service side is missing in moto, and played by the front
//! ([`crate::front::user_pool`]):
//! - it never invokes a pool's Lambda triggers (moto/cognitoidp/models.py has no `LambdaConfig`
//!   invocation at all);
//! - `AdminCreateUser` without `TemporaryPassword` stores no password (`admin_create_user`
//!   passes `None`), so an invited user could never sign in, and no invitation is mailed;
//! - `SignUp` mails no code and `ConfirmSignUp` confirms whatever code it is given
//!   (`confirm_sign_up` never reads it);
//! - once IAM is enforced, only the operations in `PUBLIC_OPERATIONS`
//!   (moto/core/authorization.py) may come unsigned, and `RespondToAuthChallenge`, which an app
//!   client sends unsigned, is not among them.
//!
//! Presigned S3 URLs: once IAM is enforced, moto authenticates only an `Authorization` header
//! (moto/iam/access_control.py `IAMRequestBase.__init__` reads it unconditionally), so a
//! presigned request fails there with a 500. The front checks the URL as S3 does (expiry,
//! signature over the signed headers) and hands moto the same request header-signed
//! ([`crate::front`]'s `presigned`).

use serde_norway::Value;

/// Per-item DynamoDB actions and the call moto names instead (see [`role_for_moto`]).
const MOTO_DYNAMODB_CALLS: [(&str, &str); 5] = [
    ("dynamodb:PutItem", "dynamodb:TransactWriteItems"),
    ("dynamodb:UpdateItem", "dynamodb:TransactWriteItems"),
    ("dynamodb:DeleteItem", "dynamodb:TransactWriteItems"),
    ("dynamodb:ConditionCheckItem", "dynamodb:TransactWriteItems"),
    ("dynamodb:GetItem", "dynamodb:TransactGetItems"),
];

/// moto evaluates a bucket policy's `Deny` without its `Condition` (it only knows
/// `sts:ExternalId`: moto/iam/access_control.py `_check_conditions`, and s3/responses.py checks
/// bucket policies for an explicit Deny), so the template's TLS-only policy
/// (`Deny s3:* when aws:SecureTransport is false`) would deny every request. The world leaves
/// such a policy out; the emulator is plain HTTP on loopback anyway.
pub fn tls_only_policy(document: &Value) -> bool {
    let statements = document["Statement"].as_sequence();
    statements.is_some_and(|list| {
        !list.is_empty()
            && list.iter().all(|s| {
                s["Effect"].as_str() == Some("Deny")
                    && s["Condition"]["Bool"]["aws:SecureTransport"].as_bool() == Some(false)
            })
    })
}

/// A role's policy as moto can enforce it. moto authorises every service but S3, SQS, IAM and
/// STS on the resource `*` only (moto/core/responses.py `_authenticate_and_authorize_normal_action`
/// passes `"*"`; only those four define `_determine_resource`), so a statement scoped to a table,
/// pool, secret or identity ARN never matches there; and it names a DynamoDB call by its
/// operation, so a transaction needs `dynamodb:TransactWriteItems` where AWS asks the per-item
/// actions (moto/core/responses.py, the action from `X-Amz-Target`). So moto's copy of a role is
/// the template's, widened exactly there: S3 statements keep their ARNs; other actions get `*`;
/// a per-item action brings moto's transaction name. The front ([`crate::front`]) still judges
/// every call by the template's own statements.
pub fn role_for_moto(document: &serde_json::Value) -> serde_json::Value {
    let mut statements = Vec::new();
    for statement in document["Statement"].as_array().into_iter().flatten() {
        let actions: Vec<&str> = statement["Action"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a.as_str())
            .collect();
        let (s3, others): (Vec<&str>, Vec<&str>) = actions
            .iter()
            .partition(|a| a.to_ascii_lowercase().starts_with("s3:"));
        if !s3.is_empty() {
            statements.push(serde_json::json!({
                "Effect": "Allow", "Action": s3, "Resource": statement["Resource"],
            }));
        }
        if !others.is_empty() {
            let mut widened: Vec<&str> = others.clone();
            for (item, call) in MOTO_DYNAMODB_CALLS {
                if others.iter().any(|a| a.eq_ignore_ascii_case(item)) && !widened.contains(&call) {
                    widened.push(call);
                }
            }
            statements
                .push(serde_json::json!({ "Effect": "Allow", "Action": widened, "Resource": "*" }));
        }
    }
    serde_json::json!({ "Version": "2012-10-17", "Statement": statements })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moto_gets_the_role_widened_only_where_its_model_needs_it() {
        let document = serde_json::json!({ "Statement": [
            { "Effect": "Allow", "Action": ["dynamodb:PutItem", "dynamodb:Query"], "Resource": ["arn:aws:dynamodb:r:a:table/T"] },
            { "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::b/attendance/*"] },
        ]});
        let widened = role_for_moto(&document);
        let statements = widened["Statement"].as_array().unwrap();
        assert_eq!(statements[0]["Resource"], "*");
        assert_eq!(
            statements[0]["Action"],
            serde_json::json!([
                "dynamodb:PutItem",
                "dynamodb:Query",
                "dynamodb:TransactWriteItems"
            ])
        );
        assert_eq!(
            statements[1]["Resource"],
            serde_json::json!(["arn:aws:s3:::b/attendance/*"]),
            "S3 keeps its prefix"
        );
    }
}
