//! The certificates of the emulator's HTTPS front (`tls_front`): a throwaway authority and a
//! certificate for 127.0.0.1 it signs. Instances trust the authority through a root file under
//! target/bench/tls (Rust through `SSL_CERT_FILE`, boto3 through `AWS_CA_BUNDLE`).

use std::path::{Path, PathBuf};

use aws_smithy_http_client::tls::{self, TlsContext, TrustStore};
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// System CA bundles (Debian's, Amazon Linux's): what an instance loads as its roots on Lambda.
const SYSTEM_BUNDLES: [&str; 2] = [
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
];

/// The files of one bench run's certificates.
pub struct LocalTls {
    /// The system's roots followed by the authority's certificate: what instances trust, as
    /// large as the root store they load on Lambda.
    pub ca_file: PathBuf,
    /// The front's certificate and its PKCS#8 key.
    pub server_cert: CertificateDer<'static>,
    pub server_key: PrivateKeyDer<'static>,
    ca_pem: String,
}

impl LocalTls {
    /// A new authority and server certificate; the root file goes in `dir` (replacing earlier ones).
    pub fn generate(dir: &Path) -> Result<LocalTls, String> {
        let fail = |e: rcgen::Error| format!("certificate: {e}");
        let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(fail)?;
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "genese bench authority");
        ca.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_key = KeyPair::generate().map_err(fail)?;
        let ca_pem = ca.self_signed(&ca_key).map_err(fail)?.pem();
        let issuer = Issuer::new(ca, ca_key);

        let mut server = CertificateParams::new(vec!["127.0.0.1".to_string()]).map_err(fail)?;
        server
            .distinguished_name
            .push(DnType::CommonName, "127.0.0.1");
        server.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server_key = KeyPair::generate().map_err(fail)?;
        let server_cert = server.signed_by(&server_key, &issuer).map_err(fail)?;

        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let write = |name: &str, text: &str| -> Result<PathBuf, String> {
            let path = dir.join(name);
            std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(path)
        };
        let system = SYSTEM_BUNDLES
            .iter()
            .find_map(|path| std::fs::read_to_string(path).ok())
            .unwrap_or_default();
        Ok(LocalTls {
            ca_file: write("roots.pem", &format!("{system}\n{ca_pem}"))?,
            server_cert: server_cert.der().clone(),
            server_key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der())),
            ca_pem,
        })
    }

    /// An SDK HTTP client that trusts only this authority, for the harness's own clients.
    pub fn http_client(&self) -> Result<SharedHttpClient, String> {
        let context = TlsContext::builder()
            .with_trust_store(TrustStore::empty().with_pem_certificate(self.ca_pem.as_bytes()))
            .build()
            .map_err(|e| format!("TLS context: {e}"))?;
        Ok(aws_smithy_http_client::Builder::new()
            .tls_provider(tls::Provider::Rustls(
                tls::rustls_provider::CryptoMode::AwsLc,
            ))
            .tls_context(context)
            .build_https())
    }

    /// What an instance needs to trust the emulator: Rust's native root store reads
    /// `SSL_CERT_FILE`, botocore reads `AWS_CA_BUNDLE`.
    pub fn instance_env(&self) -> [(String, String); 2] {
        let ca = self.ca_file.display().to_string();
        [
            ("SSL_CERT_FILE".into(), ca.clone()),
            ("AWS_CA_BUNDLE".into(), ca),
        ]
    }
}
