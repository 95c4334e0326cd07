//! Addresses on the loopback network: every demo stream and snapshot URL points at 127.x.y.z, so a probe of
//! the demo registry never reaches a real device.

use super::*;

/// Hosts per 127.N.0.0/16 block: third octet 1–255, fourth 1–254 (127.N.0.x is left alone: 127.0.0.1 is where
/// real test servers listen).
pub(super) const HOSTS_PER_BLOCK: usize = 255 * 254;

/// The `k`-th IP camera's address: 127.0.X.Y, then 127.2.X.Y, 127.4… (distinct for every k below 8 million).
pub fn ip_camera_host(k: usize) -> String {
    loopback_host(k, 0)
}

/// The `k`-th NVR's address: 127.1.X.Y, then 127.3.X.Y, 127.5…
pub fn nvr_host(k: usize) -> String {
    loopback_host(k, 1)
}

pub(super) fn loopback_host(k: usize, parity: usize) -> String {
    let block = k / HOSTS_PER_BLOCK;
    let within = k % HOSTS_PER_BLOCK;
    format!(
        "127.{}.{}.{}",
        2 * block + parity,
        within / 254 + 1,
        within % 254 + 1
    )
}

pub(super) const RTSP_PORT: u16 = 8554;
pub(super) const HTTP_PORT: u16 = 8080;

pub(super) struct Hosts {
    pub(super) ip_cameras: usize,
    pub(super) nvrs: usize,
}

#[allow(clippy::too_many_arguments)]
pub(super) fn camera_row(
    rng: &mut SplitMix64,
    site: &SitePlan,
    plan: &CameraPlan,
    nvr: Option<&str>,
    channel: u16,
    needs_stream: bool,
    password_known: bool,
    hosts: &mut Hosts,
) -> (Camera, Option<String>) {
    let make = &MAKES[site.make];
    let spread = match site.site.priority_radius_m {
        Some(r) if site.site.priority == Priority::BlackSpot => r * 0.6,
        _ => 30.0,
    };
    let (lat, lon) = scatter(rng, site.site.lat_deg, site.site.lon_deg, spread);
    let (kind, model, host, path_channel) = match nvr {
        Some(host) if plan.is_analogue => (
            CameraKind::Analogue {
                nvr_host: host.to_string(),
                channel,
            },
            *rng.pick(make.analogue_models),
            host.to_string(),
            channel,
        ),
        _ => {
            let host = ip_camera_host(hosts.ip_cameras);
            hosts.ip_cameras += 1;
            let is_ptz = plan.label.starts_with("PTZ") || plan.label == "Plaza overview";
            let model = if is_ptz {
                make.ptz_model
            } else {
                *rng.pick(make.ip_models)
            };
            (CameraKind::Ip, model, host, 1)
        }
    };
    let known_stream = needs_stream
        || match kind {
            CameraKind::Analogue { .. } => rng.chance(0.7),
            CameraKind::Ip => rng.chance(0.55),
        };
    let stream_url = if known_stream {
        format!("rtsp://{host}:{RTSP_PORT}{}", (make.stream)(path_channel))
    } else {
        String::new()
    };
    let snapshot_url = if known_stream && rng.chance(0.7) {
        format!("http://{host}:{HTTP_PORT}{}", (make.snapshot)(path_channel))
    } else {
        String::new()
    };
    let is_fisheye = plan.area == AreaWatched::Lobby && rng.chance(0.05);
    let camera = Camera {
        label: plan.label.clone(),
        area_watched: plan.area,
        lat_deg: lat,
        lon_deg: lon,
        bearing_deg: rng.chance(0.85).then(|| rng.between(0, 359) as f64),
        fov_deg: rng.chance(0.8).then(|| {
            if is_fisheye {
                360.0
            } else {
                *rng.pick(&[60.0, 75.0, 82.0, 90.0, 100.0, 110.0])
            }
        }),
        range_m: rng
            .chance(0.75)
            .then(|| *rng.pick(&[10.0, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0, 60.0, 80.0])),
        kind,
        make: make.name.to_string(),
        model: model.to_string(),
        stream_url,
        snapshot_url,
        username: String::new(),
    };
    // Credentials are known once the owner has agreed (and at a quarter of the others).
    let mut camera = camera;
    let has_login = needs_stream || rng.chance(0.25);
    let password = if has_login {
        camera.username = if rng.chance(0.75) { "admin" } else { "iccc" }.to_string();
        let password = format!("Demo@{:04}", rng.below(10_000));
        password_known.then_some(password)
    } else {
        None
    };
    (camera, password)
}
