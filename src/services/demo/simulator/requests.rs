//! Requests and answers: parsing RTSP and HTTP requests from a connection (bounded), checking Digest and Basic
//! credentials, and the answer each behaviour gives.

use super::*;

pub(super) struct Request {
    pub(super) method: String,
    pub(super) target: String,
    pub(super) version: String,
    pub(super) headers: Vec<(String, String)>,
}

impl Request {
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The target's path and query ("rtsp://host:port/p?q", "/p?q" or "*").
    pub(super) fn path_and_query(&self) -> (String, Option<String>) {
        path_and_query_of(&self.target)
    }
}

/// Path and query of a request target or Digest `uri` ("rtsp://host:port/p?q", "/p?q" or "*").
pub(super) fn path_and_query_of(target: &str) -> (String, Option<String>) {
    let rest = match target.split_once("://") {
        Some((_, after)) => after.find('/').map_or("/", |i| &after[i..]),
        None => target,
    };
    match rest.split_once('?') {
        Some((p, q)) => (p.to_string(), Some(q.to_string())),
        None => (rest.to_string(), None),
    }
}

pub(super) enum Parsed {
    Incomplete,
    Bad,
    Done(Request, usize),
}

pub(super) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

pub(super) fn parse_request(buf: &[u8]) -> Parsed {
    let Some(end) = find(buf, b"\r\n\r\n") else {
        return Parsed::Incomplete;
    };
    let head = String::from_utf8_lossy(&buf[..end]);
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let (Some(method), Some(target), Some(version)) = (first.next(), first.next(), first.next())
    else {
        return Parsed::Bad;
    };
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let req = Request {
        method: method.to_string(),
        target: target.to_string(),
        version: version.to_string(),
        headers,
    };
    let body = match req.header("content-length").map(str::parse::<usize>) {
        None => 0,
        Some(Ok(n)) if n <= MAX_REQUEST_BYTES => n,
        Some(_) => return Parsed::Bad,
    };
    let total = end + 4 + body;
    if buf.len() < total {
        return Parsed::Incomplete;
    }
    Parsed::Done(req, total)
}

/// What to do with a connection after a request.
#[derive(Default)]
pub(super) struct Reply {
    pub(super) bytes: Vec<u8>,
    pub(super) close: bool,
    /// Answer nothing, now or later (an offline channel on a shared NVR).
    pub(super) silent: bool,
    pub(super) delay: Option<Duration>,
}

impl Reply {
    pub(super) fn of(bytes: Vec<u8>) -> Self {
        Self {
            bytes,
            ..Default::default()
        }
    }
}

pub(super) fn md5_hex(text: &str) -> String {
    let digest = Md5::digest(text.as_bytes());
    let mut out = String::with_capacity(32);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Parameters of a Digest Authorization header (after "Digest ").
pub(super) fn digest_params(s: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let Some((name, after)) = rest.split_once('=') else {
            break;
        };
        let name = name
            .trim()
            .trim_start_matches(',')
            .trim()
            .to_ascii_lowercase();
        let after = after.trim_start();
        let (value, remainder) = if let Some(quoted) = after.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, ch)) = chars.next() {
                match ch {
                    '\\' => {
                        if let Some((_, next)) = chars.next() {
                            value.push(next);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => value.push(c),
                }
            }
            (value, &quoted[end.min(quoted.len())..])
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (after[..end].trim().to_string(), &after[end..])
        };
        out.insert(name, value);
        rest = remainder.trim_start().trim_start_matches(',').trim_start();
    }
    out
}

impl Shared {
    pub(super) fn nonce(&self, unix_s: u64) -> String {
        let mac = md5_hex(&format!("{:x}:{unix_s}", self.secret));
        format!("{unix_s:016x}{}", &mac[..16])
    }

    pub(super) fn nonce_ok(&self, nonce: &str, unix_s: u64) -> bool {
        if nonce.len() != 32 {
            return false;
        }
        let Ok(t) = u64::from_str_radix(&nonce[..16], 16) else {
            return false;
        };
        t <= unix_s + 5 && unix_s.saturating_sub(t) <= NONCE_LIFETIME_S && self.nonce(t) == nonce
    }

    /// True when the request carries the camera's own user name and password (Digest or Basic).
    pub(super) fn authorized(&self, req: &Request, cam: &Cam, unix_s: u64) -> bool {
        let Some(auth) = req.header("authorization") else {
            return false;
        };
        let (scheme, rest) = auth.trim().split_once(' ').unwrap_or((auth, ""));
        if scheme.eq_ignore_ascii_case("basic") {
            let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(rest.trim()) else {
                return false;
            };
            let expected = format!("{}:{}", cam.username, cam.password);
            return bytes == expected.as_bytes();
        }
        if !scheme.eq_ignore_ascii_case("digest") {
            return false;
        }
        let p = digest_params(rest);
        let get = |k: &str| p.get(k).map(String::as_str);
        let (Some(user), Some(realm), Some(nonce), Some(uri), Some(response)) = (
            get("username"),
            get("realm"),
            get("nonce"),
            get("uri"),
            get("response"),
        ) else {
            return false;
        };
        // The answer must be for this request's resource, not one overheard for another.
        if user != cam.username
            || realm != cam.realm
            || path_and_query_of(uri) != req.path_and_query()
            || !self.nonce_ok(nonce, unix_s)
            || !get("algorithm").is_none_or(|a| a.eq_ignore_ascii_case("md5"))
        {
            return false;
        }
        let ha1 = md5_hex(&format!("{user}:{realm}:{}", cam.password));
        let ha2 = md5_hex(&format!("{}:{uri}", req.method));
        let expected = match get("qop") {
            None => md5_hex(&format!("{ha1}:{nonce}:{ha2}")),
            Some(q) if q.eq_ignore_ascii_case("auth") => {
                let (Some(nc), Some(cnonce)) = (get("nc"), get("cnonce")) else {
                    return false;
                };
                md5_hex(&format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"))
            }
            Some(_) => return false,
        };
        expected.eq_ignore_ascii_case(response)
    }

    /// The camera a request on listener `l` is for.
    pub(super) fn camera_for(&self, l: u32, req: &Request) -> Option<u32> {
        let meta = &self.listeners[l as usize];
        if req.target == "*" {
            return (meta.routes.len() == 1).then(|| meta.routes[0].1);
        }
        let (path, query) = req.path_and_query();
        let (route, _) = route_of(&path, query.as_deref());
        meta.routes
            .iter()
            .find(|(r, _)| *r == route)
            .map(|(_, c)| *c)
    }

    pub(super) fn respond(&self, l: u32, req: &Request) -> Reply {
        let (unix_s, unix_ms) = unix_now();
        let slot = slot_of(unix_s);
        let proto = self.listeners[l as usize].proto;
        let cam_idx = self.camera_for(l, req);
        let acts = cam_idx.map(|c| self.acts(c, slot));
        if acts == Some(Behaviour::Offline) {
            return Reply {
                silent: true,
                ..Default::default()
            };
        }
        let mut reply = match proto {
            Proto::Rtsp => self.rtsp(l, req, cam_idx, acts, unix_s),
            Proto::Http => self.http(req, cam_idx, acts, unix_s, unix_ms),
        };
        if acts == Some(Behaviour::Slow)
            && let Some(c) = cam_idx
        {
            let cam = &self.cameras[c as usize];
            let now_ms = unix_s as u64 * 1000 + u64::from(unix_ms);
            let awake = cam.awake_at_ms.load(Ordering::Relaxed);
            let wait_ms = if now_ms > awake + SLOW_WARM_MS {
                // Dozing: wake up (requests meanwhile wait for the same moment).
                let d = slow_delay_ms(self.seed, cam.id, slot);
                cam.awake_at_ms.store(now_ms + d, Ordering::Relaxed);
                d
            } else {
                awake.saturating_sub(now_ms)
            };
            if wait_ms > 0 {
                reply.delay = Some(Duration::from_millis(wait_ms));
            }
        }
        reply
    }

    pub(super) fn rtsp(
        &self,
        l: u32,
        req: &Request,
        cam_idx: Option<u32>,
        acts: Option<Behaviour>,
        unix_s: i64,
    ) -> Reply {
        bump(&self.counters.rtsp_requests);
        let cseq = req.header("cseq").unwrap_or("0").to_string();
        let date = jiff::Timestamp::from_second(unix_s)
            .map(|t| t.strftime("%a, %b %d %Y %H:%M:%S GMT").to_string())
            .unwrap_or_default();
        let head = |status: &str| {
            format!(
                "RTSP/1.0 {status}\r\nCSeq: {cseq}\r\nServer: iccc-desk camera simulator\r\nDate: {date}\r\n"
            )
        };
        if req.version != "RTSP/1.0" {
            return Reply {
                bytes: format!("{}\r\n", head("505 RTSP Version Not Supported")).into_bytes(),
                close: true,
                ..Default::default()
            };
        }
        if let (Some(c), Some(Behaviour::StreamError)) = (cam_idx, acts)
            && self.cameras[c as usize].garbage
        {
            // A device that speaks something else on the RTSP port.
            let mut bytes = b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03".to_vec();
            bytes.extend_from_slice(&hash3(self.secret, c as u64, 1).to_le_bytes());
            return Reply {
                bytes,
                close: true,
                ..Default::default()
            };
        }
        let public = "Public: OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER, SET_PARAMETER\r\n";
        match req.method.as_str() {
            "OPTIONS" => Reply::of(format!("{}{public}\r\n", head("200 OK")).into_bytes()),
            "DESCRIBE" => {
                let Some(c) = cam_idx else {
                    return Reply::of(
                        format!("{}Content-Length: 0\r\n\r\n", head("404 Stream Not Found"))
                            .into_bytes(),
                    );
                };
                let cam = &self.cameras[c as usize];
                if acts == Some(Behaviour::WrongPassword)
                    || !self.authorized(req, cam, unix_s as u64)
                {
                    bump(&self.counters.logins_refused);
                    let nonce = self.nonce(unix_s as u64);
                    return Reply::of(
                        format!(
                            "{}WWW-Authenticate: Digest realm=\"{}\", nonce=\"{nonce}\", stale=\"FALSE\"\r\n\
                             WWW-Authenticate: Basic realm=\"{}\"\r\nContent-Length: 0\r\n\r\n",
                            head("401 Unauthorized"),
                            cam.realm,
                            cam.realm
                        )
                        .into_bytes(),
                    );
                }
                let (path, query) = req.path_and_query();
                let (_, sub) = route_of(&path, query.as_deref());
                let size = if sub { cam.sub } else { cam.main };
                let ip = *self.listeners[l as usize].addr.ip();
                let base = if req.target.contains("://") {
                    req.target.clone()
                } else {
                    format!("rtsp://{}{}", self.listeners[l as usize].addr, req.target)
                };
                let body = sdp(
                    ip,
                    &base,
                    size,
                    acts == Some(Behaviour::StreamError),
                    hash3(self.seed, cam.id as u64, 0x5D9),
                );
                bump(&self.counters.descriptions);
                let mut bytes = format!(
                    "{}Content-Base: {base}/\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n",
                    head("200 OK"),
                    body.len()
                )
                .into_bytes();
                bytes.extend_from_slice(body.as_bytes());
                Reply::of(bytes)
            }
            "SETUP" | "PLAY" | "PAUSE" | "RECORD" => Reply::of(
                format!(
                    "{}Content-Length: 0\r\n\r\n",
                    head("461 Unsupported Transport")
                )
                .into_bytes(),
            ),
            "TEARDOWN" | "GET_PARAMETER" | "SET_PARAMETER" => {
                Reply::of(format!("{}Content-Length: 0\r\n\r\n", head("200 OK")).into_bytes())
            }
            _ => Reply::of(
                format!(
                    "{}{public}Content-Length: 0\r\n\r\n",
                    head("501 Not Implemented")
                )
                .into_bytes(),
            ),
        }
    }

    pub(super) fn http(
        &self,
        req: &Request,
        cam_idx: Option<u32>,
        acts: Option<Behaviour>,
        unix_s: i64,
        unix_ms: u32,
    ) -> Reply {
        bump(&self.counters.snapshot_requests);
        let close = req
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"))
            || req.version == "HTTP/1.0";
        let conn_header = if close { "close" } else { "keep-alive" };
        let answer = |status: &str, extra: &str, content_type: &str, body: &[u8]| {
            let mut bytes = format!(
                "HTTP/1.1 {status}\r\nServer: iccc-desk camera simulator\r\n{extra}Content-Type: {content_type}\r\n\
                 Content-Length: {}\r\nConnection: {conn_header}\r\n\r\n",
                body.len()
            )
            .into_bytes();
            if req.method != "HEAD" {
                bytes.extend_from_slice(body);
            }
            Reply {
                bytes,
                close,
                ..Default::default()
            }
        };
        if !req.version.starts_with("HTTP/1.") {
            let mut r = answer(
                "505 HTTP Version Not Supported",
                "",
                "text/plain",
                b"HTTP/1.x only\n",
            );
            r.close = true;
            return r;
        }
        if req.method != "GET" && req.method != "HEAD" {
            return answer(
                "405 Method Not Allowed",
                "Allow: GET, HEAD\r\n",
                "text/plain",
                b"GET only\n",
            );
        }
        let Some(c) = cam_idx else {
            return answer("404 Not Found", "", "text/plain", b"no such picture\n");
        };
        let cam = &self.cameras[c as usize];
        if acts == Some(Behaviour::StreamError) {
            // A web page instead of a picture (a login portal, a broken firmware).
            return answer(
                "200 OK",
                "",
                "text/html",
                b"<html><body><h1>Service Unavailable</h1><p>Video loss on this channel.</p></body></html>\n",
            );
        }
        if acts == Some(Behaviour::WrongPassword) || !self.authorized(req, cam, unix_s as u64) {
            bump(&self.counters.logins_refused);
            let challenge = format!(
                "WWW-Authenticate: Digest qop=\"auth\", realm=\"{}\", nonce=\"{}\", stale=\"FALSE\"\r\n",
                cam.realm,
                self.nonce(unix_s as u64)
            );
            return answer(
                "401 Unauthorized",
                &challenge,
                "text/html",
                b"<html><body><h1>401 - Unauthorized</h1></body></html>\n",
            );
        }
        let jpeg = snapshot_jpeg(cam, unix_s, unix_ms);
        bump(&self.counters.snapshots);
        answer("200 OK", "Cache-Control: no-cache\r\n", "image/jpeg", &jpeg)
    }
}
