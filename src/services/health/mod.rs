//! Camera health: probing one camera over RTSP and HTTP ([`probe`]), sweeping the registry on a schedule
//! ([`prober`]), the desk's supervised prober thread ([`monitor`]), snapshot thumbnails ([`thumbs`]) and the
//! batching that writes results to the registry, shared by the desk and `iccc-desk probe` ([`result_batch`]).

pub mod monitor;
pub mod probe;
pub mod prober;
pub mod result_batch;
pub mod thumbs;
