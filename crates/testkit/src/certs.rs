//! Test certificates made at test time with rcgen.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use tempfile::TempDir;
use time::{Duration, OffsetDateTime};

/// Certificates and keys for TLS tests, written as PEM files into their own temp dir.
///
/// All keys are ECDSA P-256. Made by [`TestCerts::generate`]:
///
/// | file | content |
/// | --- | --- |
/// | `ca.pem`, `ca.key` | the test CA (`CN=hexaboard test CA`) |
/// | `server.pem`, `server.key` | server certificate for `localhost`, SAN `DNS:localhost, IP:127.0.0.1`, `CA:FALSE`, `serverAuth`, signed by the CA |
/// | `expired.pem`, `expired.key` | the same server certificate but expired yesterday, signed by the CA |
/// | `client.pem`, `client.key` | client certificate `CN=hexaboard-client`, `clientAuth`, signed by the CA (mutual TLS) |
/// | `wrong_ca.pem`, `wrong_ca.key` | an unrelated second CA that signed nothing here (wrong-CA tests) |
///
/// The files are deleted when the `TestCerts` is dropped; [`Mosquitto`](crate::Mosquitto)
/// copies the ones it uses into its own dir.
#[derive(Debug)]
pub struct TestCerts {
    dir: TempDir,
}

fn name(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, "hexaboard tests");
    dn.push(DnType::CommonName, common_name);
    dn
}

fn ca_params(common_name: &str, now: OffsetDateTime) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = name(common_name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params.not_before = now - Duration::days(1);
    params.not_after = now + Duration::days(3650);
    params
}

fn server_params(
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
) -> anyhow::Result<CertificateParams> {
    let mut params = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])?;
    params.distinguished_name = name("localhost");
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    params.not_before = not_before;
    params.not_after = not_after;
    Ok(params)
}

impl TestCerts {
    /// Makes every certificate and key and writes them into a new temp dir.
    ///
    /// # Errors
    ///
    /// When key generation, signing or writing a file fails.
    pub fn generate() -> anyhow::Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("hexaboard-certs-")
            .tempdir()
            .context("creating the certificate dir")?;
        let write = |file: &str, pem: String| -> anyhow::Result<()> {
            let path = dir.path().join(file);
            fs::write(&path, pem).with_context(|| format!("writing {}", path.display()))
        };
        let now = OffsetDateTime::now_utc();

        let ca_key = KeyPair::generate()?;
        let ca_fields = ca_params("hexaboard test CA", now);
        let ca_cert = ca_fields.self_signed(&ca_key)?;
        write("ca.pem", ca_cert.pem())?;
        write("ca.key", ca_key.serialize_pem())?;
        let ca = Issuer::new(ca_fields, ca_key);

        let server_key = KeyPair::generate()?;
        let server = server_params(now - Duration::days(1), now + Duration::days(365))?
            .signed_by(&server_key, &ca)?;
        write("server.pem", server.pem())?;
        write("server.key", server_key.serialize_pem())?;

        let expired_key = KeyPair::generate()?;
        let expired = server_params(now - Duration::days(30), now - Duration::days(1))?
            .signed_by(&expired_key, &ca)?;
        write("expired.pem", expired.pem())?;
        write("expired.key", expired_key.serialize_pem())?;

        let client_key = KeyPair::generate()?;
        let mut client_params = CertificateParams::default();
        client_params.distinguished_name = name("hexaboard-client");
        client_params.is_ca = IsCa::ExplicitNoCa;
        client_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        client_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        client_params.use_authority_key_identifier_extension = true;
        client_params.not_before = now - Duration::days(1);
        client_params.not_after = now + Duration::days(365);
        let client = client_params.signed_by(&client_key, &ca)?;
        write("client.pem", client.pem())?;
        write("client.key", client_key.serialize_pem())?;

        let wrong_key = KeyPair::generate()?;
        let wrong = ca_params("hexaboard unrelated CA", now).self_signed(&wrong_key)?;
        write("wrong_ca.pem", wrong.pem())?;
        write("wrong_ca.key", wrong_key.serialize_pem())?;

        Ok(Self { dir })
    }

    /// The temp dir holding every file.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The CA certificate (`ca.pem`): the trust anchor clients and mosquitto's `cafile` use.
    pub fn ca_cert(&self) -> PathBuf {
        self.file("ca.pem")
    }

    /// The CA private key (`ca.key`).
    pub fn ca_key(&self) -> PathBuf {
        self.file("ca.key")
    }

    /// The server certificate for `localhost` / `127.0.0.1` (`server.pem`).
    pub fn server_cert(&self) -> PathBuf {
        self.file("server.pem")
    }

    /// The server private key (`server.key`).
    pub fn server_key(&self) -> PathBuf {
        self.file("server.key")
    }

    /// A server certificate for `localhost` signed by the CA that expired yesterday (`expired.pem`).
    pub fn expired_cert(&self) -> PathBuf {
        self.file("expired.pem")
    }

    /// The private key of [`expired_cert`](Self::expired_cert) (`expired.key`).
    pub fn expired_key(&self) -> PathBuf {
        self.file("expired.key")
    }

    /// A client certificate (`CN=hexaboard-client`) signed by the CA, for mutual TLS (`client.pem`).
    pub fn client_cert(&self) -> PathBuf {
        self.file("client.pem")
    }

    /// The client private key (`client.key`).
    pub fn client_key(&self) -> PathBuf {
        self.file("client.key")
    }

    /// An unrelated CA certificate that signed none of the others (`wrong_ca.pem`).
    pub fn wrong_ca_cert(&self) -> PathBuf {
        self.file("wrong_ca.pem")
    }

    /// The private key of the unrelated CA (`wrong_ca.key`).
    pub fn wrong_ca_key(&self) -> PathBuf {
        self.file("wrong_ca.key")
    }
}
