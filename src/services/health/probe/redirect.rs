//! Following a camera that says its stream or snapshot moved (301, 302, 303, 307, 308 with `Location`): a few
//! hops at most, and the stored login only ever goes to the scheme, host and port it was stored for.

use url::Url;

use super::wire::{Answer, camera_text};

/// Redirects followed before the probe gives up and says where the camera pointed.
pub const MAX_REDIRECTS: usize = 3;

/// Longest address kept in a "moved to" finding, characters.
const MAX_SHOWN_URL_CHARS: usize = 300;

/// True for the statuses that move a request elsewhere (RTSP 1.0 uses 301–303; HTTP also 307 and 308).
pub fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Scheme, host and port, with the scheme's own port when the URL has none.
fn origin(url: &Url, default_port: u16) -> (&str, Option<&str>, u16) {
    (
        url.scheme(),
        url.host_str(),
        url.port().unwrap_or(default_port),
    )
}

/// True when `a` and `b` are the same camera for the login's sake: same scheme, host and port.
pub fn same_origin(a: &Url, b: &Url, default_port: u16) -> bool {
    origin(a, default_port) == origin(b, default_port)
}

/// `host:port` of a URL, as a finding names where the login may go.
pub fn host_port(url: &Url, default_port: u16) -> String {
    let (_, host, port) = origin(url, default_port);
    format!("{}:{port}", host.unwrap_or_default())
}

/// A URL as a finding shows it: never a user name or password a camera put in it, escaped and cut.
pub fn shown(url: &Url) -> String {
    let mut clean = url.clone();
    let _ = clean.set_username("");
    let _ = clean.set_password(None);
    camera_text(clean.as_str(), MAX_SHOWN_URL_CHARS)
}

/// Where a redirect `answer` to a request for `current` leads, after `hops` redirects already followed; or,
/// when it is not followed, why (in words for the finding).
pub fn next_hop(current: &Url, answer: &Answer, hops: usize, scheme: &str) -> Result<Url, String> {
    let Some(location) = answer.header("location") else {
        return Err("moved, but the answer has no Location".into());
    };
    // Relative or absolute, as RFC 9110 §10.2.2 allows.
    let Ok(next) = current.join(location) else {
        return Err(format!(
            "moved to \"{}\", which is not an address",
            camera_text(location, MAX_SHOWN_URL_CHARS)
        ));
    };
    if hops >= MAX_REDIRECTS {
        return Err(format!(
            "moved to {}: more than {MAX_REDIRECTS} redirects, not followed",
            shown(&next)
        ));
    }
    if next.scheme() != scheme {
        return Err(format!(
            "moved to {}: not followed, the desk probes {scheme}:// here",
            shown(&next)
        ));
    }
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(location: &str) -> Answer {
        Answer {
            status: 302,
            headers: vec![("location".into(), location.into())],
            ..Default::default()
        }
    }

    #[test]
    fn relative_and_absolute_locations_and_origins() {
        let here = Url::parse("http://127.0.0.1:8080/cgi-bin/snap.cgi?x=1").unwrap();
        let next = next_hop(&here, &answer("/pic.jpg"), 0, "http").unwrap();
        assert_eq!(next.as_str(), "http://127.0.0.1:8080/pic.jpg");
        assert!(same_origin(&here, &next, 80));
        let other = next_hop(&here, &answer("http://127.0.0.1:8081/pic.jpg"), 2, "http").unwrap();
        assert!(!same_origin(&here, &other, 80));
        let e = next_hop(&here, &answer("http://u:secret@127.0.0.1/x"), 3, "http").unwrap_err();
        assert!(
            e.contains("moved to http://127.0.0.1/x") && !e.contains("secret"),
            "{e}"
        );
        let rtsp = Url::parse("rtsp://127.0.0.1/a").unwrap();
        let explicit = Url::parse("rtsp://127.0.0.1:554/b").unwrap();
        assert!(same_origin(&rtsp, &explicit, 554));
        let e = next_hop(&here, &answer("https://127.0.0.1/x"), 0, "http").unwrap_err();
        assert!(e.contains("not followed"), "{e}");
    }
}
