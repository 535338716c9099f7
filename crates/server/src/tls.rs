//! HTTPS: the TLS configuration [`crate::ServeConfig::tls`] is made from, read from PEM files.

use crate::ServeError;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::Path;
use std::sync::Arc;

/// The TLS configuration for [`crate::ServeConfig::tls`]: the certificate chain in the PEM file
/// `cert` (the server's certificate first, then any intermediates) and its private key in the
/// PEM file `key` (PKCS#8, PKCS#1 or SEC1, unencrypted). TLS 1.2 and 1.3 with ring's
/// algorithms; HTTP/1.1 is offered by ALPN (`http/1.1`).
///
/// # Errors
///
/// [`ServeError::TlsCert`] or [`ServeError::TlsKey`] when a file cannot be read or holds no
/// PEM certificate or key, and [`ServeError::TlsConfig`] when the key does not fit the
/// certificate.
pub fn tls_config(cert: &Path, key: &Path) -> Result<Arc<rustls::ServerConfig>, ServeError> {
    let cert_error = |detail: String| ServeError::TlsCert {
        path: cert.to_path_buf(),
        detail,
    };
    let chain = CertificateDer::pem_file_iter(cert)
        .map_err(|e| cert_error(e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| cert_error(e.to_string()))?;
    if chain.is_empty() {
        return Err(cert_error(
            "it holds no PEM certificate (`-----BEGIN CERTIFICATE-----`)".into(),
        ));
    }
    let private_key = PrivateKeyDer::from_pem_file(key).map_err(|e| ServeError::TlsKey {
        path: key.to_path_buf(),
        detail: match e {
            rustls::pki_types::pem::Error::NoItemsFound => {
                "it holds no PEM private key (`-----BEGIN PRIVATE KEY-----`, or an RSA or EC one)"
                    .into()
            }
            e => e.to_string(),
        },
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config_error = |e: rustls::Error| ServeError::TlsConfig {
        cert: cert.to_path_buf(),
        key: key.to_path_buf(),
        detail: e.to_string(),
    };
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(config_error)?
        .with_no_client_auth()
        .with_single_cert(chain, private_key)
        .map_err(config_error)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_file_and_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.pem");
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not PEM\n").unwrap();
        let e = tls_config(&missing, &empty).unwrap_err().to_string();
        assert!(
            e.contains("missing.pem") && e.contains("certificate"),
            "{e}"
        );
        let e = tls_config(&empty, &empty).unwrap_err().to_string();
        assert!(
            e.contains("empty.pem") && e.contains("no PEM certificate"),
            "{e}"
        );
    }
}
