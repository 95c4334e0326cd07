//! TLS to the registry server through rustls (ring), so a seat needs no OpenSSL. libpq's meanings:
//! `prefer`/`require` encrypt without checking who answers (against listening on the wire only);
//! `verify-full` checks the server's certificate against the centre's authority (`sslrootcert`, default
//! `~/.postgresql/root.crt`) and the host name in the address: the mode for a server across a network.

use std::path::PathBuf;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::{PgTarget, SslMode};

/// The connector for `target`'s mode (not called for `disable`).
pub(super) fn connector(target: &PgTarget) -> Result<MakeRustlsConnect, String> {
    // ring rather than aws-lc-rs: no cmake or C toolchain on a seat's build; rustls marks it deprecated only for
    // lacking post-quantum key exchange, which PostgreSQL's own TLS does not offer either.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let config = if target.ssl_mode == SslMode::VerifyFull {
        let roots = centre_roots(target)?;
        builder.with_root_certificates(roots).with_no_client_auth()
    } else {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(EncryptOnly { provider }))
            .with_no_client_auth()
    };
    Ok(MakeRustlsConnect::new(config))
}

/// The certificate authorities a `verify-full` connection trusts: the centre's own, from its file.
fn centre_roots(target: &PgTarget) -> Result<RootCertStore, String> {
    let path = match &target.ssl_root_cert {
        Some(path) => path.clone(),
        None => directories::BaseDirs::new()
            .map(|d| d.home_dir().join(".postgresql").join("root.crt"))
            .unwrap_or_else(|| PathBuf::from("root.crt")),
    };
    let shown = path.display().to_string();
    let mut roots = RootCertStore::empty();
    let certs =
        CertificateDer::pem_file_iter(&path).map_err(|e| format!("sslrootcert {shown}: {e}"))?;
    for cert in certs {
        let cert = cert.map_err(|e| format!("sslrootcert {shown}: {e}"))?;
        roots
            .add(cert)
            .map_err(|e| format!("sslrootcert {shown}: {e}"))?;
    }
    if roots.is_empty() {
        return Err(format!("sslrootcert {shown}: no certificate in the file"));
    }
    Ok(roots)
}

/// libpq's `require` without a root certificate: any certificate is taken, but the handshake's signatures are
/// still checked, so the session is encrypted to whoever holds that certificate's key.
#[derive(Debug)]
struct EncryptOnly {
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
