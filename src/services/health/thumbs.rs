//! Thumbnails decoded off the UI thread: the wall asks for the tiles it shows, a decoder thread turns their
//! JPEGs into RGBA pixels, and the UI only uploads finished pictures (a decode is about a millisecond; a few of
//! them in one frame while scrolling would cost the frame budget).

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};

use crate::model::CameraId;

/// A decoded thumbnail, ready to upload.
#[derive(Debug)]
pub struct DecodedThumb {
    pub camera_id: CameraId,
    /// The JPEG's version when it was asked for (a newer picture makes this one stale).
    pub version: u64,
    pub width_px: usize,
    pub height_px: usize,
    /// Unpremultiplied RGBA, row by row; empty when the JPEG did not decode.
    pub rgba: Vec<u8>,
}

type Request = (CameraId, u64, Arc<Vec<u8>>);

/// The UI's handle on the decoder thread.
pub struct ThumbDecoder {
    requests: Sender<Request>,
    results: Receiver<DecodedThumb>,
}

impl ThumbDecoder {
    /// Starts the thread; `wake` is called after each finished picture (a repaint request).
    pub fn start(wake: Arc<dyn Fn() + Send + Sync>) -> std::io::Result<Self> {
        let (requests, inbox) = mpsc::channel::<Request>();
        let (outbox, results) = mpsc::channel();
        std::thread::Builder::new()
            .name("thumb-decoder".into())
            .spawn(move || {
                while let Ok(first) = inbox.recv() {
                    // Newest first: while the wall scrolls, the tiles asked for last are the ones in view.
                    let mut batch = vec![first];
                    batch.extend(inbox.try_iter());
                    for (camera_id, version, jpeg) in batch.into_iter().rev() {
                        let decoded = decode(camera_id, version, &jpeg);
                        if outbox.send(decoded).is_err() {
                            return;
                        }
                        wake();
                    }
                }
            })?;
        Ok(Self { requests, results })
    }

    pub fn request(&self, camera_id: CameraId, version: u64, jpeg: Arc<Vec<u8>>) {
        let _ = self.requests.send((camera_id, version, jpeg));
    }

    /// Pictures finished since the last call.
    pub fn finished(&self) -> impl Iterator<Item = DecodedThumb> + '_ {
        self.results.try_iter()
    }
}

/// Thumbnails are made 320×180 by the prober; anything much bigger in the registry is not one of ours.
const MAX_THUMB_SIDE_PX: u32 = 1024;

/// Decodes a thumbnail from the registry (hostile bytes: a planted huge picture is refused by its header, and a
/// decoder panic leaves the tile empty instead of ending the decoder thread).
fn decode_rgba(jpeg: &[u8]) -> Option<image::DynamicImage> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(jpeg))
        .with_guessed_format()
        .ok()?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_THUMB_SIDE_PX);
    limits.max_image_height = Some(MAX_THUMB_SIDE_PX);
    limits.max_alloc = Some(64 * 1024 * 1024);
    reader.limits(limits);
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| reader.decode().ok())).ok()?
}

fn decode(camera_id: CameraId, version: u64, jpeg: &[u8]) -> DecodedThumb {
    let (width_px, height_px, rgba) = match decode_rgba(jpeg) {
        Some(picture) => {
            let rgba = picture.to_rgba8();
            (
                rgba.width() as usize,
                rgba.height() as usize,
                rgba.into_raw(),
            )
        }
        None => (0, 0, Vec::new()),
    };
    DecodedThumb {
        camera_id,
        version,
        width_px,
        height_px,
        rgba,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_on_its_thread_and_reports_bad_pictures_as_empty() {
        let img = image::RgbImage::from_fn(32, 18, |x, _| image::Rgb([x as u8 * 8, 90, 30]));
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80)
            .encode_image(&img)
            .unwrap();
        let (woke, woken) = mpsc::channel();
        let woke = std::sync::Mutex::new(woke);
        let decoder = ThumbDecoder::start(Arc::new(move || {
            let _ = woke.lock().unwrap().send(());
        }))
        .unwrap();
        decoder.request(7, 1, Arc::new(jpeg));
        decoder.request(8, 1, Arc::new(b"not a jpeg".to_vec()));
        let mut done = Vec::new();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            done.extend(decoder.finished());
            if done.len() >= 2 {
                break;
            }
            // The decoder wakes the UI after each picture.
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if woken.recv_timeout(left).is_err() {
                break;
            }
        }
        done.sort_by_key(|d| d.camera_id);
        assert_eq!(done.len(), 2);
        assert_eq!(
            (done[0].width_px, done[0].height_px, done[0].rgba.len()),
            (32, 18, 32 * 18 * 4)
        );
        assert!(done[1].rgba.is_empty());
    }

    #[test]
    fn a_huge_picture_in_the_registry_is_not_decoded() {
        let img = image::RgbImage::new(2000, 20);
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 50)
            .encode_image(&img)
            .unwrap();
        assert!(decode(1, 1, &jpeg).rgba.is_empty());
    }
}
