//! The plan: every demo site and camera decided before anything is written, so a seed gives one registry.

use super::*;

/// Where a camera's history ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    Integrated { this_week: bool },
    Blocked,
    InProgress(IntegrationStage),
    Rejected,
}

pub(super) struct CameraPlan {
    pub(super) label: String,
    pub(super) area: AreaWatched,
    pub(super) is_analogue: bool,
    pub(super) outcome: Outcome,
}

pub(super) struct SitePlan {
    pub(super) site: Site,
    /// Cameras wanted here; fixed before the cameras are drawn.
    pub(super) camera_count: usize,
    /// The fewest cameras this site may be left with when the total is trimmed.
    pub(super) min_cameras: usize,
    /// Ordinary sites take the extra cameras when the total is short.
    pub(super) is_ordinary: bool,
    pub(super) make: usize,
    /// Share of this site's cameras that are analogue, behind one NVR.
    pub(super) analogue_share: f64,
    pub(super) cameras: Vec<CameraPlan>,
}

pub(super) fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

// Metres per degree at Jhansi's latitude (25.45° N).
pub(super) const M_PER_DEG_LAT: f64 = 111_320.0;
pub(super) const M_PER_DEG_LON: f64 = 100_520.0;
/// Scattered sites keep this far (degrees) inside the city box.
pub(super) const CITY_MARGIN_DEG: f64 = 0.001;

/// A point `spread_m` (at most) around a centre, kept inside the city box.
pub(super) fn scatter(rng: &mut SplitMix64, lat: f64, lon: f64, spread_m: f64) -> (f64, f64) {
    let lat = lat + rng.spread() * spread_m / M_PER_DEG_LAT;
    let lon = lon + rng.spread() * spread_m / M_PER_DEG_LON;
    clamp_to_city(lat, lon)
}

pub(super) fn clamp_to_city(lat: f64, lon: f64) -> (f64, f64) {
    let margin = CITY_MARGIN_DEG;
    (
        round6(lat.clamp(CITY_LAT_DEG.0 + margin, CITY_LAT_DEG.1 - margin)),
        round6(lon.clamp(CITY_LON_DEG.0 + margin, CITY_LON_DEG.1 - margin)),
    )
}

pub(super) fn person(rng: &mut SplitMix64) -> String {
    if rng.chance(0.15) {
        format!("{} {}", rng.pick(MUSLIM_NAMES), rng.pick(MUSLIM_SURNAMES))
    } else {
        format!("{} {}", rng.pick(GIVEN_NAMES), rng.pick(SURNAMES))
    }
}

/// A mobile number in the 98765 series that examples use, so no real subscriber is ever shown.
pub(super) fn mobile(rng: &mut SplitMix64) -> String {
    format!("+91 98765 {:05}", rng.below(100_000))
}

/// A Jhansi landline (STD code 0510).
pub(super) fn landline(rng: &mut SplitMix64) -> String {
    format!("0510-24{:05}", rng.below(100_000))
}

pub(super) fn address(rng: &mut SplitMix64, locality: usize) -> String {
    let l = &LOCALITIES[locality];
    format!(
        "{}, {}, {}, Jhansi {}",
        rng.between(1, 420),
        rng.pick(STREETS),
        l.en,
        l.pin
    )
}

pub(super) fn notes(extra: &str) -> String {
    if extra.is_empty() {
        format!("{DEMO_NOTE}.")
    } else {
        format!("{DEMO_NOTE}. {extra}")
    }
}

pub(super) fn fill(pattern: &str, name: &str) -> String {
    pattern.replace("{}", name)
}

#[allow(clippy::too_many_arguments)]
pub(super) fn site_at(
    category: OwnerCategory,
    priority: Priority,
    (name_en, name_hi): (String, String),
    (lat, lon): (f64, f64),
    locality: usize,
    thana: &str,
    contact_person: String,
    phone: String,
    extra_note: &str,
    rng: &mut SplitMix64,
) -> Site {
    Site {
        name_en,
        name_hi,
        owner_category: category,
        priority,
        priority_radius_m: None,
        contact_person,
        phone,
        address: address(rng, locality),
        // This draw once picked one of the locality's two wards. The ward is now the ward polygon the site lies
        // in, so the map's per-ward counts are true; the draw stays so every later draw, and so every figure of
        // the demo, is what it was.
        ward: {
            let _ = rng.below(2);
            ward_at(lat, lon)
        },
        police_station: thana.to_string(),
        lat_deg: lat,
        lon_deg: lon,
        notes: notes(extra_note),
        recorder_retention_days: crate::model::DEFAULT_RETENTION_DAYS,
    }
}

/// The locality nearest a point (for the address of a fixed place).
pub(super) fn nearest_locality(lat: f64, lon: f64) -> usize {
    let mut best = (f64::MAX, 0);
    for (i, l) in LOCALITIES.iter().enumerate() {
        let d = (l.lat - lat).powi(2) + ((l.lon - lon) * LON_SCALE).powi(2);
        if d < best.0 {
            best = (d, i);
        }
    }
    best.1
}

pub(super) fn fixed_sites(rng: &mut SplitMix64) -> Vec<SitePlan> {
    let mut plans = Vec::new();
    let push = |plans: &mut Vec<SitePlan>,
                site: Site,
                count: usize,
                min: usize,
                make: usize,
                analogue: f64| {
        plans.push(SitePlan {
            site,
            camera_count: count,
            min_cameras: min,
            is_ordinary: false,
            make,
            analogue_share: analogue,
            cameras: Vec::new(),
        })
    };

    // The district jail.
    let ((en, hi), pos, thana) = JAIL;
    let locality = nearest_locality(pos.0, pos.1);
    let mut site = site_at(
        OwnerCategory::Jail,
        Priority::Jail,
        (en.into(), hi.into()),
        pos,
        locality,
        thana,
        format!("{} (jail superintendent)", person(rng)),
        landline(rng),
        "Old district jail built for 600 inmates; outer wall and gates to be watched.",
        rng,
    );
    site.priority_radius_m = Some(150.0);
    let count = rng.between(4, 7) as usize;
    push(&mut plans, site, count, 2, 0, 0.0);

    // Toll plazas.
    for ((en, hi), pos, thana) in TOLL_PLAZAS {
        let locality = nearest_locality(pos.0, pos.1);
        let mut site = site_at(
            OwnerCategory::TollPlaza,
            Priority::TollPlaza,
            (en.into(), hi.into()),
            pos,
            locality,
            thana,
            format!("{} (plaza manager)", person(rng)),
            mobile(rng),
            "Toll plaza run by a concessionaire; ANPR cameras on every lane.",
            rng,
        );
        site.priority_radius_m = Some(rng.between(10, 15) as f64 * 10.0);
        let count = rng.between(3, 6) as usize;
        let make = rng.below(3);
        push(&mut plans, site, count, 1, make, 0.0);
    }

    // Black spots named by the police.
    for (en, hi, lat, lon, thana, why) in BLACK_SPOTS {
        let locality = nearest_locality(lat, lon);
        let is_police = rng.chance(0.4);
        let (category, contact) = if is_police {
            (
                OwnerCategory::Police,
                format!("Traffic Inspector {}", person(rng)),
            )
        } else {
            (
                OwnerCategory::PublicPlace,
                format!("{} (Nagar Nigam JE)", person(rng)),
            )
        };
        let mut site = site_at(
            category,
            Priority::BlackSpot,
            (format!("{en} black spot"), format!("{hi} ब्लैक स्पॉट")),
            (lat, lon),
            locality,
            thana,
            contact,
            mobile(rng),
            &format!("Black spot on the police list: {why}."),
            rng,
        );
        site.priority_radius_m = Some(rng.between(6, 16) as f64 * 5.0);
        // A few black spots have no camera yet: gaps the supervisor must get cameras installed for.
        let count = if rng.chance(0.12) {
            0
        } else {
            rng.between(1, 3) as usize
        };
        let make = rng.below(3);
        push(&mut plans, site, count, 0, make, 0.0);
    }

    // Landmarks: offices, the station, the fort, police stations.
    for l in LANDMARKS {
        let contact = match l.category {
            OwnerCategory::Police => format!("SHO {}", person(rng)),
            OwnerCategory::PublicPlace => format!("{} (Nagar Nigam zonal officer)", person(rng)),
            _ => format!("{} (office in-charge)", person(rng)),
        };
        let mut site = site_at(
            l.category,
            l.priority,
            (l.en.into(), l.hi.into()),
            (l.lat, l.lon),
            l.locality,
            l.thana,
            contact,
            landline(rng),
            "",
            rng,
        );
        if l.priority != Priority::None {
            site.priority_radius_m = Some(rng.between(10, 20) as f64 * 10.0);
        }
        let count = rng.between(l.cameras.0 as i64, l.cameras.1 as i64) as usize;
        let make = rng.weighted(&MAKE_WEIGHTS);
        push(&mut plans, site, count, 1, make, 0.2);
    }
    plans
}

/// How many sites of each ordinary category (weights) and how many cameras each has (inclusive range).
pub(super) const ORDINARY: [(OwnerCategory, f64, (i64, i64)); 8] = [
    (OwnerCategory::Commercial, 0.30, (1, 3)),
    (OwnerCategory::Hotel, 0.13, (1, 5)),
    (OwnerCategory::CoachingSchool, 0.14, (1, 4)),
    (OwnerCategory::HospitalClinic, 0.11, (1, 6)),
    (OwnerCategory::IndustrialUnit, 0.06, (1, 4)),
    (OwnerCategory::GovernmentOffice, 0.09, (1, 4)),
    (OwnerCategory::PublicPlace, 0.10, (1, 3)),
    (OwnerCategory::Police, 0.07, (1, 2)),
];

pub(super) fn ordinary_site(
    rng: &mut SplitMix64,
    kind: usize,
    used_names: &mut HashSet<String>,
) -> SitePlan {
    let (category, _, cameras) = ORDINARY[kind];
    let locality = *rng.pick(localities_for(category));
    let l = &LOCALITIES[locality];
    let named = |rng: &mut SplitMix64, patterns: &[Pattern], names: &[Name]| {
        let (pe, ph) = *rng.pick(patterns);
        let (ne, nh) = *rng.pick(names);
        (fill(pe, ne), fill(ph, nh))
    };
    let (mut en, mut hi) = match category {
        OwnerCategory::Hotel => named(rng, HOTEL_PATTERNS, HOTEL_NAMES),
        OwnerCategory::CoachingSchool => named(rng, COACHING_PATTERNS, COACHING_NAMES),
        OwnerCategory::HospitalClinic => named(rng, HOSPITAL_PATTERNS, HOSPITAL_NAMES),
        OwnerCategory::IndustrialUnit => named(rng, INDUSTRIAL_PATTERNS, INDUSTRIAL_NAMES),
        OwnerCategory::Commercial => named(rng, COMMERCIAL_PATTERNS, COMMERCIAL_NAMES),
        OwnerCategory::GovernmentOffice => {
            let (e, h) = *rng.pick(GOVERNMENT_OFFICES);
            (format!("{e}, {}", l.en), format!("{h}, {}", l.hi))
        }
        OwnerCategory::Police => {
            let (pe, ph) = *rng.pick(POLICE_PATTERNS);
            (fill(pe, l.en), fill(ph, l.hi))
        }
        _ => {
            let (pe, ph) = *rng.pick(PUBLIC_PATTERNS);
            (fill(pe, l.en), fill(ph, l.hi))
        }
    };
    // The first of a name stands alone; later ones carry their locality, as people tell them apart.
    if !used_names.insert(en.clone()) && !en.contains(l.en) {
        en = format!("{en}, {}", l.en);
        hi = format!("{hi}, {}", l.hi);
        used_names.insert(en.clone());
    }
    let (contact, phone) = match category {
        OwnerCategory::GovernmentOffice => {
            (format!("{} (office in-charge)", person(rng)), landline(rng))
        }
        OwnerCategory::Police => (format!("Head Constable {}", person(rng)), mobile(rng)),
        OwnerCategory::PublicPlace => (format!("{} (Nagar Nigam JE)", person(rng)), mobile(rng)),
        OwnerCategory::Hotel => (format!("{} (manager)", person(rng)), mobile(rng)),
        OwnerCategory::CoachingSchool => (format!("{} (director)", person(rng)), mobile(rng)),
        OwnerCategory::HospitalClinic => (format!("Dr. {}", person(rng)), mobile(rng)),
        _ => (format!("{} (owner)", person(rng)), mobile(rng)),
    };
    let position = scatter(rng, l.lat, l.lon, l.spread_m);
    let site = site_at(
        category,
        Priority::None,
        (en, hi),
        position,
        locality,
        l.thana,
        contact,
        phone,
        "",
        rng,
    );
    let analogue_share = match category {
        OwnerCategory::Hotel | OwnerCategory::Commercial | OwnerCategory::CoachingSchool => 0.55,
        OwnerCategory::HospitalClinic | OwnerCategory::IndustrialUnit => 0.45,
        _ => 0.25,
    };
    let has_nvr = rng.chance(0.7);
    SitePlan {
        site,
        camera_count: rng.between(cameras.0, cameras.1) as usize,
        min_cameras: 1,
        is_ordinary: true,
        make: rng.weighted(&MAKE_WEIGHTS),
        analogue_share: if has_nvr { analogue_share } else { 0.0 },
        cameras: Vec::new(),
    }
}

/// Moves camera counts up or down, one at a time at random sites, until they add up to `total`.
pub(super) fn adjust_counts(rng: &mut SplitMix64, sites: &mut [SitePlan], total: usize) {
    const MAX_PER_SITE: usize = 24;
    let mut sum: usize = sites.iter().map(|s| s.camera_count).sum();
    let n = sites.len();
    while sum != total {
        let start = rng.below(n);
        let growing = sum < total;
        let found = (0..n).map(|k| (start + k) % n).find(|&i| {
            let s = &sites[i];
            if growing {
                s.is_ordinary && s.camera_count < MAX_PER_SITE
            } else {
                s.camera_count > s.min_cameras
            }
        });
        let Some(i) = found else { break };
        if growing {
            sites[i].camera_count += 1;
            sum += 1;
        } else {
            sites[i].camera_count -= 1;
            sum -= 1;
        }
    }
}

pub(super) fn plan_cameras(rng: &mut SplitMix64, plan: &mut SitePlan) {
    let category = plan.site.owner_category;
    let commons = common_labels(category, plan.site.priority);
    let (privates, private_share) = private_labels(category);
    let mut used: HashSet<String> = HashSet::new();
    for i in 0..plan.camera_count {
        let (base, area) = if i > 0 && !privates.is_empty() && rng.chance(private_share) {
            *rng.pick(privates)
        } else if i == 0 {
            commons[0]
        } else {
            *rng.pick(commons)
        };
        let mut label = match area {
            AreaWatched::Room => format!("{base} {}", 100 * rng.between(1, 3) + rng.between(1, 12)),
            AreaWatched::Classroom => format!("{base} {}", rng.between(1, 8)),
            _ => base.to_string(),
        };
        let mut n = 2;
        while !used.insert(label.clone()) {
            label = format!("{base} {n}");
            n += 1;
        }
        plan.cameras.push(CameraPlan {
            label,
            area,
            is_analogue: rng.chance(plan.analogue_share),
            outcome: Outcome::InProgress(IntegrationStage::Surveyed),
        });
    }
}

/// Decides where every camera's history ends, so the registry shows the programme's figures (scaled).
pub(super) fn assign_outcomes(
    rng: &mut SplitMix64,
    sites: &mut [SitePlan],
    total: usize,
) -> (usize, usize, usize) {
    let scale = total as f64 / REF_CAMERAS;
    // Exponential keys (Efraimidis–Spirakis): the smaller a camera's key, the sooner it was integrated.
    let mut common: Vec<(f64, usize, usize)> = Vec::new();
    for (si, s) in sites.iter_mut().enumerate() {
        let weight = integrate_weight(s.site.owner_category);
        for (ci, c) in s.cameras.iter_mut().enumerate() {
            if c.area.is_common() {
                let key = -(1.0 - rng.unit()).ln() / weight;
                common.push((key, si, ci));
            } else {
                c.outcome = Outcome::Rejected;
            }
        }
    }
    common.sort_by(|a, b| a.0.total_cmp(&b.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    let integrated = ((REF_INTEGRATED * scale).round() as usize).min(common.len());
    let this_week = ((REF_INTEGRATED_WEEK * scale).round() as usize).min(integrated);
    let blocked = ((REF_BLOCKED * scale).round() as usize).min(common.len() - integrated);

    // Which integrated cameras moved this week: a random choice (partial Fisher–Yates).
    let mut done: Vec<(usize, usize)> = common[..integrated]
        .iter()
        .map(|&(_, s, c)| (s, c))
        .collect();
    for i in 0..this_week {
        let j = i + rng.below(done.len() - i);
        done.swap(i, j);
    }
    for (k, &(s, c)) in done.iter().enumerate() {
        sites[s].cameras[c].outcome = Outcome::Integrated {
            this_week: k < this_week,
        };
    }

    // The rest: some stuck (more often where owners are private), the others on their way.
    let mut rest: Vec<(f64, usize, usize)> = common[integrated..]
        .iter()
        .map(|&(_, s, c)| {
            let key = -(1.0 - rng.unit()).ln() / block_weight(sites[s].site.owner_category);
            (key, s, c)
        })
        .collect();
    rest.sort_by(|a, b| a.0.total_cmp(&b.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    for (k, &(_, s, c)) in rest.iter().enumerate() {
        sites[s].cameras[c].outcome = if k < blocked {
            Outcome::Blocked
        } else {
            use IntegrationStage as S;
            let stages = [
                S::Surveyed,
                S::OwnerContacted,
                S::ConsentGiven,
                S::Configured,
            ];
            Outcome::InProgress(stages[rng.weighted(&[0.25, 0.25, 0.28, 0.22])])
        };
    }
    (integrated, this_week, blocked)
}

pub(super) struct Plan {
    pub(super) sites: Vec<SitePlan>,
    pub(super) black_spots: usize,
    pub(super) toll_plazas: usize,
    pub(super) jails: usize,
    pub(super) integrated: usize,
    pub(super) integrated_this_week: usize,
    pub(super) blocked: usize,
    pub(super) rejected: usize,
}

pub(super) fn plan(opts: &DemoOptions) -> Plan {
    let mut root = SplitMix64::new(opts.seed);
    let mut rng_sites = root.fork(1);
    let mut rng_cameras = root.fork(2);
    let mut rng_outcomes = root.fork(3);

    let mut sites = fixed_sites(&mut rng_sites);
    let fixed = sites.len();
    // About 2.5 cameras a site, as Jhansi's survey found.
    let wanted_sites = ((opts.cameras as f64 / 2.5).round() as usize).max(fixed + ORDINARY.len());
    let weights: Vec<f64> = ORDINARY.iter().map(|o| o.1).collect();
    let mut used_names = HashSet::new();
    for k in 0..wanted_sites - fixed {
        // Every category at least once, then as the city's mix has them.
        let kind = if k < ORDINARY.len() {
            k
        } else {
            rng_sites.weighted(&weights)
        };
        sites.push(ordinary_site(&mut rng_sites, kind, &mut used_names));
    }
    adjust_counts(&mut rng_sites, &mut sites, opts.cameras);
    for s in &mut sites {
        plan_cameras(&mut rng_cameras, s);
    }
    let (integrated, integrated_this_week, blocked) =
        assign_outcomes(&mut rng_outcomes, &mut sites, opts.cameras);
    let count = |p: Priority| sites.iter().filter(|s| s.site.priority == p).count();
    let rejected = sites
        .iter()
        .flat_map(|s| &s.cameras)
        .filter(|c| c.outcome == Outcome::Rejected)
        .count();
    Plan {
        black_spots: count(Priority::BlackSpot),
        toll_plazas: count(Priority::TollPlaza),
        jails: count(Priority::Jail),
        sites,
        integrated,
        integrated_this_week,
        blocked,
        rejected,
    }
}
