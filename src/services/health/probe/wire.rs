//! Reading RTSP and HTTP answers from a camera, defensively: one deadline for the whole exchange, caps on header
//! and body sizes, and errors that say what went wrong without ever repeating a request (which would carry the
//! credentials).

use std::io::Write as _;
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs as _};
use std::time::{Duration, Instant};

/// Largest header block accepted, bytes.
const MAX_HEADER_BYTES: usize = 16 * 1024;
/// Longest chunk-size line accepted (hex size and any extensions), bytes.
const MAX_CHUNK_LINE_BYTES: usize = 1024;

/// Why an exchange with a camera failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// Nothing to talk to: refused, unreachable, or the connection itself timed out.
    #[error("cannot connect to {addr}: {detail}")]
    Connect { addr: String, detail: String },
    /// Connected, but not a single byte came back in time.
    #[error("connected, but no answer within {0} ms")]
    NoAnswer(u128),
    /// Some bytes came, then the time ran out (a stalled or trickling server).
    #[error("the answer stalled: {got_bytes} bytes in {waited_ms} ms")]
    Stalled { got_bytes: usize, waited_ms: u128 },
    /// The bytes are not the protocol we spoke.
    #[error("{0}")]
    Malformed(String),
    /// The answer is bigger than anything a camera should send.
    #[error("the answer is larger than {limit_bytes} bytes")]
    TooLarge { limit_bytes: usize },
    #[error("the connection failed: {0}")]
    Io(String),
}

impl WireError {
    /// True when the failure means nothing is reachable (offline), rather than a bad answer.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Self::Connect { .. } | Self::NoAnswer(_))
    }
}

/// One overall time limit for a probe.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    started: Instant,
    end: Instant,
}

impl Deadline {
    pub fn after(limit: Duration) -> Self {
        let started = Instant::now();
        Self {
            started,
            end: started + limit,
        }
    }

    fn remaining(&self) -> Option<Duration> {
        self.end
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
    }

    pub fn elapsed_ms(&self) -> u128 {
        self.started.elapsed().as_millis()
    }
}

/// Opens a TCP connection to `host:port` within the deadline. `host` may be an IPv6 literal with or without its
/// URL brackets (`[::1]`); a name is looked up on a helper thread so a slow resolver cannot outlast the deadline.
pub fn connect(host: &str, port: u16, deadline: &Deadline) -> Result<TcpStream, WireError> {
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let addr_text = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let connect_err = |detail: String| WireError::Connect {
        addr: addr_text.clone(),
        detail,
    };
    let addrs = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => resolve(host, port, deadline).map_err(connect_err)?,
    };
    let mut last = String::from("no address");
    for addr in addrs {
        let Some(left) = deadline.remaining() else {
            return Err(connect_err("timed out".into()));
        };
        match TcpStream::connect_timeout(&addr, left) {
            Ok(stream) => {
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Err(e) => last = e.to_string(),
        }
    }
    Err(connect_err(last))
}

/// Looks a host name up within the deadline. The system resolver cannot be interrupted, so it runs on its own
/// thread; one that outlives the deadline finishes in the background and its answer is dropped.
fn resolve(host: &str, port: u16, deadline: &Deadline) -> Result<Vec<SocketAddr>, String> {
    let left = deadline.remaining().ok_or("timed out")?;
    let (tx, rx) = std::sync::mpsc::channel();
    let name = host.to_string();
    std::thread::Builder::new()
        .name("probe-resolve".into())
        .spawn(move || {
            let found = (name.as_str(), port)
                .to_socket_addrs()
                .map(Iterator::collect::<Vec<_>>)
                .map_err(|e| e.to_string());
            let _ = tx.send(found);
        })
        .map_err(|e| format!("cannot look the name up: {e}"))?;
    rx.recv_timeout(left)
        .map_err(|_| format!("the name lookup took longer than {} ms", left.as_millis()))?
}

/// Sends a request (already formatted, ending in an empty line).
pub fn send(stream: &mut TcpStream, request: &str, deadline: &Deadline) -> Result<(), WireError> {
    let left = deadline
        .remaining()
        .ok_or(WireError::NoAnswer(deadline.elapsed_ms()))?;
    stream
        .set_write_timeout(Some(left))
        .map_err(|e| WireError::Io(e.to_string()))?;
    stream
        .write_all(request.as_bytes())
        .map_err(|e| WireError::Io(e.to_string()))
}

/// An answer: status, headers (names lowercased), body.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Longest reason phrase kept from a status line, characters.
const MAX_REASON_CHARS: usize = 200;

/// Text a camera sent (a reason phrase, a header, a codec name) as the desk may keep, log and show it: control
/// characters, Unicode line and paragraph separators and bidirectional overrides written as `\u000a`, so the
/// text cannot start a forged line in the log or the terminal nor reorder it; at most `max_chars` characters,
/// ending "…" when cut.
pub fn camera_text(text: &str, max_chars: usize) -> String {
    let is_unsafe = |c: char| {
        c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    let mut out = String::with_capacity(text.len().min(max_chars.saturating_mul(4)));
    let mut chars = 0usize;
    let mut rest = text.chars().peekable();
    while let Some(c) = rest.next() {
        let escaped = is_unsafe(c).then(|| format!("\\u{:04x}", u32::from(c)));
        let len = escaped.as_ref().map_or(1, |e| e.len());
        // Room for the "…" is kept while more text follows.
        let room = if rest.peek().is_some() {
            max_chars.saturating_sub(1)
        } else {
            max_chars
        };
        if chars + len > room {
            out.push('…');
            return out;
        }
        chars += len;
        match escaped {
            Some(e) => out.push_str(&e),
            None => out.push(c),
        }
    }
    out
}

/// The error for an answer that does not start with `protocol`: the same protocol in another version is named
/// ("answers RTSP/2.0"), anything else previewed.
fn not_our_protocol(bytes: &[u8], protocol: &str) -> WireError {
    let name = protocol.split('/').next().unwrap_or(protocol);
    let first = bytes
        .split(|b| b.is_ascii_whitespace())
        .next()
        .unwrap_or_default();
    let version = first.strip_prefix(format!("{name}/").as_bytes());
    if let Some(v) = version
        && !v.is_empty()
        && v.len() <= 8
        && v.iter().all(|b| b.is_ascii_digit() || *b == b'.')
    {
        return WireError::Malformed(format!(
            "answers {name}/{}, which the desk does not speak",
            String::from_utf8_lossy(v)
        ));
    }
    WireError::Malformed(format!("not a {name} answer: \"{}\"", preview(bytes)))
}

/// A short, printable view of bytes that were not what we expected.
fn preview(bytes: &[u8]) -> String {
    bytes
        .iter()
        .take(24)
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                (b as char).to_string()
            } else {
                format!("\\x{b:02x}")
            }
        })
        .collect()
}

/// Where an answer's bytes come from: a socket, whose every read is given the time left; or bytes in memory
/// (the parser's own tests).
pub trait Source: std::io::Read {
    fn set_wait(&mut self, wait: Duration) -> std::io::Result<()>;
}

impl Source for TcpStream {
    /// Waits with poll(2), whose timer is precise to the millisecond; a socket's own read timeout is counted in
    /// kernel ticks and overshoots by up to two of them (20 ms at 100 Hz), past the probe's deadline. The read
    /// timeout stays set as a backstop.
    fn set_wait(&mut self, wait: Duration) -> std::io::Result<()> {
        use std::os::fd::AsRawFd as _;
        self.set_read_timeout(Some(wait))?;
        let wait_ms = i32::try_from(wait.as_micros().div_ceil(1000)).unwrap_or(i32::MAX);
        let mut fd = libc::pollfd {
            fd: self.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: `fd` is one valid pollfd that lives across the call, and the count passed is 1.
        let ready = unsafe { libc::poll(&mut fd, 1, wait_ms) };
        match ready {
            0 => Err(std::io::ErrorKind::TimedOut.into()),
            n if n < 0 => {
                let e = std::io::Error::last_os_error();
                // A signal: the read below waits out the rest with the socket's timeout.
                if e.kind() == std::io::ErrorKind::Interrupted {
                    Ok(())
                } else {
                    Err(e)
                }
            }
            _ => Ok(()),
        }
    }
}

impl Source for &[u8] {
    fn set_wait(&mut self, _wait: Duration) -> std::io::Result<()> {
        Ok(())
    }
}

struct Reader<'a, S: Source> {
    stream: &'a mut S,
    deadline: &'a Deadline,
    buf: Vec<u8>,
    got_any: bool,
}

impl<S: Source> Reader<'_, S> {
    /// Reads more bytes into the buffer; false at end of stream.
    fn fill(&mut self) -> Result<bool, WireError> {
        let Some(left) = self.deadline.remaining() else {
            return Err(self.timeout());
        };
        match self.stream.set_wait(left) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => return Err(self.timeout()),
            Err(e) => return Err(WireError::Io(e.to_string())),
        }
        let mut chunk = [0u8; 8192];
        match self.stream.read(&mut chunk) {
            Ok(0) => Ok(false),
            Ok(n) => {
                self.got_any = true;
                self.buf.extend_from_slice(&chunk[..n]);
                Ok(true)
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                Err(self.timeout())
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Ok(true),
            Err(e) => Err(WireError::Io(e.to_string())),
        }
    }

    fn timeout(&self) -> WireError {
        if self.got_any {
            WireError::Stalled {
                got_bytes: self.buf.len(),
                waited_ms: self.deadline.elapsed_ms(),
            }
        } else {
            WireError::NoAnswer(self.deadline.elapsed_ms())
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Reads one answer whose status line starts with `protocol` ("RTSP/1.0" or "HTTP/1.").
///
/// The body is read by Content-Length, by chunks, or (HTTP only) to the end of the stream; it is never allowed
/// beyond `max_body_bytes`. With `body_until_close` false, an answer without Content-Length has no body (RTSP).
pub fn read_answer<S: Source>(
    stream: &mut S,
    deadline: &Deadline,
    protocol: &str,
    max_body_bytes: usize,
    body_until_close: bool,
) -> Result<Answer, WireError> {
    let mut r = Reader {
        stream,
        deadline,
        buf: Vec::new(),
        got_any: false,
    };
    let header_end = loop {
        if let Some(i) = find(&r.buf, b"\r\n\r\n") {
            break i;
        }
        if r.buf.len() >= protocol.len() && !r.buf.starts_with(protocol.as_bytes()) {
            // "RTSP/2.0 200": wait for the whole version before naming it.
            let name_slash = protocol.split_inclusive('/').next().unwrap_or(protocol);
            let version_read = r.buf.iter().any(u8::is_ascii_whitespace) || r.buf.len() >= 16;
            if version_read || !r.buf.starts_with(name_slash.as_bytes()) {
                return Err(not_our_protocol(&r.buf, protocol));
            }
        }
        if r.buf.len() > MAX_HEADER_BYTES {
            return Err(WireError::TooLarge {
                limit_bytes: MAX_HEADER_BYTES,
            });
        }
        if !r.fill()? {
            return Err(if r.buf.is_empty() {
                WireError::Malformed("the connection closed without an answer".into())
            } else {
                WireError::Malformed(format!("the answer ended early: \"{}\"", preview(&r.buf)))
            });
        }
    };
    let head = String::from_utf8_lossy(&r.buf[..header_end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    if !version.starts_with(protocol) {
        return Err(not_our_protocol(status_line.as_bytes(), protocol));
    }
    let status: u16 = parts.next().and_then(|s| s.parse().ok()).ok_or_else(|| {
        WireError::Malformed(format!(
            "bad status line: \"{}\"",
            preview(status_line.as_bytes())
        ))
    })?;
    // The reason phrase is the camera's own words: escaped and cut here, before anything keeps or shows it.
    let reason = camera_text(parts.next().unwrap_or_default(), MAX_REASON_CHARS);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut answer = Answer {
        status,
        reason,
        headers,
        body: Vec::new(),
    };
    let mut rest = r.buf.split_off(header_end + 4);
    r.buf.clear();
    let content_length = answer
        .header("content-length")
        .map(|v| {
            v.parse::<usize>().map_err(|_| {
                WireError::Malformed(format!("bad Content-Length \"{}\"", camera_text(v, 40)))
            })
        })
        .transpose()?;
    let chunked = answer
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if let Some(len) = content_length {
        if len > max_body_bytes {
            return Err(WireError::TooLarge {
                limit_bytes: max_body_bytes,
            });
        }
        r.buf = std::mem::take(&mut rest);
        while r.buf.len() < len {
            if !r.fill()? {
                return Err(WireError::Malformed(format!(
                    "the body ended after {} of {len} bytes",
                    r.buf.len()
                )));
            }
        }
        r.buf.truncate(len);
        answer.body = r.buf;
    } else if chunked {
        r.buf = rest;
        answer.body = read_chunked(&mut r, max_body_bytes)?;
    } else if body_until_close {
        r.buf = rest;
        while r.fill()? {
            if r.buf.len() > max_body_bytes {
                return Err(WireError::TooLarge {
                    limit_bytes: max_body_bytes,
                });
            }
        }
        answer.body = r.buf;
    }
    Ok(answer)
}

/// Reads a chunked body. Every size comes from the peer: sums are checked, each chunk must end where its size
/// says (CRLF right after it), and a size line may not grow without end.
fn read_chunked<S: Source>(
    r: &mut Reader<'_, S>,
    max_body_bytes: usize,
) -> Result<Vec<u8>, WireError> {
    let ended_early = || WireError::Malformed("a chunked body ended early".into());
    let mut body = Vec::new();
    let mut pos = 0usize;
    loop {
        let line_end = loop {
            if let Some(i) = r.buf.get(pos..).and_then(|rest| find(rest, b"\r\n")) {
                break pos.saturating_add(i);
            }
            if r.buf.len().saturating_sub(pos) > MAX_CHUNK_LINE_BYTES {
                return Err(WireError::Malformed(format!(
                    "a chunk-size line is longer than {MAX_CHUNK_LINE_BYTES} bytes"
                )));
            }
            if !r.fill()? {
                return Err(ended_early());
            }
        };
        let size_text = String::from_utf8_lossy(r.buf.get(pos..line_end).unwrap_or_default());
        let size_hex = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_hex, 16)
            .ok()
            .filter(|_| !size_hex.starts_with('+'))
            .ok_or_else(|| {
                WireError::Malformed(format!(
                    "bad chunk size \"{}\"",
                    preview(size_hex.as_bytes())
                ))
            })?;
        if size == 0 {
            return Ok(body);
        }
        let too_large = WireError::TooLarge {
            limit_bytes: max_body_bytes,
        };
        if body
            .len()
            .checked_add(size)
            .is_none_or(|total| total > max_body_bytes)
        {
            return Err(too_large);
        }
        let data_start = line_end.checked_add(2).ok_or_else(ended_early)?;
        let data_end = data_start.checked_add(size).ok_or(too_large.clone())?;
        let next = data_end.checked_add(2).ok_or(too_large)?;
        while r.buf.len() < next {
            if !r.fill()? {
                return Err(ended_early());
            }
        }
        if r.buf.get(data_end..next) != Some(&b"\r\n"[..]) {
            return Err(WireError::Malformed(format!(
                "a chunk of {size} bytes is not followed by its line end: the chunk sizes do not match the data"
            )));
        }
        body.extend_from_slice(r.buf.get(data_start..data_end).ok_or_else(ended_early)?);
        pos = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A one-shot server that writes `bytes` (in pieces, with pauses) to the first client.
    fn serve(pieces: Vec<(Vec<u8>, u64)>) -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            if let Ok((mut s, _)) = listener.accept() {
                for (bytes, pause_ms) in pieces {
                    // A camera that sends its answer late or in pieces: the protocol behaviour under test.
                    std::thread::sleep(Duration::from_millis(pause_ms));
                    if s.write_all(&bytes).is_err() {
                        return;
                    }
                }
                // Holds the connection open a while, as a camera does, so the client sees no early close.
                std::thread::sleep(Duration::from_millis(300));
            }
        });
        port
    }

    fn get(
        port: u16,
        limit_ms: u64,
        protocol: &str,
        until_close: bool,
    ) -> Result<Answer, WireError> {
        let deadline = Deadline::after(Duration::from_millis(limit_ms));
        let mut s = connect("127.0.0.1", port, &deadline)?;
        read_answer(&mut s, &deadline, protocol, 1024, until_close)
    }

    #[test]
    fn reads_headers_and_content_length_body_in_pieces() {
        let port = serve(vec![
            (b"RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Le".to_vec(), 0),
            (b"ngth: 5\r\n\r\nab".to_vec(), 20),
            (b"cde".to_vec(), 20),
        ]);
        let a = get(port, 2000, "RTSP/1.0", false).unwrap();
        assert_eq!(
            (a.status, a.header("cseq"), a.body.as_slice()),
            (200, Some("2"), &b"abcde"[..])
        );
    }

    #[test]
    fn chunked_and_until_close_bodies() {
        let port = serve(vec![(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n".to_vec(),
            0,
        )]);
        assert_eq!(get(port, 2000, "HTTP/1.", true).unwrap().body, b"abcde");
        let port = serve(vec![(b"HTTP/1.0 200 OK\r\n\r\nxyz".to_vec(), 0)]);
        assert_eq!(get(port, 2000, "HTTP/1.", true).unwrap().body, b"xyz");
    }

    #[test]
    fn bad_answers_end_with_clear_errors() {
        let port = serve(vec![(
            b"\x16\x03\x01garbage that is not rtsp\r\n\r\n".to_vec(),
            0,
        )]);
        let e = get(port, 2000, "RTSP/1.0", false).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("not a RTSP answer: \"\\x16\\x03\\x01garbage"),
            "{e}"
        );
        let port = serve(vec![(
            b"HTTP/1.1 200 OK\r\nContent-Length: 999999\r\n\r\n".to_vec(),
            0,
        )]);
        assert_eq!(
            get(port, 2000, "HTTP/1.", true).unwrap_err(),
            WireError::TooLarge { limit_bytes: 1024 }
        );
        // A trickle: some bytes, then nothing before the deadline.
        let port = serve(vec![(b"RTSP/1.0 2".to_vec(), 0), (b"00".to_vec(), 1500)]);
        let e = get(port, 300, "RTSP/1.0", false).unwrap_err();
        assert!(
            matches!(e, WireError::Stalled { got_bytes: 10, .. }),
            "{e:?}"
        );
        assert!(!e.is_unreachable());
        // Silence: connected, nothing at all.
        let port = serve(vec![(Vec::new(), 1500)]);
        let e = get(port, 300, "RTSP/1.0", false).unwrap_err();
        assert!(matches!(e, WireError::NoAnswer(_)), "{e:?}");
        assert!(e.is_unreachable());
    }

    #[test]
    fn closed_port_is_unreachable() {
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let e = get(port, 1000, "RTSP/1.0", false).unwrap_err();
        assert!(
            matches!(e, WireError::Connect { .. }) && e.is_unreachable(),
            "{e:?}"
        );
    }

    #[test]
    fn chunk_sizes_that_do_not_add_up_are_refused_without_a_panic() {
        let cases: [&[u8]; 5] = [
            // Sizes near usize::MAX: the sums wrap without checked arithmetic.
            b"3\r\nabc\r\nfffffffffffffffe\r\nxy\r\n0\r\n\r\n",
            b"ffffffffffffffff\r\nabc\r\n0\r\n\r\n",
            // A size larger than the data before the next size line.
            b"10\r\nabc\r\n0\r\n\r\n",
            // A size smaller than the data.
            b"2\r\nabcdef\r\n0\r\n\r\n",
            // No size at all, then an endless size line.
            b"-3\r\nabc\r\n",
        ];
        for body in cases {
            let mut answer = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
            answer.extend_from_slice(body);
            let port = serve(vec![(answer, 0)]);
            let result = get(port, 2000, "HTTP/1.", true);
            assert!(
                matches!(
                    result,
                    Err(WireError::Malformed(_) | WireError::TooLarge { .. })
                ),
                "{:?} gave {result:?}",
                String::from_utf8_lossy(body)
            );
        }
        let mut endless = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        endless.extend(std::iter::repeat_n(b'0', 4096));
        let port = serve(vec![(endless, 0)]);
        let e = get(port, 2000, "HTTP/1.", true).unwrap_err();
        assert!(e.to_string().contains("chunk-size line"), "{e}");
    }

    fn parse(bytes: &[u8], until_close: bool) -> Result<Answer, WireError> {
        let mut source: &[u8] = bytes;
        let deadline = Deadline::after(Duration::from_secs(5));
        read_answer(&mut source, &deadline, "HTTP/1.", 4096, until_close)
    }

    #[test]
    fn camera_text_escapes_line_breaks_and_is_cut_with_room_for_the_ellipsis() {
        assert_eq!(
            camera_text("Gone\n2026 INFO x", 200),
            "Gone\\u000a2026 INFO x"
        );
        assert_eq!(camera_text("a\u{202e}b\u{2028}", 200), "a\\u202eb\\u2028");
        assert_eq!(camera_text("abcd", 4), "abcd");
        assert_eq!(camera_text("abcde", 4), "abc…");
        // An escape is never cut in half.
        assert_eq!(camera_text("ab\u{1b}cd", 6), "ab…");
        let long = camera_text(&"x".repeat(15 * 1024), 200);
        assert_eq!(long.chars().count(), 200);
    }

    #[test]
    fn another_version_of_the_protocol_is_named() {
        let e = parse(b"HTTP/2 200\r\n\r\n", false).unwrap_err();
        assert_eq!(
            e.to_string(),
            "answers HTTP/2, which the desk does not speak"
        );
        let mut source: &[u8] = b"RTSP/2.0 200 OK\r\nCSeq: 1\r\n\r\n";
        let deadline = Deadline::after(Duration::from_secs(5));
        let e = read_answer(&mut source, &deadline, "RTSP/1.0", 4096, false).unwrap_err();
        assert_eq!(
            e.to_string(),
            "answers RTSP/2.0, which the desk does not speak"
        );
        let e = parse(b"HTTP/9x 200\r\n\r\n", false).unwrap_err();
        assert!(e.to_string().starts_with("not a HTTP answer"), "{e}");
        let a = parse(b"HTTP/1.1 404 Gone\n2026 INFO forged\r\n\r\n", false).unwrap();
        assert_eq!(a.reason, "Gone\\u000a2026 INFO forged");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Random bytes after a plausible head never panic the parser, whatever the framing headers say.
        #[test]
        fn random_answers_never_panic(
            framing in proptest::sample::select(vec![
                "Transfer-Encoding: chunked\r\n",
                "Content-Length: 18446744073709551615\r\n",
                "Content-Length: 7\r\n",
                "",
            ]),
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
            chunky in proptest::collection::vec(
                (0usize..40, proptest::bool::ANY, proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40)),
                0..6,
            ),
            until_close in proptest::bool::ANY,
        ) {
            let mut answer = format!("HTTP/1.1 200 OK\r\n{framing}\r\n").into_bytes();
            // Chunks whose sizes sometimes match their data and sometimes do not.
            for (size, in_hex_of_max, data) in &chunky {
                let size = if *in_hex_of_max { usize::MAX - size } else { *size };
                answer.extend_from_slice(format!("{size:x}\r\n").as_bytes());
                answer.extend_from_slice(data);
                answer.extend_from_slice(b"\r\n");
            }
            answer.extend_from_slice(&body);
            let _ = parse(&answer, until_close);
            // And the raw bytes alone, as a status line.
            let _ = parse(&body, until_close);
        }
    }
}
