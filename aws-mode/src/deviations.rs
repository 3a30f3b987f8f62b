//! Where moto 5.2.5 (scripts/requirements-dev.txt) differs from AWS in a way AWS mode must work
//! around, each in one place with its source in moto, so a moto upgrade is checked here.

use serde_norway::Value;

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
