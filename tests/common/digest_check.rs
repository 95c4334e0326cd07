//! A camera whose Digest login is checked by the letter of RFC 7616 (§3.4.1–3.4.3), for a [`CannedServer`]:
//! MD5 or SHA-256, any `qop` list, RTSP or HTTP. Written from the RFC, not from the desk's client: hashes come
//! from coreutils (`md5sum`, `sha256sum`), and `auth-int` hashes the entity body (empty here) as
//! `H(method:uri:H(body))`. Every request head it gets is kept, so a test can see what was sent to it.

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use super::real_servers::{Answerer, cseq_of};

/// `MD5` or `SHA-256` in hex, from coreutils.
pub fn hash_hex(algorithm: &str, text: &str) -> String {
    let (tool, len) = match algorithm {
        "MD5" => ("md5sum", 32),
        "SHA-256" => ("sha256sum", 64),
        other => panic!("no coreutils tool for {other}"),
    };
    let mut child = Command::new(tool)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("run {tool} (coreutils): {e}"));
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write to the hash tool");
    let out = child.wait_with_output().expect("hash output");
    let hex: String = String::from_utf8_lossy(&out.stdout)
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    assert_eq!(hex.len(), len, "{tool} gave {:?}", out.stdout);
    hex
}

/// What the camera offers and accepts.
#[derive(Debug, Clone)]
pub struct DigestCamera {
    /// `MD5` or `SHA-256`.
    pub algorithm: &'static str,
    /// The challenge's `qop` list as sent, e.g. `auth,auth-int` or `auth-int`.
    pub qop: &'static str,
    pub user: &'static str,
    pub pass: &'static str,
    /// What a good login gets: the SDP (RTSP) or the JPEG (HTTP).
    pub body: Vec<u8>,
}

const REALM: &str = "RFC 7616 camera";
const NONCE: &str = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
const OPAQUE: &str = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";

/// The request heads the camera got, in order.
pub type Heads = Arc<Mutex<Vec<String>>>;

/// Pulls `key=value` or `key="value"` pairs out of an Authorization header's parameters.
fn params(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let Some((key, after)) = rest.split_once('=') else {
            break;
        };
        let key = key
            .trim()
            .trim_start_matches(',')
            .trim()
            .to_ascii_lowercase();
        let after = after.trim_start();
        let (value, tail) = if let Some(quoted) = after.strip_prefix('"') {
            let end = quoted.find('"').unwrap_or(quoted.len());
            (&quoted[..end], quoted.get(end + 1..).unwrap_or(""))
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (after[..end].trim(), &after[end..])
        };
        out.push((key, value.to_string()));
        rest = tail.trim_start().trim_start_matches(',').trim_start();
    }
    out
}

impl DigestCamera {
    /// True when `authorization` is a right answer to our challenge for `method` on `request_uri`.
    pub fn verifies(&self, method: &str, request_uri: &str, authorization: &str) -> bool {
        let Some(rest) = authorization.strip_prefix("Digest ") else {
            return false;
        };
        let p = params(rest);
        let get = |k: &str| p.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let offered: Vec<&str> = self.qop.split(',').map(str::trim).collect();
        let (Some(user), Some(realm), Some(nonce), Some(uri), Some(response)) = (
            get("username"),
            get("realm"),
            get("nonce"),
            get("uri"),
            get("response"),
        ) else {
            return false;
        };
        let (Some(qop), Some(nc), Some(cnonce)) = (get("qop"), get("nc"), get("cnonce")) else {
            return false;
        };
        if user != self.user
            || realm != REALM
            || nonce != NONCE
            || uri != request_uri
            || !offered.contains(&qop)
            || get("algorithm").unwrap_or("MD5") != self.algorithm
            || get("opaque") != Some(OPAQUE)
        {
            return false;
        }
        let h = |t: &str| hash_hex(self.algorithm, t);
        let ha1 = h(&format!("{user}:{REALM}:{}", self.pass));
        let ha2 = match qop {
            "auth" => h(&format!("{method}:{uri}")),
            // §3.4.3: A2 = Method ":" request-uri ":" H(entity-body); the probe's requests have no body.
            "auth-int" => h(&format!("{method}:{uri}:{}", h(""))),
            _ => return false,
        };
        response == h(&format!("{ha1}:{NONCE}:{nc}:{cnonce}:{qop}:{ha2}"))
    }

    fn challenge(&self) -> String {
        format!(
            "Digest realm=\"{REALM}\", qop=\"{}\", algorithm={}, nonce=\"{NONCE}\", opaque=\"{OPAQUE}\"",
            self.qop, self.algorithm
        )
    }

    /// The camera, answering RTSP (OPTIONS open, DESCRIBE behind the login) or HTTP (GET behind the login).
    pub fn answerer(self) -> (Answerer, Heads) {
        let heads: Heads = Arc::default();
        let kept = heads.clone();
        let answerer: Answerer = Arc::new(move |head: &str| {
            kept.lock().expect("heads").push(head.to_string());
            let mut request = head.lines().next().unwrap_or("").split_whitespace();
            let (method, uri, version) = (
                request.next().unwrap_or(""),
                request.next().unwrap_or(""),
                request.next().unwrap_or(""),
            );
            let is_rtsp = version.starts_with("RTSP/");
            let status = |code: &str, extra: &str, body: &[u8]| {
                let mut out = if is_rtsp {
                    format!("RTSP/1.0 {code}\r\nCSeq: {}\r\n", cseq_of(head))
                } else {
                    format!("HTTP/1.1 {code}\r\nConnection: close\r\n")
                };
                out.push_str(extra);
                out.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
                let mut bytes = out.into_bytes();
                bytes.extend_from_slice(body);
                Some(bytes)
            };
            if method == "OPTIONS" {
                return status("200 OK", "Public: OPTIONS, DESCRIBE\r\n", b"");
            }
            let authorization = head.lines().skip(1).find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case("authorization")
                    .then(|| v.trim().to_string())
            });
            match authorization {
                Some(a) if self.verifies(method, uri, &a) => {
                    let kind = if is_rtsp {
                        "application/sdp"
                    } else {
                        "image/jpeg"
                    };
                    status("200 OK", &format!("Content-Type: {kind}\r\n"), &self.body)
                }
                _ => status(
                    "401 Unauthorized",
                    &format!("WWW-Authenticate: {}\r\n", self.challenge()),
                    b"",
                ),
            }
        });
        (answerer, heads)
    }
}

/// The heads in `heads` that carry an Authorization header.
pub fn authorized_heads(heads: &Heads) -> Vec<String> {
    heads
        .lock()
        .expect("heads")
        .iter()
        .filter(|h| h.to_ascii_lowercase().contains("\r\nauthorization:"))
        .cloned()
        .collect()
}
