//! Presigned S3 requests (a CV upload, a photo link): checked here as S3 checks them, then
//! handed to moto signed in its header form. moto authenticates only the `Authorization`
//! header (moto/iam/access_control.py `IAMRequestBase.__init__` reads it unconditionally), so
//! under enforcement a presigned URL fails there with a 500 (see [`crate::deviations`]).
//!
//! S3's checks: the URL has not expired (`X-Amz-Date` + `X-Amz-Expires`), and its signature is
//! the one the signer's secret gives for this method, path, query and the headers it signed
//! (so a body longer than a signed `content-length` is refused).

use std::time::{Duration, SystemTime};

use aws_sigv4::http_request::{
    PercentEncodingMode, SignableBody, SignableRequest, SignatureLocation, SigningSettings,
    UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::roles::Session;

/// The query parameters a presigned URL's signature is made of.
const SIGNING_PARAMETERS: [&str; 7] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Security-Token",
    "X-Amz-Signature",
];

/// Whether the request is presigned (SigV4 in its query).
pub fn is_presigned(query: &str) -> bool {
    query.contains("X-Amz-Signature=")
}

/// The query without the signing parameters, encoded as S3 canonicalises it.
fn unsigned_query(query: &str) -> String {
    let mut kept = form_urlencoded::Serializer::new(String::new());
    for (k, v) in super::form_query(query) {
        if !SIGNING_PARAMETERS.contains(&k.as_str()) {
            kept.append_pair(&k, &v);
        }
    }
    kept.finish()
}

/// The session's credentials, which the signer takes as an identity (`.into()`).
fn credentials(session: &Session) -> aws_credential_types::Credentials {
    aws_credential_types::Credentials::new(
        &session.access_key,
        &session.secret_key,
        Some(session.session_token.clone()),
        None,
        "aws-mode-session",
    )
}

/// S3's signing rules: single URI encoding, no path normalisation.
fn s3_settings() -> SigningSettings {
    let mut settings = SigningSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    settings
}

fn url(parts: &Parts, query: &str) -> String {
    let host = parts
        .headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let path = parts.uri.path();
    if query.is_empty() {
        format!("http://{host}{path}")
    } else {
        format!("http://{host}{path}?{query}")
    }
}

/// Checks a presigned request as S3 does, against the secret of the `session` that signed it;
/// the refusal S3 answers (its error code and message) otherwise.
pub fn check(parts: &Parts, session: &Session, region: &str) -> Result<(), (String, String)> {
    let query = parts.uri.query().unwrap_or("");
    let given: std::collections::HashMap<String, String> =
        super::form_query(query).into_iter().collect();
    let field = |name: &str| {
        given.get(name).cloned().ok_or_else(|| {
            (
                "AuthorizationQueryParametersError".to_string(),
                format!("the presigned URL has no {name}"),
            )
        })
    };
    let date = field("X-Amz-Date")?;
    let signed_at = chrono::NaiveDateTime::parse_from_str(&date, "%Y%m%dT%H%M%SZ")
        .map_err(|_| {
            (
                "AuthorizationQueryParametersError".to_string(),
                format!("X-Amz-Date `{date}` is not an ISO 8601 basic instant"),
            )
        })?
        .and_utc();
    let expires: u64 = field("X-Amz-Expires")?.parse().map_err(|_| {
        (
            "AuthorizationQueryParametersError".to_string(),
            "X-Amz-Expires is not a number of seconds".to_string(),
        )
    })?;
    if chrono::Utc::now() > signed_at + chrono::Duration::seconds(expires as i64) {
        return Err(("AccessDenied".into(), "Request has expired".into()));
    }
    let signed_headers = field("X-Amz-SignedHeaders")?;
    let headers: Vec<(String, String)> = signed_headers
        .split(';')
        .map(|name| {
            let value = parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            (name.to_string(), value)
        })
        .collect();
    let identity = credentials(session).into();
    let mut settings = s3_settings();
    settings.signature_location = SignatureLocation::QueryParams;
    settings.expires_in = Some(Duration::from_secs(expires));
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("s3")
        .time(SystemTime::from(signed_at))
        .settings(settings)
        .build()
        .map_err(|e| ("InternalError".to_string(), e.to_string()))?
        .into();
    let request = SignableRequest::new(
        parts.method.as_str(),
        url(parts, &unsigned_query(query)),
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::UnsignedPayload,
    )
    .map_err(|e| ("InternalError".to_string(), e.to_string()))?;
    let (_, expected) = sign(request, &params)
        .map_err(|e| ("InternalError".to_string(), e.to_string()))?
        .into_parts();
    if given.get("X-Amz-Signature") != Some(&expected) {
        return Err((
            "SignatureDoesNotMatch".into(),
            "The request signature we calculated does not match the signature you provided.".into(),
        ));
    }
    Ok(())
}

/// The same request in its header-signed form, as `session` (what moto authenticates): the new
/// path and query, and the headers to send.
pub fn header_signed(
    parts: &Parts,
    session: &Session,
    region: &str,
) -> Result<(String, HeaderMap), String> {
    let query = unsigned_query(parts.uri.query().unwrap_or(""));
    let mut headers = HeaderMap::new();
    for name in ["host", "content-type", "content-length", "content-md5"] {
        if let Some(value) = parts.headers.get(name) {
            headers.insert(name, value.clone());
        }
    }
    headers.insert(
        "x-amz-content-sha256",
        "UNSIGNED-PAYLOAD".parse().map_err(|e| format!("{e}"))?,
    );
    let identity = credentials(session).into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("s3")
        .time(SystemTime::now())
        .settings(s3_settings())
        .build()
        .map_err(|e| e.to_string())?
        .into();
    let pairs: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let request = SignableRequest::new(
        parts.method.as_str(),
        url(parts, &query),
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::UnsignedPayload,
    )
    .map_err(|e| e.to_string())?;
    let (instructions, _) = sign(request, &params)
        .map_err(|e| e.to_string())?
        .into_parts();
    let mut signed = http::Request::new(());
    *signed.headers_mut() = headers;
    instructions.apply_to_request_http1x(&mut signed);
    let path_and_query = if query.is_empty() {
        parts.uri.path().to_string()
    } else {
        format!("{}?{query}", parts.uri.path())
    };
    Ok((path_and_query, signed.headers().clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_s3::presigning::PresigningConfig;

    fn session() -> Session {
        Session {
            access_key: "ASIAFUNCTION".into(),
            secret_key: "function-secret".into(),
            session_token: "session-token".into(),
        }
    }

    /// A PUT presigned by the SDK as a function presigns it, for `length` bytes.
    async fn presigned_put(expires: Duration, length: i64) -> (String, Vec<(String, String)>) {
        let s = session();
        let credentials = aws_credential_types::Credentials::new(
            &s.access_key,
            &s.secret_key,
            Some(s.session_token.clone()),
            None,
            "test",
        );
        let config = aws_sdk_s3::Config::builder()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .region(aws_sdk_s3::config::Region::new("ap-south-1"))
            .credentials_provider(credentials)
            .endpoint_url("http://127.0.0.1:4566")
            .force_path_style(true)
            .build();
        let presigned = aws_sdk_s3::Client::from_conf(config)
            .put_object()
            .bucket("cvs")
            .key("resumes/u-1.pdf")
            .content_type("application/pdf")
            .content_length(length)
            .presigned(PresigningConfig::expires_in(expires).unwrap())
            .await
            .unwrap();
        let headers = presigned
            .headers()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        (presigned.uri().to_string(), headers)
    }

    fn parts(url: &str, headers: &[(String, String)]) -> Parts {
        let uri: http::Uri = url.parse().unwrap();
        let mut request = http::Request::builder()
            .method("PUT")
            .uri(uri.path_and_query().unwrap().as_str())
            .header("host", uri.authority().unwrap().as_str());
        for (k, v) in headers {
            request = request.header(k, v);
        }
        request.body(()).unwrap().into_parts().0
    }

    #[tokio::test]
    async fn a_presigned_url_holds_only_for_what_was_signed() {
        let (url, headers) = presigned_put(Duration::from_secs(600), 64).await;
        assert!(is_presigned(url.split_once('?').unwrap().1));
        assert_eq!(
            check(&parts(&url, &headers), &session(), "ap-south-1"),
            Ok(())
        );

        let longer: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| match k.as_str() {
                "content-length" => (k.clone(), "65".to_string()),
                _ => (k.clone(), v.clone()),
            })
            .collect();
        let refused = check(&parts(&url, &longer), &session(), "ap-south-1").unwrap_err();
        assert_eq!(refused.0, "SignatureDoesNotMatch");

        let other_key = url.replace("u-1.pdf", "u-2.pdf");
        let refused = check(&parts(&other_key, &headers), &session(), "ap-south-1").unwrap_err();
        assert_eq!(refused.0, "SignatureDoesNotMatch");

        let stranger = Session {
            secret_key: "another-secret".into(),
            ..session()
        };
        assert!(check(&parts(&url, &headers), &stranger, "ap-south-1").is_err());
    }

    #[tokio::test]
    async fn an_expired_url_is_refused_as_s3_refuses_it() {
        let (url, headers) = presigned_put(Duration::from_secs(1), 64).await;
        tokio::time::sleep(Duration::from_millis(2100)).await;
        let refused = check(&parts(&url, &headers), &session(), "ap-south-1").unwrap_err();
        assert_eq!(
            refused,
            ("AccessDenied".into(), "Request has expired".into())
        );
    }

    #[test]
    fn the_header_form_keeps_the_operation_and_drops_the_signature() {
        let url = "http://127.0.0.1:4566/cvs/resumes/u-1.pdf?x-id=PutObject&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=ab";
        let (path, headers) = header_signed(&parts(url, &[]), &session(), "ap-south-1").unwrap();
        assert_eq!(path, "/cvs/resumes/u-1.pdf?x-id=PutObject");
        let authorization = headers["authorization"].to_str().unwrap();
        assert!(
            authorization.starts_with("AWS4-HMAC-SHA256 Credential=ASIAFUNCTION/"),
            "{authorization}"
        );
        assert_eq!(headers["x-amz-security-token"], "session-token");
    }
}
