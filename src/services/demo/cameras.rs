//! Cameras of the demo registry: makes with their URL shapes, the labels of common and private areas each owner
//! category watches, and how likely each category is to integrate or get blocked.

use super::*;

pub(super) struct Make {
    pub(super) name: &'static str,
    pub(super) ip_models: &'static [&'static str],
    /// A pan-tilt-zoom camera, for junctions and plazas.
    pub(super) ptz_model: &'static str,
    pub(super) analogue_models: &'static [&'static str],
    /// RTSP path of channel `c` (1 for an IP camera).
    pub(super) stream: fn(u16) -> String,
    /// JPEG snapshot path of channel `c`.
    pub(super) snapshot: fn(u16) -> String,
}

pub(super) fn hik_stream(c: u16) -> String {
    format!("/Streaming/Channels/{c}01")
}
pub(super) fn hik_snapshot(c: u16) -> String {
    format!("/ISAPI/Streaming/channels/{c}01/picture")
}
pub(super) fn dahua_stream(c: u16) -> String {
    format!("/cam/realmonitor?channel={c}&subtype=0")
}
pub(super) fn dahua_snapshot(c: u16) -> String {
    format!("/cgi-bin/snapshot.cgi?channel={c}")
}

pub(super) const MAKES: [Make; 5] = [
    Make {
        name: "Hikvision",
        ip_models: &["DS-2CD1023G0E-I", "DS-2CD2143G2-I", "DS-2CD1343G0-I"],
        ptz_model: "DS-2DE4225IW-DE",
        analogue_models: &["DS-2CE16D0T-IRP", "DS-2CE56D0T-IRPF"],
        stream: hik_stream,
        snapshot: hik_snapshot,
    },
    Make {
        name: "Dahua",
        ip_models: &["IPC-HFW1230S1-S5", "IPC-HDW1239T1-LED"],
        ptz_model: "SD49225XA-HNR",
        analogue_models: &["HAC-HFW1200TP", "HAC-HDW1200RP"],
        stream: dahua_stream,
        snapshot: dahua_snapshot,
    },
    Make {
        name: "CP Plus",
        ip_models: &["CP-UNC-TA21PL3", "CP-UNC-DA21PL3"],
        ptz_model: "CP-UNP-2021D",
        analogue_models: &["CP-USC-TA24L2", "CP-URC-DC24PL2"],
        stream: dahua_stream,
        snapshot: dahua_snapshot,
    },
    Make {
        name: "Honeywell",
        ip_models: &["HC30W25R2", "HC30WB2R1"],
        ptz_model: "HDZP252DI",
        analogue_models: &["HABC-2005PI", "HADC-2005PI"],
        stream: dahua_stream,
        snapshot: dahua_snapshot,
    },
    Make {
        name: "Godrej",
        ip_models: &["EYE IP Bullet 2MP", "EYE IP Dome 4MP"],
        ptz_model: "EYE IP PTZ 2MP",
        analogue_models: &["EYE HD Dome 2MP"],
        stream: hik_stream,
        snapshot: hik_snapshot,
    },
];
/// How often each make is found (Hikvision, Dahua, CP Plus, Honeywell, Godrej).
pub(super) const MAKE_WEIGHTS: [f64; 5] = [0.36, 0.22, 0.26, 0.08, 0.08];

pub(super) type Label = (&'static str, AreaWatched);

pub(super) fn common_labels(category: OwnerCategory, priority: Priority) -> &'static [Label] {
    use AreaWatched::*;
    match (category, priority) {
        (_, Priority::BlackSpot) => &[
            ("Junction view north", RoadFrontage),
            ("Junction view south", RoadFrontage),
            ("Junction view east", RoadFrontage),
            ("Junction view west", RoadFrontage),
            ("PTZ over junction", RoadFrontage),
        ],
        (OwnerCategory::TollPlaza, _) => &[
            ("Plaza overview", RoadFrontage),
            ("Lane 1 ANPR", Gate),
            ("Lane 2 ANPR", Gate),
            ("Lane 3 ANPR", Gate),
            ("Lane 4 ANPR", Gate),
            ("Admin building entrance", Entrance),
            ("Staff parking", Parking),
        ],
        (OwnerCategory::Jail, _) => &[
            ("Main gate", Gate),
            ("Visitors' gate", Gate),
            ("Outer wall road, north", RoadFrontage),
            ("Outer wall road, south", RoadFrontage),
            ("Visitors' waiting hall", Lobby),
            ("Staff parking", Parking),
        ],
        (OwnerCategory::Hotel, _) => &[
            ("Main gate", Gate),
            ("Entrance", Entrance),
            ("Lobby", Lobby),
            ("Reception", Lobby),
            ("Parking", Parking),
            ("Corridor 1st floor", Corridor),
            ("Corridor 2nd floor", Corridor),
            ("Road frontage", RoadFrontage),
            ("Lift lobby", Lobby),
        ],
        (OwnerCategory::CoachingSchool, _) => &[
            ("Main gate", Gate),
            ("Entrance", Entrance),
            ("Corridor", Corridor),
            ("Staircase", Corridor),
            ("Cycle stand", Parking),
            ("Road frontage", RoadFrontage),
            ("Waiting area", Lobby),
        ],
        (OwnerCategory::HospitalClinic, _) => &[
            ("Main gate", Gate),
            ("Emergency entrance", Entrance),
            ("OPD lobby", Lobby),
            ("Parking", Parking),
            ("Ambulance bay", Parking),
            ("Corridor", Corridor),
            ("Road frontage", RoadFrontage),
            ("Pharmacy counter", Lobby),
        ],
        (OwnerCategory::IndustrialUnit, _) => &[
            ("Main gate", Gate),
            ("Loading bay", Parking),
            ("Truck parking", Parking),
            ("Boundary road", RoadFrontage),
            ("Office entrance", Entrance),
        ],
        (OwnerCategory::Commercial, _) => &[
            ("Entrance", Entrance),
            ("Shop front", RoadFrontage),
            ("Road frontage", RoadFrontage),
            ("Parking", Parking),
            ("Billing counter", Lobby),
            ("ATM lobby", Lobby),
            ("Corridor", Corridor),
        ],
        (OwnerCategory::GovernmentOffice, _) => &[
            ("Main gate", Gate),
            ("Entrance", Entrance),
            ("Reception", Lobby),
            ("Public dealing hall", Lobby),
            ("Corridor", Corridor),
            ("Parking", Parking),
            ("Road frontage", RoadFrontage),
        ],
        (OwnerCategory::Police, _) => &[
            ("Main gate", Gate),
            ("Entrance", Entrance),
            ("Help desk", Lobby),
            ("Parking", Parking),
            ("Road frontage", RoadFrontage),
        ],
        (OwnerCategory::PublicPlace, _) => &[
            ("Road frontage", RoadFrontage),
            ("Main gate", Gate),
            ("Market lane", RoadFrontage),
            ("Parking", Parking),
            ("Entrance", Entrance),
            ("Approach road", RoadFrontage),
        ],
    }
}

/// Private areas a category has, and how often one of its cameras (other than the first) watches one.
pub(super) fn private_labels(category: OwnerCategory) -> (&'static [Label], f64) {
    use AreaWatched::*;
    match category {
        OwnerCategory::Hotel => (
            &[("Room", Room), ("Room", Room), ("Manager's cabin", Cabin)],
            0.08,
        ),
        OwnerCategory::CoachingSchool => (
            &[
                ("Classroom", Classroom),
                ("Classroom", Classroom),
                ("Director's cabin", Cabin),
            ],
            0.07,
        ),
        OwnerCategory::HospitalClinic => (
            &[
                ("General ward", Ward),
                ("Female ward", Ward),
                ("Children's ward", Ward),
                ("Doctor's cabin", Cabin),
            ],
            0.08,
        ),
        OwnerCategory::Commercial => (&[("Owner's cabin", Cabin)], 0.02),
        OwnerCategory::IndustrialUnit => (&[("Manager's cabin", Cabin)], 0.02),
        _ => (&[], 0.0),
    }
}

/// How readily a category's cameras get integrated (a weight: the review meeting's laggards are the low ones).
pub(super) fn integrate_weight(category: OwnerCategory) -> f64 {
    match category {
        OwnerCategory::Jail => 6.0,
        OwnerCategory::TollPlaza => 5.0,
        OwnerCategory::Police => 3.0,
        OwnerCategory::GovernmentOffice | OwnerCategory::PublicPlace => 2.2,
        OwnerCategory::Commercial => 1.6,
        OwnerCategory::HospitalClinic => 1.3,
        OwnerCategory::IndustrialUnit => 1.0,
        OwnerCategory::Hotel => 0.9,
        OwnerCategory::CoachingSchool => 0.7,
    }
}

/// How often a category's cameras get stuck (a weight).
pub(super) fn block_weight(category: OwnerCategory) -> f64 {
    match category {
        OwnerCategory::CoachingSchool => 2.5,
        OwnerCategory::Hotel | OwnerCategory::IndustrialUnit => 2.0,
        OwnerCategory::HospitalClinic => 1.5,
        OwnerCategory::Commercial => 1.2,
        OwnerCategory::PublicPlace => 0.8,
        OwnerCategory::GovernmentOffice => 0.6,
        OwnerCategory::TollPlaza => 0.5,
        OwnerCategory::Police => 0.4,
        OwnerCategory::Jail => 0.3,
    }
}
