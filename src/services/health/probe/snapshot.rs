//! HTTP snapshot probe: GET the JPEG (answering a Digest or Basic challenge), decode it, and make a small
//! thumbnail for the wall, all off the UI thread.

use image::{ImageDecoder as _, ImageReader};

use super::wire::{self, Answer, Deadline, WireError, camera_text};
use super::{Credentials, Finding};
use super::{login, redirect};
use crate::model::HealthState;

/// Largest snapshot accepted, bytes (a 4K JPEG is well under this).
pub const MAX_SNAPSHOT_BYTES: usize = 8 * 1024 * 1024;
/// Largest snapshot side decoded, pixels (a 16K picture; a header claiming more is refused before decoding).
const MAX_SNAPSHOT_SIDE_PX: u32 = 16_384;
/// HTTP's own port, for a URL without one.
const HTTP_PORT: u16 = 80;
/// Longest reason kept in a finding, characters (every part a camera sent is already escaped and cut).
const MAX_ERROR_CHARS: usize = 500;
/// Thumbnails fit in this box, pixels, keeping the picture's aspect.
pub const THUMBNAIL_BOX_PX: (u32, u32) = (320, 180);

fn get(
    url: &url::Url,
    authorization: Option<&str>,
    deadline: &Deadline,
) -> Result<Answer, WireError> {
    let host = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default().unwrap_or(80);
    let mut stream = wire::connect(host, port, deadline)?;
    let target = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    };
    let host_header = match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    };
    let mut request = format!(
        "GET {target} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: iccc-desk\r\nAccept: image/jpeg\r\nConnection: close\r\n"
    );
    if let Some(a) = authorization {
        request.push_str("Authorization: ");
        request.push_str(a);
        request.push_str("\r\n");
    }
    request.push_str("\r\n");
    wire::send(&mut stream, &request, deadline)?;
    wire::read_answer(&mut stream, deadline, "HTTP/1.", MAX_SNAPSHOT_BYTES, true)
}

fn failed(state: HealthState, deadline: &Deadline, error: String) -> Finding {
    Finding {
        state,
        latency_ms: deadline.elapsed_ms() as u32,
        error: Some(camera_text(&format!("snapshot: {error}"), MAX_ERROR_CHARS)),
        ..Default::default()
    }
}

fn wire_failed(e: WireError, deadline: &Deadline) -> Finding {
    let state = if e.is_unreachable() {
        HealthState::Offline
    } else {
        HealthState::StreamError
    };
    failed(state, deadline, e.to_string())
}

/// GET `url`, answering a login challenge with `login` when given. The answer is the last GET's (a 401 only
/// when there was no login to give); a refused login or a failed exchange is the finding.
fn fetch(
    url: &url::Url,
    login: Option<&Credentials>,
    deadline: &Deadline,
) -> Result<Answer, Finding> {
    let answer = get(url, None, deadline).map_err(|e| wire_failed(e, deadline))?;
    let (401, Some(credentials)) = (answer.status, login) else {
        return Ok(answer);
    };
    let target = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    };
    let challenges = answer.headers_named("www-authenticate");
    let authorization =
        login::answer_challenges(challenges, credentials, "GET", &target).map_err(|e| {
            failed(
                HealthState::StreamError,
                deadline,
                format!("cannot answer the login challenge: {e}"),
            )
        })?;
    let answer = get(url, Some(&authorization), deadline).map_err(|e| wire_failed(e, deadline))?;
    if answer.status == 401 {
        return Err(failed(
            HealthState::AuthFailed,
            deadline,
            "the camera refused the stored user name and password".into(),
        ));
    }
    Ok(answer)
}

/// Fetches and decodes one snapshot, following a few redirects.
pub fn probe_snapshot(
    url: &url::Url,
    credentials: Option<&Credentials>,
    deadline: &Deadline,
) -> Finding {
    if url.scheme() != "http" {
        return failed(
            HealthState::StreamError,
            deadline,
            format!(
                "{}:// snapshots are not supported yet; use the camera's http:// address",
                url.scheme()
            ),
        );
    }
    let mut current = url.clone();
    let mut hops = 0;
    let answer = loop {
        // The stored login goes only where it was stored for: the same scheme, host and port.
        let login = credentials.filter(|_| redirect::same_origin(url, &current, HTTP_PORT));
        let answer = match fetch(&current, login, deadline) {
            Ok(a) => a,
            Err(f) => return f,
        };
        if answer.status == 401 {
            return match credentials {
                Some(_) => failed(
                    HealthState::StreamError,
                    deadline,
                    format!(
                        "moved to {}, another host, which asks for a password; the stored password is sent only to {}",
                        redirect::shown(&current),
                        redirect::host_port(url, HTTP_PORT)
                    ),
                ),
                None => failed(
                    HealthState::AuthFailed,
                    deadline,
                    "the camera asks for a password and none is stored".into(),
                ),
            };
        }
        if !redirect::is_redirect(answer.status) {
            break answer;
        }
        match redirect::next_hop(&current, &answer, hops, "http") {
            Ok(next) => current = next,
            Err(why) => {
                return failed(
                    HealthState::StreamError,
                    deadline,
                    format!(
                        "the camera answered {} {}: {why}",
                        answer.status, answer.reason
                    ),
                );
            }
        }
        hops += 1;
    };
    if answer.status != 200 {
        return failed(
            HealthState::StreamError,
            deadline,
            format!("the camera answered {} {}", answer.status, answer.reason),
        );
    }
    match thumbnail(&answer.body) {
        Ok((jpeg, w, h)) => Finding {
            state: HealthState::Online,
            latency_ms: deadline.elapsed_ms() as u32,
            width_px: Some(w),
            height_px: Some(h),
            thumbnail_jpeg: Some(jpeg),
            ..Default::default()
        },
        Err(e) => failed(HealthState::StreamError, deadline, e),
    }
}

fn has_jpeg_end(bytes: &[u8]) -> bool {
    // Some cameras pad after the marker; look at the last few bytes.
    let tail = &bytes[bytes.len().saturating_sub(32)..];
    tail.windows(2).any(|w| w == [0xFF, 0xD9])
}

/// Decodes a snapshot, turns it as its EXIF orientation says, and returns a small JPEG thumbnail with the
/// picture's size as seen.
pub fn thumbnail(bytes: &[u8]) -> Result<(Vec<u8>, u32, u32), String> {
    let mut reader = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("cannot read the image: {e}"))?;
    // A camera's header may claim any size: decode no more than a 16K picture, in at most 512 MB.
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SNAPSHOT_SIDE_PX);
    limits.max_image_height = Some(MAX_SNAPSHOT_SIDE_PX);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    match reader.format() {
        None => {
            return Err(format!(
                "not an image ({} bytes of something else)",
                bytes.len()
            ));
        }
        // The JPEG decoder fills in a picture that was cut short; the end-of-image marker says it was not.
        Some(image::ImageFormat::Jpeg) if !has_jpeg_end(bytes) => {
            return Err(format!(
                "the JPEG is cut short after {} bytes (no end-of-image marker)",
                bytes.len()
            ));
        }
        Some(_) => {}
    }
    let damaged =
        |e: image::ImageError| format!("the image does not decode (truncated or damaged): {e}");
    let mut decoder = reader.into_decoder().map_err(damaged)?;
    // A camera mounted on its side says so in EXIF; an orientation that cannot be read leaves the picture as is.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = image::DynamicImage::from_decoder(decoder).map_err(damaged)?;
    picture.apply_orientation(orientation);
    let (w, h) = (picture.width(), picture.height());
    let small = picture
        .thumbnail(THUMBNAIL_BOX_PX.0, THUMBNAIL_BOX_PX.1)
        .to_rgb8();
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 75)
        .encode_image(&small)
        .map_err(|e| format!("cannot make the thumbnail: {e}"))?;
    Ok((jpeg, w, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        });
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
            .encode_image(&img)
            .unwrap();
        out
    }

    #[test]
    fn thumbnails_keep_aspect_and_report_size() {
        let (thumb, w, h) = thumbnail(&jpeg(640, 360)).unwrap();
        assert_eq!((w, h), (640, 360));
        let t = image::load_from_memory(&thumb).unwrap();
        assert_eq!((t.width(), t.height()), (320, 180));
        let (thumb, _, _) = thumbnail(&jpeg(300, 400)).unwrap();
        let t = image::load_from_memory(&thumb).unwrap();
        assert_eq!((t.width(), t.height()), (135, 180));
    }

    #[test]
    fn truncated_and_foreign_bytes_are_refused() {
        let full = jpeg(640, 360);
        let Err(e) = thumbnail(&full[..full.len() / 2]) else {
            panic!("a truncated JPEG must be refused");
        };
        assert!(e.contains("cut short"), "{e}");
        let e = thumbnail(b"<html>login</html>").unwrap_err();
        assert!(e.starts_with("not an image"), "{e}");
    }
}
