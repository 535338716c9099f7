//! A minimal RFC 3161 time-stamp authority on loopback, for testing time-stamped signatures.
//!
//! It answers every `POST` with a `TimeStampResp` (RFC 3161 section 2.4.2): status granted and a
//! CMS SignedData (RFC 5652) over a `TSTInfo` that echoes the request's message imprint and
//! nonce, signed (ECDSA P-256, SHA-256) with signed attributes contentType, messageDigest and
//! signingCertificateV2 (RFC 5035) by a throwaway certificate with the timeStamping extended key
//! usage, issued by a CA of its own ([`TimeStampAuthority::ca_pem`]).

use rasn::types::{Any, Integer, ObjectIdentifier, OctetString, Oid, SetOf};
use rasn_cms::tsp::{PkiStatus, PkiStatusInfo, TimeStampReq, TimeStampResp, TstInfo};
use rasn_cms::{
    ContentInfo, EncapsulatedContentInfo, IssuerAndSerialNumber, SignedData, SignerIdentifier,
    SignerInfo,
};
use rasn_pkix::{AlgorithmIdentifier, Attribute, Certificate};
use rcgen::SigningKey;
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// A time-stamp authority serving on `127.0.0.1` until the test process ends.
pub struct TimeStampAuthority {
    /// Where to send requests (`http://127.0.0.1:PORT/`).
    pub url: String,
    /// The certificate of the CA that issued the authority's certificate, PEM: the trust anchor
    /// for its time-stamps.
    pub ca_pem: Vec<u8>,
    content_types: Arc<Mutex<Vec<String>>>,
}

/// What signs the time-stamps.
struct Tsa {
    key: rcgen::KeyPair,
    cert: Certificate,
    chain_der: Vec<Vec<u8>>,
    /// Seconds since the epoch to attest, or the clock's time when `None`.
    at: Option<i64>,
}

impl TimeStampAuthority {
    /// Starts an authority that attests the current time.
    ///
    /// # Panics
    /// When no loopback port can be bound or rcgen refuses the certificates.
    pub fn start() -> TimeStampAuthority {
        TimeStampAuthority::serve(None)
    }

    /// Starts an authority whose clock says `unix_seconds` (for signatures made, as far as a
    /// validator can tell, at another time).
    ///
    /// # Panics
    /// As [`TimeStampAuthority::start`].
    pub fn start_at(unix_seconds: i64) -> TimeStampAuthority {
        TimeStampAuthority::serve(Some(unix_seconds))
    }

    /// The `Content-Type` of every request received so far.
    ///
    /// # Panics
    /// When a serving thread panicked.
    pub fn content_types(&self) -> Vec<String> {
        self.content_types.lock().expect("request log").clone()
    }

    fn serve(at: Option<i64>) -> TimeStampAuthority {
        let (tsa, ca_pem) = Tsa::new(at);
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let url = format!("http://{}/", listener.local_addr().expect("its address"));
        let content_types = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&content_types);
        std::thread::spawn(move || {
            for (serial, stream) in listener.incoming().enumerate() {
                if let Ok(stream) = stream {
                    // A connection that breaks off is the client's problem, not the test's.
                    let _ = tsa.answer(stream, serial as u64 + 1, &log);
                }
            }
        });
        TimeStampAuthority {
            url,
            ca_pem,
            content_types,
        }
    }
}

fn oid(arcs: &[u32]) -> ObjectIdentifier {
    ObjectIdentifier::new(arcs.to_vec()).expect("a valid object identifier")
}

fn der<T: rasn::Encode>(value: &T) -> Vec<u8> {
    rasn::der::encode(value).expect("DER encoding")
}

fn attribute(kind: &Oid, value: Vec<u8>) -> Attribute {
    Attribute {
        r#type: kind.to_owned(),
        values: SetOf::from_vec(vec![Any::new(value)]),
    }
}

impl Tsa {
    fn new(at: Option<i64>) -> (Tsa, Vec<u8>) {
        let made = crate::Issued::new(
            "fermata test TSA",
            "fermata test TSA",
            rcgen::ExtendedKeyUsagePurpose::TimeStamping,
            None,
        );
        let tsa = Tsa {
            cert: rasn::der::decode(made.cert.der()).expect("rcgen's certificate parses"),
            chain_der: vec![made.cert.der().to_vec(), made.ca.der().to_vec()],
            key: made.key,
            at,
        };
        (tsa, made.ca.pem().into_bytes())
    }

    /// Reads one HTTP request and answers it.
    fn answer(
        &self,
        stream: TcpStream,
        serial: u64,
        log: &Mutex<Vec<String>>,
    ) -> std::io::Result<()> {
        let mut reader = BufReader::new(stream.try_clone()?);
        let (mut length, mut content_type) = (0usize, String::new());
        let mut line = String::new();
        while reader.read_line(&mut line)? > 2 {
            if let Some((name, value)) = line.split_once(':') {
                let value = value.trim().to_string();
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.parse().unwrap_or(0),
                    "content-type" => content_type = value,
                    _ => {}
                }
            }
            line.clear();
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        log.lock().expect("request log").push(content_type);
        let (status, kind, reply) = match rasn::der::decode::<TimeStampReq>(&body) {
            Ok(request) => (
                "200 OK",
                "application/timestamp-reply",
                self.stamp(&request, serial),
            ),
            Err(e) => ("400 Bad Request", "text/plain", e.to_string().into_bytes()),
        };
        let mut stream = stream;
        write!(
            stream,
            "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            reply.len()
        )?;
        stream.write_all(&reply)?;
        stream.flush()
    }

    /// The DER `TimeStampResp` for `request`.
    fn stamp(&self, request: &TimeStampReq, serial: u64) -> Vec<u8> {
        let seconds = self.at.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("a clock after 1970")
                .as_secs() as i64
        });
        let gen_time = chrono::DateTime::from_timestamp(seconds, 0)
            .expect("a representable time")
            .fixed_offset();
        let info = TstInfo {
            version: Integer::from(1),
            // A policy arc under the documentation-only private enterprise number 32473 (RFC 5612).
            policy: oid(&[1, 3, 6, 1, 4, 1, 32473, 1]),
            message_imprint: request.message_imprint.clone(),
            serial_number: Integer::from(serial),
            gen_time,
            accuracy: None,
            ordering: false,
            nonce: request.nonce.clone(),
            tsa: None,
            extensions: None,
        };
        let content = der(&info);
        let sha256 = AlgorithmIdentifier {
            algorithm: oid(&[2, 16, 840, 1, 101, 3, 4, 2, 1]),
            parameters: None,
        };
        let signing_certificate = vec![vec![OctetString::from(
            Sha256::digest(&self.chain_der[0]).to_vec(),
        )]];
        let signed_attrs = SetOf::from_vec(vec![
            attribute(
                Oid::ISO_MEMBER_BODY_US_RSADSI_PKCS9_CONTENT_TYPE,
                der(&rasn_cms::tsp::TST_INFO.to_owned()),
            ),
            attribute(
                Oid::ISO_MEMBER_BODY_US_RSADSI_PKCS9_MESSAGE_DIGEST,
                der(&OctetString::from(Sha256::digest(&content).to_vec())),
            ),
            attribute(
                Oid::ISO_MEMBER_BODY_US_RSADSI_PKCS9_SMIME_AA_SIGNING_CERTIFICATE_V2,
                der(&signing_certificate),
            ),
        ]);
        let signature = self.key.sign(&der(&signed_attrs)).expect("ECDSA signature");
        let signer = SignerInfo {
            version: Integer::from(1),
            sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
                issuer: self.cert.tbs_certificate.issuer.clone(),
                serial_number: self.cert.tbs_certificate.serial_number.clone(),
            }),
            digest_algorithm: sha256.clone(),
            signed_attrs: Some(signed_attrs),
            signature_algorithm: AlgorithmIdentifier {
                algorithm: oid(&[1, 2, 840, 10045, 4, 3, 2]),
                parameters: None,
            },
            signature: OctetString::from(signature),
            unsigned_attrs: None,
        };
        let certificates = self
            .chain_der
            .iter()
            .map(|c| {
                rasn_cms::CertificateChoices::Certificate(Box::new(
                    rasn::der::decode(c).expect("rcgen's certificate parses"),
                ))
            })
            .collect();
        let signed = SignedData {
            version: Integer::from(3),
            digest_algorithms: SetOf::from_vec(vec![sha256]),
            encap_content_info: EncapsulatedContentInfo {
                content_type: rasn_cms::tsp::TST_INFO.to_owned(),
                content: Some(OctetString::from(content)),
            },
            certificates: Some(SetOf::from_vec(certificates)),
            crls: None,
            signer_infos: SetOf::from_vec(vec![signer]),
        };
        der(&TimeStampResp {
            status: PkiStatusInfo {
                status: PkiStatus::Granted,
                status_string: None,
                fail_info: None,
            },
            time_stamp_token: Some(ContentInfo {
                content_type: rasn_cms::CONTENT_SIGNED_DATA.to_owned(),
                content: Any::new(der(&signed)),
            }),
        })
    }
}
