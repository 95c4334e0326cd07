//! What the desk notes from a camera's SDP: the video codec and the picture size.

use base64::Engine as _;
use h264_reader::nal::Nal as _;
use h264_reader::nal::sps::SeqParameterSet;

/// The video track of an SDP, as far as the desk cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoTrack {
    /// Encoding name from `a=rtpmap`, e.g. "H264", "H265", "JPEG".
    pub codec: String,
    pub width_px: Option<u32>,
    pub height_px: Option<u32>,
}

/// Finds the first video track; `None` when the SDP has no `m=video` line.
pub fn video_track(sdp: &str) -> Option<VideoTrack> {
    let mut in_video = false;
    let mut payload_types: Vec<String> = Vec::new();
    let mut codec = None;
    let mut dims = None;
    let mut sps_b64 = None;
    for line in sdp.lines().map(str::trim) {
        if let Some(media) = line.strip_prefix("m=") {
            if in_video {
                break;
            }
            let mut f = media.split_whitespace();
            in_video = f.next() == Some("video");
            // m=video <port> <proto> <fmt list>
            payload_types = f.skip(2).map(String::from).collect();
            continue;
        }
        if !in_video {
            continue;
        }
        if let Some(rest) = line.strip_prefix("a=rtpmap:") {
            let (pt, enc) = rest.split_once(' ').unwrap_or((rest, ""));
            if codec.is_none() && payload_types.iter().any(|p| p == pt) {
                codec = enc.split('/').next().map(|c| c.to_ascii_uppercase());
            }
        } else if let Some(rest) = line.strip_prefix("a=fmtp:") {
            for param in rest.split(';') {
                let param = param.trim();
                let param = param.split_once(' ').map_or(param, |(_, p)| p);
                if let Some(v) = param.strip_prefix("sprop-parameter-sets=") {
                    sps_b64 = v.split(',').next().map(String::from);
                }
            }
        } else if let Some(rest) = line.strip_prefix("a=framesize:") {
            // Some cameras: "a=framesize:96 1920-1080".
            dims = rest
                .split_whitespace()
                .nth(1)
                .and_then(|d| d.split_once('-'))
                .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)));
        } else if let Some(rest) = line.strip_prefix("a=x-dimensions:") {
            dims = rest
                .split_once(',')
                .and_then(|(w, h)| Some((w.trim().parse().ok()?, h.trim().parse().ok()?)));
        }
    }
    if !in_video && codec.is_none() {
        return None;
    }
    let codec = codec?;
    if codec == "H264"
        && let Some(b64) = sps_b64
        && let Some(d) = h264_dimensions(&b64)
    {
        dims = Some(d);
    }
    Some(VideoTrack {
        codec,
        width_px: dims.map(|d| d.0),
        height_px: dims.map(|d| d.1),
    })
}

/// Picture size from a base64 H.264 sequence parameter set.
fn h264_dimensions(b64: &str) -> Option<(u32, u32)> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()
        .filter(|b| !b.is_empty())?;
    let nal = h264_reader::nal::RefNal::new(&bytes, &[], true);
    let sps = SeqParameterSet::from_bits(nal.rbsp_bits()).ok()?;
    sps.pixel_dimensions().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As GStreamer's RTSP server describes a 640×360 x264 test stream.
    const GST_SDP: &str = "v=0\r\no=- 1188340656180883 1 IN IP4 127.0.0.1\r\ns=Session streamed with GStreamer\r\n\
        t=0 0\r\na=tool:GStreamer\r\na=type:broadcast\r\na=control:*\r\na=range:npt=now-\r\n\
        m=video 0 RTP/AVP 96\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:96 H264/90000\r\n\
        a=framerate:15\r\na=fmtp:96 packetization-mode=1;sprop-parameter-sets=Z0LAHtkAoC/5YQAAAwABAAADAB4PFi5I,aMuMsg==;profile-level-id=42c01e;level-asymmetry-allowed=1\r\n\
        a=control:stream=0\r\n";

    #[test]
    fn h264_size_comes_from_the_sps() {
        let t = video_track(GST_SDP).expect("a video track");
        assert_eq!(t.codec, "H264");
        assert_eq!((t.width_px, t.height_px), (Some(640), Some(360)));
    }

    #[test]
    fn audio_only_has_no_video_track() {
        let sdp = "v=0\r\nm=audio 0 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
        assert_eq!(video_track(sdp), None);
    }

    #[test]
    fn other_codecs_and_size_hints() {
        let sdp = "m=audio 0 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\nm=video 0 RTP/AVP 98\r\na=rtpmap:98 H265/90000\r\na=x-dimensions:1920,1080\r\n";
        let t = video_track(sdp).unwrap();
        assert_eq!(
            (t.codec.as_str(), t.width_px, t.height_px),
            ("H265", Some(1920), Some(1080))
        );
        // A damaged SPS gives no size, but the codec is still noted.
        let sdp = "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 sprop-parameter-sets=!!!,x\r\n";
        assert_eq!(video_track(sdp).unwrap().width_px, None);
    }
}
