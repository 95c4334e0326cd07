//! Plain types and rules of the camera-integration programme: no I/O, no egui, no SQL.
//!
//! Everything here is pure so the rules (common areas only, legal stage changes, field checks) can be
//! unit-tested and shared by the store, the services, the CLI and the screens.

mod area;
mod boundary;
mod camera;
pub mod clock;
pub mod coverage;
pub mod geo;
mod health;
pub mod health_at;
pub mod import;
pub mod lookup;
pub mod near_duplicate;
pub mod projection;
mod site;
mod stage;
mod validate;
pub mod words;

pub use area::{LatLonBox, ServiceArea};
pub use boundary::{BoundaryArea, BoundaryKind, BoundaryPolygons};
pub use camera::{
    AreaWatched, COMMON_AREAS_SQL, Camera, CameraKind, HostChange, PasswordState, counted_stage,
    credential_host_change,
};
pub use clock::{Clock, ManualClock};
pub use coverage::{Candidate, CoverageGap, CoverageReport, GapReason, WardCoverage};
pub use health::{
    Credentials, Finding, HealthRun, HealthState, ProbeTarget, ProbeTargets, nvr_channel_url,
};
pub use site::{DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS, OwnerCategory, Priority, Site};
pub use stage::{BlockReason, IntegrationStage, StageChange, StageError, StagePosition};
pub use validate::{
    FOLLOW_UP_NOTE_MAX_CHARS, Field, FieldError, FieldErrors, Problem, check_coordinates,
    check_coordinates_in, check_follow_up_note, is_in_city, normalise_phone, validate_camera,
    validate_camera_in, validate_site, validate_site_in,
};

/// Row id of a site in the registry.
pub type SiteId = i64;
/// Row id of a camera in the registry.
pub type CameraId = i64;

/// Rough box around India (mainland and islands): points outside it are refused as typos.
pub const INDIA_LAT_DEG: (f64, f64) = (6.0, 37.6);
pub const INDIA_LON_DEG: (f64, f64) = (68.0, 97.5);

/// The city the demo registry and the default map view are built for (Jhansi).
pub const CITY_LAT_DEG: (f64, f64) = (25.39, 25.51);
pub const CITY_LON_DEG: (f64, f64) = (78.50, 78.65);

/// India Standard Time is UTC+05:30 all year (no daylight saving).
pub const IST_OFFSET_S: i64 = 5 * 3600 + 30 * 60;

/// A unix time as "2026-11-25 14:05" in India Standard Time.
pub fn ist_datetime(unix_s: i64) -> String {
    match jiff::Timestamp::from_second(unix_s.saturating_add(IST_OFFSET_S)) {
        // The shifted instant printed as UTC reads as the wall clock in India.
        Ok(t) => t.strftime("%Y-%m-%d %H:%M").to_string(),
        Err(_) => unix_s.to_string(),
    }
}

/// The unix time at which the IST day written "2026-11-25" begins (00:00 IST); `None` for anything else.
pub fn ist_day_start_unix_s(date: &str) -> Option<i64> {
    let day: jiff::civil::Date = date.trim().parse().ok()?;
    // Days since 1970-01-01 (a civil date has no zone; UTC's day count is the calendar's).
    let epoch = jiff::civil::date(1970, 1, 1);
    let days = i64::from(epoch.until(day).ok()?.get_days());
    Some(days * 86_400 - IST_OFFSET_S)
}

/// The unix time of a local time in India written the ISO way: "2026-12-06 21:40", "2026-12-06T21:40" or with
/// seconds ("2026-12-06T21:40:30"); `None` for anything else (a zone or offset included: the time is IST's).
pub fn ist_local_unix_s(text: &str) -> Option<i64> {
    let t = text.trim();
    // jiff reads the ISO 8601 form; a space between date and time is as common in India as the 'T'.
    let t = match t.get(10..11) {
        Some(" ") => format!("{}T{}", &t[..10], t[11..].trim_start()),
        _ => t.to_string(),
    };
    // jiff would read past an offset or a zone and drop it; a time meant in another zone must not pass as IST.
    if t.get(10..)
        .is_some_and(|rest| rest.contains(['+', '-', 'Z', 'z', '[']))
    {
        return None;
    }
    let dt: jiff::civil::DateTime = t.parse().ok()?;
    let day_start = ist_day_start_unix_s(&dt.date().to_string())?;
    let time = dt.time();
    Some(
        day_start
            + i64::from(time.hour()) * 3600
            + i64::from(time.minute()) * 60
            + i64::from(time.second()),
    )
}

#[cfg(test)]
mod time_tests {
    #[test]
    fn ist_is_five_and_a_half_hours_ahead() {
        // 2026-11-25 00:00:00 UTC
        assert_eq!(super::ist_datetime(1_795_564_800), "2026-11-25 05:30");
    }

    #[test]
    fn a_local_time_in_india_is_read_the_iso_way() {
        let at = super::ist_local_unix_s("2026-12-06 21:40").unwrap();
        assert_eq!(super::ist_datetime(at), "2026-12-06 21:40");
        assert_eq!(super::ist_local_unix_s("2026-12-06T21:40"), Some(at));
        assert_eq!(
            super::ist_local_unix_s(" 2026-12-06T21:40:30 "),
            Some(at + 30)
        );
        for bad in [
            "",
            "21:40",
            "06/12/2026 21:40",
            "2026-12-06 25:00",
            "2026-12-06T21:40+05:30",
            "yesterday",
        ] {
            assert_eq!(super::ist_local_unix_s(bad), None, "{bad}");
        }
    }

    #[test]
    fn an_ist_day_starts_at_midnight_in_india() {
        let start = super::ist_day_start_unix_s("2026-11-25").unwrap();
        assert_eq!(super::ist_datetime(start), "2026-11-25 00:00");
        assert_eq!(super::ist_day_start_unix_s(" 2026-11-25 "), Some(start));
        for bad in ["", "25/11/2026", "2026-13-01", "20th Nov", "2026-02-30"] {
            assert_eq!(super::ist_day_start_unix_s(bad), None, "{bad}");
        }
    }
}
