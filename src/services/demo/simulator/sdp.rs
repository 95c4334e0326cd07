//! H.264 parameter sets and the SDP: a sequence parameter set that encodes the camera's picture size.

use super::*;

pub(super) struct BitWriter {
    pub(super) bytes: Vec<u8>,
    pub(super) cur: u8,
    pub(super) used: u8,
}

impl BitWriter {
    pub(super) fn new() -> Self {
        Self {
            bytes: Vec::new(),
            cur: 0,
            used: 0,
        }
    }

    pub(super) fn bit(&mut self, b: bool) {
        self.cur = (self.cur << 1) | u8::from(b);
        self.used += 1;
        if self.used == 8 {
            self.bytes.push(self.cur);
            self.cur = 0;
            self.used = 0;
        }
    }

    pub(super) fn bits(&mut self, value: u32, n: u32) {
        for i in (0..n).rev() {
            self.bit((value >> i) & 1 == 1);
        }
    }

    /// Unsigned exp-Golomb.
    pub(super) fn ue(&mut self, v: u32) {
        let x = v + 1;
        let len = 32 - x.leading_zeros();
        self.bits(0, len - 1);
        self.bits(x, len);
    }

    /// Signed exp-Golomb.
    pub(super) fn se(&mut self, v: i32) {
        let k = if v > 0 {
            (2 * v - 1) as u32
        } else {
            (-2 * v) as u32
        };
        self.ue(k);
    }

    /// Adds the RBSP stop bit and the alignment zeros.
    pub(super) fn finish(mut self) -> Vec<u8> {
        self.bit(true);
        while self.used != 0 {
            self.bit(false);
        }
        self.bytes
    }
}

/// A NAL unit from a header byte and its RBSP, with emulation prevention bytes.
pub(super) fn nal(header: u8, rbsp: &[u8]) -> Vec<u8> {
    let mut out = vec![header];
    let mut zeros = 0;
    for &b in rbsp {
        if zeros >= 2 && b <= 3 {
            out.push(3);
            zeros = 0;
        }
        out.push(b);
        zeros = if b == 0 { zeros + 1 } else { 0 };
    }
    out
}

/// H.264 level for a picture size (enough for 25 fps).
pub(super) fn level_idc(w: u32, h: u32) -> u8 {
    let mbs = w.div_ceil(16) * h.div_ceil(16);
    match mbs {
        0..=1_620 => 30,
        1_621..=3_600 => 31,
        3_601..=8_192 => 40,
        _ => 51,
    }
}

/// A Main-profile sequence parameter set for a `w`×`h` picture (cropped from whole macroblocks).
pub(super) fn h264_sps(w: u32, h: u32) -> Vec<u8> {
    let (mb_w, mb_h) = (w.div_ceil(16), h.div_ceil(16));
    let mut b = BitWriter::new();
    b.bits(77, 8); // profile_idc: Main
    b.bits(0x40, 8); // constraint_set1_flag
    b.bits(u32::from(level_idc(w, h)), 8);
    b.ue(0); // seq_parameter_set_id
    b.ue(0); // log2_max_frame_num_minus4
    b.ue(0); // pic_order_cnt_type
    b.ue(2); // log2_max_pic_order_cnt_lsb_minus4
    b.ue(1); // max_num_ref_frames
    b.bit(false); // gaps_in_frame_num_value_allowed_flag
    b.ue(mb_w - 1);
    b.ue(mb_h - 1);
    b.bit(true); // frame_mbs_only_flag
    b.bit(true); // direct_8x8_inference_flag
    let (crop_right, crop_bottom) = ((mb_w * 16 - w) / 2, (mb_h * 16 - h) / 2);
    let crop = crop_right > 0 || crop_bottom > 0;
    b.bit(crop);
    if crop {
        b.ue(0);
        b.ue(crop_right);
        b.ue(0);
        b.ue(crop_bottom);
    }
    b.bit(false); // vui_parameters_present_flag
    nal(0x67, &b.finish())
}

/// A matching picture parameter set (CABAC, one slice group).
pub(super) fn h264_pps() -> Vec<u8> {
    let mut b = BitWriter::new();
    b.ue(0); // pic_parameter_set_id
    b.ue(0); // seq_parameter_set_id
    b.bit(true); // entropy_coding_mode_flag
    b.bit(false); // bottom_field_pic_order_in_frame_present_flag
    b.ue(0); // num_slice_groups_minus1
    b.ue(0); // num_ref_idx_l0_default_active_minus1
    b.ue(0); // num_ref_idx_l1_default_active_minus1
    b.bit(false); // weighted_pred_flag
    b.bits(0, 2); // weighted_bipred_idc
    b.se(0); // pic_init_qp_minus26
    b.se(0); // pic_init_qs_minus26
    b.se(0); // chroma_qp_index_offset
    b.bit(true); // deblocking_filter_control_present_flag
    b.bit(false); // constrained_intra_pred_flag
    b.bit(false); // redundant_pic_cnt_present_flag
    nal(0x68, &b.finish())
}

/// The SDP a camera sends for DESCRIBE; `audio_only` is the broken kind without a video track.
pub(super) fn sdp(
    ip: Ipv4Addr,
    base: &str,
    (w, h): (u32, u32),
    audio_only: bool,
    session: u64,
) -> String {
    let session = session % 10_000_000_000;
    let mut s = format!(
        "v=0\r\no=- {session} {session} IN IP4 {ip}\r\ns=Media Presentation\r\ne=NONE\r\nb=AS:5100\r\nt=0 0\r\n\
         a=control:{base}/\r\n"
    );
    if !audio_only {
        let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
        let sps = h264_sps(w, h);
        let profile = format!("{:02X}{:02X}{:02X}", sps[1], sps[2], sps[3]);
        s.push_str(&format!(
            "m=video 0 RTP/AVP 96\r\nc=IN IP4 0.0.0.0\r\nb=AS:5000\r\na=recvonly\r\na=x-dimensions:{w},{h}\r\n\
             a=control:{base}/trackID=1\r\na=rtpmap:96 H264/90000\r\n\
             a=fmtp:96 profile-level-id={profile};packetization-mode=1;sprop-parameter-sets={},{}\r\n",
            b64(&sps),
            b64(&h264_pps())
        ));
    }
    s.push_str(&format!(
        "m=audio 0 RTP/AVP 8\r\nc=IN IP4 0.0.0.0\r\nb=AS:50\r\na=recvonly\r\na=control:{base}/trackID=2\r\n\
         a=rtpmap:8 PCMA/8000\r\n"
    ));
    s
}
