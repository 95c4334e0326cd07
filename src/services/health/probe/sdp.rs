//! What the desk notes from a camera's SDP: the video codec and the picture size.

use base64::Engine as _;
use h264_reader::nal::Nal as _;
use h264_reader::nal::sps::SeqParameterSet;

use super::wire::camera_text;

/// Longest codec name kept, characters ("H264", "MPEG4-GENERIC" are far shorter).
const MAX_CODEC_CHARS: usize = 32;

/// The video track of an SDP, as far as the desk cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoTrack {
    /// Encoding name from `a=rtpmap`, or of the static payload type (RFC 3551) when there is none: "H264",
    /// "H265", "JPEG", "MP2T".
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
    let mut h265_sps_b64 = None;
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
                // The camera's own word, kept and shown: escaped and cut like any text it sends.
                codec = enc
                    .split('/')
                    .next()
                    .map(|c| camera_text(&c.to_ascii_uppercase(), MAX_CODEC_CHARS));
            }
        } else if let Some(rest) = line.strip_prefix("a=fmtp:") {
            for param in rest.split(';') {
                let param = param.trim();
                let param = param.split_once(' ').map_or(param, |(_, p)| p);
                if let Some(v) = param.strip_prefix("sprop-parameter-sets=") {
                    sps_b64 = v.split(',').next().map(String::from);
                } else if let Some(v) = param.strip_prefix("sprop-sps=") {
                    h265_sps_b64 = v.split(',').next().map(String::from);
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
    // live555 and VLC leave out `a=rtpmap` for static payload types: the number itself names the codec.
    let codec = codec.or_else(|| payload_types.iter().find_map(|pt| static_video_codec(pt)))?;
    if codec == "H264"
        && let Some(b64) = sps_b64
        && let Some(d) = h264_dimensions(&b64)
    {
        dims = Some(d);
    }
    if codec == "H265"
        && let Some(b64) = h265_sps_b64
        && let Some(d) = h265_dimensions(&b64)
    {
        dims = Some(d);
    }
    Some(VideoTrack {
        codec,
        width_px: dims.map(|d| d.0),
        height_px: dims.map(|d| d.1),
    })
}

/// The video codec of a static RTP payload type (RFC 3551, table 5).
fn static_video_codec(payload_type: &str) -> Option<String> {
    let name = match payload_type.parse::<u8>().ok()? {
        25 => "CELB",
        26 => "JPEG",
        28 => "NV",
        31 => "H261",
        32 => "MPV",
        33 => "MP2T",
        34 => "H263",
        _ => return None,
    };
    Some(name.into())
}

/// Reads bits from an RBSP, every read checked: a short or hostile parameter set gives `None`, never a panic.
struct Bits<'a> {
    bytes: &'a [u8],
    pos_bits: usize,
}

impl Bits<'_> {
    fn bit(&mut self) -> Option<u32> {
        let byte = *self.bytes.get(self.pos_bits / 8)?;
        let bit = (byte >> (7 - (self.pos_bits % 8))) & 1;
        self.pos_bits += 1;
        Some(u32::from(bit))
    }

    fn bits(&mut self, n: u32) -> Option<u32> {
        (0..n).try_fold(0u32, |acc, _| Some((acc << 1) | self.bit()?))
    }

    fn skip(&mut self, n: usize) -> Option<()> {
        let end = self.pos_bits.checked_add(n)?;
        (end <= self.bytes.len().checked_mul(8)?).then(|| self.pos_bits = end)
    }

    /// Exp-Golomb ue(v), at most 32 bits of value.
    fn ue(&mut self) -> Option<u32> {
        let mut zeros = 0u32;
        while self.bit()? == 0 {
            zeros += 1;
            if zeros > 31 {
                return None;
            }
        }
        let rest = self.bits(zeros)?;
        ((1u64 << zeros) - 1 + u64::from(rest)).try_into().ok()
    }
}

/// The NAL unit's payload without its emulation-prevention bytes (00 00 03 → 00 00).
fn rbsp(nal: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(nal.len());
    let mut zeros = 0;
    for &b in nal {
        if zeros >= 2 && b == 3 {
            zeros = 0;
            continue;
        }
        zeros = if b == 0 { zeros + 1 } else { 0 };
        out.push(b);
    }
    out
}

/// Picture size from a base64 H.265 sequence parameter set (ITU-T H.265 7.3.2.2): the coded size less the
/// conformance window (the crop an encoder adds to reach whole coding blocks, e.g. 368 coded lines for 360).
fn h265_dimensions(b64: &str) -> Option<(u32, u32)> {
    let nal = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    // NAL header: 2 bytes; type 33 is an SPS.
    let header = nal.get(..2)?;
    if (header[0] >> 1) & 0x3f != 33 {
        return None;
    }
    let payload = rbsp(nal.get(2..)?);
    let mut b = Bits {
        bytes: &payload,
        pos_bits: 0,
    };
    b.bits(4)?; // sps_video_parameter_set_id
    let max_sub_layers_minus1 = b.bits(3)? as usize;
    b.bit()?; // sps_temporal_id_nesting_flag
    // profile_tier_level: the general part is 96 bits.
    b.skip(96)?;
    let mut sub_layer_flags = Vec::with_capacity(max_sub_layers_minus1);
    for _ in 0..max_sub_layers_minus1 {
        sub_layer_flags.push((b.bit()? == 1, b.bit()? == 1));
    }
    if max_sub_layers_minus1 > 0 {
        b.skip(2 * (8 - max_sub_layers_minus1))?;
    }
    for (profile_present, level_present) in sub_layer_flags {
        if profile_present {
            b.skip(88)?;
        }
        if level_present {
            b.skip(8)?;
        }
    }
    b.ue()?; // sps_seq_parameter_set_id
    let chroma_format_idc = b.ue()?;
    let separate_colour_planes = chroma_format_idc == 3 && b.bit()? == 1;
    let width = b.ue()?;
    let height = b.ue()?;
    let (sub_width, sub_height) = match (chroma_format_idc, separate_colour_planes) {
        (1, _) => (2, 2),
        (2, _) => (2, 1),
        (0 | 3, _) => (1, 1),
        _ => return None,
    };
    let (mut width, mut height) = (width, height);
    if b.bit()? == 1 {
        let (left, right, top, bottom) = (b.ue()?, b.ue()?, b.ue()?, b.ue()?);
        let crop_w = left.checked_add(right)?.checked_mul(sub_width)?;
        let crop_h = top.checked_add(bottom)?.checked_mul(sub_height)?;
        width = width.checked_sub(crop_w)?;
        height = height.checked_sub(crop_h)?;
    }
    (width > 0 && height > 0).then_some((width, height))
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

    #[test]
    fn static_payload_types_without_rtpmap_name_their_codec() {
        // As live555 describes a JPEG camera: no a=rtpmap for a static payload type.
        for (pt, codec) in [(26, "JPEG"), (32, "MPV"), (33, "MP2T"), (34, "H263")] {
            let sdp = format!(
                "v=0\r\nm=audio 0 RTP/AVP 0\r\nm=video 0 RTP/AVP {pt}\r\nc=IN IP4 0.0.0.0\r\na=control:track1\r\n"
            );
            assert_eq!(
                video_track(&sdp).map(|t| t.codec),
                Some(codec.into()),
                "{pt}"
            );
        }
        // A dynamic type with no rtpmap names nothing.
        assert_eq!(video_track("m=video 0 RTP/AVP 96\r\n"), None);
    }

    /// As GStreamer's RTSP server (x265enc) describes a 640×360 stream: coded 640×368, cropped by 8 lines.
    const GST_H265_SPS: &str =
        "QgEBBAgAAAMAmAgAAAMAAD+QAKBALj4kpS3SUmF/+AAIAAtQYGBgQAAAAwBAAAADA8I=";

    #[test]
    fn h265_size_comes_from_the_sps_less_its_conformance_window() {
        assert_eq!(h265_dimensions(GST_H265_SPS), Some((640, 360)));
        let sdp = format!(
            "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H265/90000\r\na=fmtp:96 sprop-vps=QAEMAf//BAgAAAMAmAgAAAMAAD+6AkA=;sprop-sps={GST_H265_SPS};sprop-pps=RAHAcDBgMSA=\r\n"
        );
        let t = video_track(&sdp).unwrap();
        assert_eq!((t.width_px, t.height_px), (Some(640), Some(360)));
    }

    proptest::proptest! {
        /// Hostile parameter sets never panic the readers.
        #[test]
        fn hostile_parameter_sets_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64)) {
            let b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
            let _ = h265_dimensions(&b64);
            let _ = h264_dimensions(&b64);
            let mut sps = vec![0x42, 0x01];
            sps.extend_from_slice(&bytes);
            let _ = h265_dimensions(&base64::engine::general_purpose::STANDARD.encode(&sps));
        }
    }
}
