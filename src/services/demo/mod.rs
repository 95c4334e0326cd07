//! The demo registry: an invented but believable Jhansi, for practice, screenshots and load tests.
//!
//! Sites of every owner category cluster around real localities of the city (names in English and Devanagari),
//! with the police's black spots, the toll plazas on NH-44 and NH-27 and the district jail; each camera carries a
//! stage history over the past twelve weeks, so the weekly review's figures look like the ones the programme
//! reported (2,378 integrated, about 748 in the last week, for the default 3,200 cameras). Owners, people, phone
//! numbers, addresses and passwords are invented, every site's notes say so, and every stream or snapshot URL
//! points at a loopback address (127.x.y.z), so a probe of the demo registry never reaches a real device.
//!
//! The output depends only on [`DemoOptions`]: the same seed and the same `now_unix_s` write the same rows (the
//! sealed passwords aside, whose nonces are random). The random numbers come from the small [`SplitMix64`]
//! below rather than from a crate, so the demo registry never changes with a dependency's version.
//!
//! The registry also gets a ward layer for the site map: sixty Jhansi-shaped ward polygons ([`demo_wards`]), and
//! each site's ward is the polygon its point lies in, so per-ward counts on the map are true.
//!
//! Everything is written through [`crate::store::BulkWriter`] in one transaction: a cancelled or failed run
//! leaves the registry as empty as it was.

pub mod simulator;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::LazyLock;

use serde_json::json;

use crate::model::{
    AreaWatched, BlockReason, BoundaryArea, BoundaryKind, CITY_LAT_DEG, CITY_LON_DEG, Camera,
    CameraKind, IST_OFFSET_S, IntegrationStage, OwnerCategory, Priority, Site, StageChange,
};
use crate::store::{Actor, BulkStageEvent, Store, StoreError};

/// Cameras in the default demo registry (Jhansi's size).
pub const DEFAULT_CAMERAS: usize = 3_200;
/// Fewest cameras a demo registry takes (the fixed priority places need some).
pub const MIN_CAMERAS: usize = 100;
/// Most cameras a demo registry takes (a big city's registry).
pub const MAX_CAMERAS: usize = 200_000;
/// Every demo site's notes begin with this.
pub const DEMO_NOTE: &str = "DEMO DATA — invented for demonstration";

const DAY_S: i64 = 86_400;
const WEEK_S: i64 = 7 * DAY_S;
/// Stage histories lie within the last twelve weeks.
const HISTORY_S: i64 = 84 * DAY_S;

// The programme's figures at the default size; other sizes scale them.
const REF_CAMERAS: f64 = 3_200.0;
const REF_INTEGRATED: f64 = 2_378.0;
const REF_INTEGRATED_WEEK: f64 = 748.0;
const REF_BLOCKED: f64 = 205.0;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOptions {
    /// Cameras to write, [`MIN_CAMERAS`]..=[`MAX_CAMERAS`]; sites, blocked and integrated cameras scale with it.
    pub cameras: usize,
    pub seed: u64,
    /// The "now" the stage histories end at, unix seconds.
    pub now_unix_s: i64,
    /// Desk user who signs the load's audit entry.
    pub user: String,
}

/// What a demo run wrote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DemoSummary {
    pub sites: u64,
    pub cameras: u64,
    /// Stage events, each camera's first 'surveyed' event included.
    pub stage_events: u64,
    pub black_spots: usize,
    pub toll_plazas: usize,
    pub jails: usize,
    /// Cameras now integrated.
    pub integrated: usize,
    /// Of those, moved into 'integrated' within the last 7 days.
    pub integrated_last_7_days: usize,
    pub blocked: usize,
    /// Private-area cameras, recorded and rejected.
    pub rejected: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The demo registry is only written into an empty registry, never mixed with real rows.
    #[error(
        "{path} already holds {sites} site(s): the demo registry is written only into an empty registry file"
    )]
    NotEmpty { path: PathBuf, sites: i64 },
    /// The progress callback asked to stop; nothing was written.
    #[error("the demo registry was cancelled; nothing was written")]
    Cancelled,
    #[error("a demo registry has {min} to {max} cameras, not {cameras}")]
    Size {
        cameras: usize,
        min: usize,
        max: usize,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

// ---------------------------------------------------------------------------------------------------------------
// Random numbers

/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014), with the
/// constants of Vigna's public-domain reference code `splitmix64.c`. Small, fast, and fixed here so the demo
/// registry of a seed is the same with every build.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1), 53 bits.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in 0..n (multiply-shift; the tiny bias does not matter for invented data). `n` must be > 0.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in lo..=hi.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = (hi - lo) as u64 + 1;
        lo + ((u128::from(self.next_u64()) * u128::from(span)) >> 64) as i64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Index into `weights`, with probability proportional to the weight.
    fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.unit() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }

    /// Triangular in (-1, 1): offsets that crowd towards a centre, without trigonometry.
    fn spread(&mut self) -> f64 {
        self.unit() + self.unit() - 1.0
    }

    /// A stream for one purpose, so adding draws to one part never shifts another.
    fn fork(&mut self, purpose: u64) -> Self {
        Self(self.next_u64() ^ purpose.wrapping_mul(0xD1B5_4A32_D192_ED03))
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Jhansi (approximate public facts; see docs/domain.md)

const KOTWALI: &str = "Kotwali";
const NAWABAD: &str = "Nawabad";
const SIPRI_BAZAR: &str = "Sipri Bazar";
const SADAR_BAZAR: &str = "Sadar Bazar";
const PREMNAGAR: &str = "Premnagar";
const CANTT: &str = "Cantt";
const MAHILA_THANA: &str = "Mahila Thana";

struct Locality {
    en: &'static str,
    hi: &'static str,
    lat: f64,
    lon: f64,
    /// How far sites scatter around the centre, metres.
    spread_m: f64,
    thana: &'static str,
    pin: &'static str,
}

const fn loc(
    en: &'static str,
    hi: &'static str,
    lat: f64,
    lon: f64,
    spread_m: f64,
    thana: &'static str,
    pin: &'static str,
) -> Locality {
    Locality {
        en,
        hi,
        lat,
        lon,
        spread_m,
        thana,
        pin,
    }
}

/// Thirty localities; each holds two of the city's sixty wards.
#[rustfmt::skip]
const LOCALITIES: [Locality; 30] = [
    loc("Sainyar Gate", "सैंयर गेट", 25.4640, 78.5760, 350.0, NAWABAD, "284002"),
    loc("Orchha Gate", "ओरछा गेट", 25.4625, 78.5860, 350.0, NAWABAD, "284002"),
    loc("Sipri Bazar", "सीपरी बाजार", 25.4385, 78.5460, 700.0, SIPRI_BAZAR, "284003"),
    loc("Sadar Bazar", "सदर बाजार", 25.4450, 78.5690, 500.0, SADAR_BAZAR, "284001"),
    loc("Premnagar", "प्रेमनगर", 25.4720, 78.5640, 700.0, PREMNAGAR, "284003"),
    loc("Nawabad", "नवाबाद", 25.4560, 78.5850, 500.0, NAWABAD, "284002"),
    loc("Civil Lines", "सिविल लाइंस", 25.4520, 78.5780, 500.0, NAWABAD, "284001"),
    loc("Elite Chauraha", "इलाइट चौराहा", 25.4540, 78.5830, 400.0, NAWABAD, "284001"),
    loc("Station Road", "स्टेशन रोड", 25.4445, 78.5560, 500.0, SIPRI_BAZAR, "284003"),
    loc("Medical College", "मेडिकल कॉलेज", 25.4590, 78.6140, 600.0, NAWABAD, "284128"),
    loc("Jhansi Fort", "झाँसी किला", 25.4580, 78.5750, 300.0, KOTWALI, "284002"),
    loc("Manik Chowk", "माणिक चौक", 25.4600, 78.5790, 250.0, KOTWALI, "284002"),
    loc("Kanpur Road", "कानपुर रोड", 25.4600, 78.6250, 800.0, NAWABAD, "284128"),
    loc("Bijauli", "बिजौली", 25.4180, 78.5280, 900.0, SIPRI_BAZAR, "284135"),
    loc("Ganj", "गंज", 25.4630, 78.5810, 250.0, KOTWALI, "284002"),
    loc("Khoya Mandi", "खोया मंडी", 25.4615, 78.5830, 200.0, NAWABAD, "284002"),
    loc("Bada Bazar", "बड़ा बाजार", 25.4605, 78.5815, 250.0, KOTWALI, "284002"),
    loc("Sarafa Bazar", "सराफा बाजार", 25.4620, 78.5795, 200.0, KOTWALI, "284002"),
    loc("Minerva Chauraha", "मिनर्वा चौराहा", 25.4585, 78.5825, 250.0, NAWABAD, "284002"),
    loc("Taj Compound", "ताज कंपाउंड", 25.4400, 78.5505, 350.0, SIPRI_BAZAR, "284003"),
    loc("Nandanpura", "नंदनपुरा", 25.4340, 78.5560, 450.0, SIPRI_BAZAR, "284003"),
    loc("Gwalior Road", "ग्वालियर रोड", 25.4820, 78.5680, 900.0, PREMNAGAR, "284003"),
    loc("Lahargird", "लहरगिर्द", 25.4770, 78.5950, 600.0, PREMNAGAR, "284002"),
    loc("Alhaghat", "अलहघाट", 25.4730, 78.5880, 450.0, PREMNAGAR, "284002"),
    loc("Shivaji Nagar", "शिवाजी नगर", 25.4480, 78.6000, 600.0, NAWABAD, "284001"),
    loc("Jhansi Cantt", "झाँसी छावनी", 25.4400, 78.5800, 700.0, CANTT, "284001"),
    loc("Khati Baba", "खाती बाबा", 25.4690, 78.5800, 400.0, PREMNAGAR, "284003"),
    loc("Babina Road", "बबीना रोड", 25.4200, 78.5400, 900.0, SIPRI_BAZAR, "284003"),
    loc("Gumnawara", "गुमनावारा", 25.4520, 78.5960, 450.0, NAWABAD, "284001"),
    loc("Hansari", "हंसारी", 25.4330, 78.6000, 700.0, CANTT, "284001"),
];

// Locality indices used below by name.
const L_SIPRI: usize = 2;
const L_SADAR: usize = 3;
const L_PREMNAGAR: usize = 4;
const L_NAWABAD: usize = 5;
const L_CIVIL_LINES: usize = 6;
const L_ELITE: usize = 7;
const L_STATION: usize = 8;
const L_MEDICAL: usize = 9;
const L_FORT: usize = 10;
const L_KANPUR_ROAD: usize = 12;
const L_BIJAULI: usize = 13;
const L_GWALIOR_ROAD: usize = 21;
const L_LAHARGIRD: usize = 22;
const L_SHIVAJI: usize = 24;
const L_KHATI_BABA: usize = 26;
const L_BABINA_ROAD: usize = 27;

/// The number of a locality's ward `which` (0 or 1): 1–60 by a fixed permutation (37 is prime to 60).
fn ward_number(locality: usize, which: usize) -> usize {
    ((locality * 2 + which) * 37) % 60 + 1
}

/// "Ward 12 Sipri Bazar": the two wards of a locality.
fn ward_name(locality: usize, which: usize) -> String {
    format!(
        "Ward {} {}",
        ward_number(locality, which),
        LOCALITIES[locality].en
    )
}

/// Where sites of each owner category gather (a locality listed twice draws twice as many).
fn localities_for(category: OwnerCategory) -> &'static [usize] {
    match category {
        OwnerCategory::Hotel => &[
            L_STATION,
            L_STATION,
            L_SIPRI,
            L_SADAR,
            L_CIVIL_LINES,
            L_ELITE,
            L_ELITE,
            19,
            L_FORT,
            0,
            L_GWALIOR_ROAD,
            L_NAWABAD,
        ],
        OwnerCategory::CoachingSchool => &[
            L_SIPRI,
            L_NAWABAD,
            L_NAWABAD,
            L_PREMNAGAR,
            L_CIVIL_LINES,
            L_SHIVAJI,
            L_MEDICAL,
            L_KANPUR_ROAD,
            L_ELITE,
            L_SADAR,
            L_KHATI_BABA,
            28,
            20,
        ],
        OwnerCategory::HospitalClinic => &[
            L_MEDICAL,
            L_MEDICAL,
            L_CIVIL_LINES,
            L_NAWABAD,
            L_SIPRI,
            L_ELITE,
            L_GWALIOR_ROAD,
            L_SHIVAJI,
            L_SADAR,
            1,
            23,
        ],
        OwnerCategory::IndustrialUnit => &[
            L_BIJAULI,
            L_BIJAULI,
            L_BIJAULI,
            L_BIJAULI,
            L_BABINA_ROAD,
            L_GWALIOR_ROAD,
            L_LAHARGIRD,
            29,
        ],
        OwnerCategory::Commercial => &[
            L_SADAR,
            L_SADAR,
            L_SIPRI,
            L_SIPRI,
            16,
            17,
            11,
            14,
            15,
            18,
            L_ELITE,
            L_CIVIL_LINES,
            L_PREMNAGAR,
            0,
            1,
            L_STATION,
            L_GWALIOR_ROAD,
            L_SHIVAJI,
        ],
        _ => &[
            0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
            24, 25, 26, 27, 28, 29,
        ],
    }
}

/// (English, Hindi) with `{}` where the name goes.
type Pattern = (&'static str, &'static str);
/// (English, Hindi).
type Name = (&'static str, &'static str);

#[rustfmt::skip]
const HOTEL_PATTERNS: &[Pattern] = &[
    ("Hotel {}", "होटल {}"),
    ("Hotel {}", "होटल {}"),
    ("Hotel {}", "होटल {}"),
    ("{} Guest House", "{} गेस्ट हाउस"),
    ("{} Lodge", "{} लॉज"),
    ("{} Residency", "{} रेजीडेंसी"),
];
#[rustfmt::skip]
const HOTEL_NAMES: &[Name] = &[
    ("Raj Palace", "राज पैलेस"),
    ("Shivam", "शिवम"),
    ("Sita", "सीता"),
    ("Ganpati", "गणपति"),
    ("Bundela", "बुंदेला"),
    ("Laxmi", "लक्ष्मी"),
    ("Samrat", "सम्राट"),
    ("Orchha", "ओरछा"),
    ("Meera", "मीरा"),
    ("Vrindavan", "वृंदावन"),
    ("Maharaja", "महाराजा"),
    ("Saket", "साकेत"),
    ("Janki", "जानकी"),
    ("Anand", "आनंद"),
    ("Prakash", "प्रकाश"),
    ("Kaveri", "कावेरी"),
    ("Surya", "सूर्या"),
    ("Royal", "रॉयल"),
    ("Chandra", "चंद्रा"),
    ("Golden Palace", "गोल्डन पैलेस"),
    ("Shree Ram", "श्री राम"),
    ("Tulsi", "तुलसी"),
    ("Rajdhani", "राजधानी"),
    ("Pushpak", "पुष्पक"),
];

#[rustfmt::skip]
const COACHING_PATTERNS: &[Pattern] = &[
    ("{} Coaching Centre", "{} कोचिंग सेंटर"),
    ("{} Classes", "{} क्लासेज"),
    ("{} Academy", "{} एकेडमी"),
    ("{} Public School", "{} पब्लिक स्कूल"),
    ("{} Institute", "{} इंस्टीट्यूट"),
    ("{} Library and Study Centre", "{} लाइब्रेरी एवं अध्ययन केंद्र"),
];
#[rustfmt::skip]
const COACHING_NAMES: &[Name] = &[
    ("Gupta", "गुप्ता"),
    ("Saraswati", "सरस्वती"),
    ("Vidya", "विद्या"),
    ("Gyan Deep", "ज्ञान दीप"),
    ("Bundelkhand", "बुंदेलखंड"),
    ("Lakshya", "लक्ष्य"),
    ("Pragati", "प्रगति"),
    ("Shiksha", "शिक्षा"),
    ("Unnati", "उन्नति"),
    ("Disha", "दिशा"),
    ("Aadarsh", "आदर्श"),
    ("Manas", "मानस"),
    ("Chanakya", "चाणक्य"),
    ("Eklavya", "एकलव्य"),
    ("Aryabhatta", "आर्यभट्ट"),
    ("Vivekanand", "विवेकानंद"),
    ("Rani Laxmi Bai", "रानी लक्ष्मीबाई"),
    ("Prerna", "प्रेरणा"),
    ("Sankalp", "संकल्प"),
];

#[rustfmt::skip]
const HOSPITAL_PATTERNS: &[Pattern] = &[
    ("{} Hospital", "{} हॉस्पिटल"),
    ("{} Hospital", "{} हॉस्पिटल"),
    ("{} Clinic", "{} क्लिनिक"),
    ("{} Nursing Home", "{} नर्सिंग होम"),
    ("{} Diagnostic Centre", "{} डायग्नोस्टिक सेंटर"),
    ("{} Eye Hospital", "{} नेत्र चिकित्सालय"),
    ("{} Children's Hospital", "{} शिशु चिकित्सालय"),
];
#[rustfmt::skip]
const HOSPITAL_NAMES: &[Name] = &[
    ("Jeevan Jyoti", "जीवन ज्योति"),
    ("Sanjeevani", "संजीवनी"),
    ("Shri Ram", "श्री राम"),
    ("Maa Sharda", "माँ शारदा"),
    ("Sai", "साईं"),
    ("Arogya", "आरोग्य"),
    ("Kalyan", "कल्याण"),
    ("Sewa", "सेवा"),
    ("Shanti", "शांति"),
    ("Lifeline", "लाइफलाइन"),
    ("Nidaan", "निदान"),
    ("Apna", "अपना"),
    ("Mahalaxmi", "महालक्ष्मी"),
    ("Dhanvantari", "धन्वंतरि"),
    ("Shubham", "शुभम"),
    ("City", "सिटी"),
];

#[rustfmt::skip]
const COMMERCIAL_PATTERNS: &[Pattern] = &[
    ("{} Jewellers", "{} ज्वैलर्स"),
    ("{} Sweets", "{} मिष्ठान्न भंडार"),
    ("{} Electronics", "{} इलेक्ट्रॉनिक्स"),
    ("{} Cloth House", "{} क्लॉथ हाउस"),
    ("{} Mall", "{} मॉल"),
    ("{} Co-operative Bank", "{} सहकारी बैंक"),
    ("{} Petrol Pump", "{} पेट्रोल पंप"),
    ("{} Super Market", "{} सुपर मार्केट"),
    ("{} Medical Store", "{} मेडिकल स्टोर"),
    ("{} Motors", "{} मोटर्स"),
    ("{} Restaurant", "{} रेस्टोरेंट"),
    ("{} Marriage Lawn", "{} मैरिज लॉन"),
];
#[rustfmt::skip]
const COMMERCIAL_NAMES: &[Name] = &[
    ("Agrawal", "अग्रवाल"),
    ("Sharma", "शर्मा"),
    ("Laxmi", "लक्ष्मी"),
    ("Jain", "जैन"),
    ("Gupta", "गुप्ता"),
    ("Bundela", "बुंदेला"),
    ("Shree Balaji", "श्री बालाजी"),
    ("Radhe Krishna", "राधे कृष्ण"),
    ("Maa Vaishno", "माँ वैष्णो"),
    ("Ganesh", "गणेश"),
    ("City", "सिटी"),
    ("Jhansi", "झाँसी"),
    ("Soni", "सोनी"),
    ("Khandelwal", "खंडेलवाल"),
    ("Rastogi", "रस्तोगी"),
    ("Kesarwani", "केसरवानी"),
    ("Verma", "वर्मा"),
    ("Sahu", "साहू"),
];

#[rustfmt::skip]
const INDUSTRIAL_PATTERNS: &[Pattern] = &[
    ("{} Industries", "{} इंडस्ट्रीज"),
    ("{} Agro Foods", "{} एग्रो फूड्स"),
    ("{} Cold Storage", "{} कोल्ड स्टोरेज"),
    ("{} Steel Fabricators", "{} स्टील फैब्रिकेटर्स"),
    ("{} Pipes", "{} पाइप्स"),
    ("{} Dal Mill", "{} दाल मिल"),
    ("{} Packaging", "{} पैकेजिंग"),
];
#[rustfmt::skip]
const INDUSTRIAL_NAMES: &[Name] = &[
    ("Bundelkhand", "बुंदेलखंड"),
    ("Shiv Shakti", "शिव शक्ति"),
    ("Vindhya", "विंध्य"),
    ("Betwa", "बेतवा"),
    ("Pahuj", "पहूज"),
    ("Jhansi", "झाँसी"),
    ("Laxmi", "लक्ष्मी"),
    ("Om", "ओम"),
    ("Krishna", "कृष्णा"),
    ("Shree Ganesh", "श्री गणेश"),
];

/// Government offices of a locality: "Tehsil Office, Sadar Bazar".
#[rustfmt::skip]
const GOVERNMENT_OFFICES: &[Name] = &[
    ("Tehsil Office", "तहसील कार्यालय"),
    ("Nagar Nigam Zonal Office", "नगर निगम जोनल कार्यालय"),
    ("Jal Sansthan Office", "जल संस्थान कार्यालय"),
    ("Electricity Sub-division Office", "विद्युत उपखंड कार्यालय"),
    ("Post Office", "डाकघर"),
    ("Sub-Registrar Office", "उप निबंधक कार्यालय"),
    ("Block Development Office", "खंड विकास कार्यालय"),
    ("Government Inter College", "राजकीय इंटर कॉलेज"),
    ("Primary Health Centre", "प्राथमिक स्वास्थ्य केंद्र"),
    ("Food and Supply Office", "खाद्य एवं आपूर्ति कार्यालय"),
    ("PWD Office", "लोक निर्माण विभाग कार्यालय"),
    ("Ration Shop (Fair Price Shop)", "राशन की दुकान (उचित मूल्य दुकान)"),
];

/// Public places of a locality: "Sipri Bazar Market".
#[rustfmt::skip]
const PUBLIC_PATTERNS: &[Pattern] = &[
    ("{} Market", "{} बाजार क्षेत्र"),
    ("{} Park", "{} पार्क"),
    ("{} bus stop", "{} बस स्टॉप"),
    ("{} Chauraha", "{} चौराहा"),
    ("Shiv Mandir, {}", "शिव मंदिर, {}"),
    ("Hanuman Mandir, {}", "हनुमान मंदिर, {}"),
    ("{} vegetable market", "{} सब्ज़ी मंडी"),
    ("{} community hall", "{} सामुदायिक भवन"),
];

#[rustfmt::skip]
const POLICE_PATTERNS: &[Pattern] = &[
    ("Police Chowki {}", "पुलिस चौकी {}"),
    ("Traffic booth, {}", "यातायात बूथ, {}"),
    ("UP-112 PRV point, {}", "यूपी-112 पीआरवी पॉइंट, {}"),
];

/// A place that is always in the demo registry.
struct Landmark {
    category: OwnerCategory,
    priority: Priority,
    en: &'static str,
    hi: &'static str,
    lat: f64,
    lon: f64,
    thana: &'static str,
    locality: usize,
    cameras: (usize, usize),
}

const fn landmark(
    category: OwnerCategory,
    priority: Priority,
    (en, hi): Name,
    (lat, lon): (f64, f64),
    thana: &'static str,
    locality: usize,
    cameras: (usize, usize),
) -> Landmark {
    Landmark {
        category,
        priority,
        en,
        hi,
        lat,
        lon,
        thana,
        locality,
        cameras,
    }
}

#[rustfmt::skip]
const LANDMARKS: &[Landmark] = {
    use OwnerCategory::{GovernmentOffice as G, Police as P, PublicPlace as U};
    use Priority::{None as N, PublicPlace as PP};
    &[
        landmark(G, N, ("Collectorate Jhansi", "कलेक्ट्रेट झाँसी"), (25.4528, 78.5790), NAWABAD, L_CIVIL_LINES, (3, 6)),
        landmark(G, N, ("Jhansi Nagar Nigam (ICCC campus)", "झाँसी नगर निगम (आईसीसीसी परिसर)"), (25.4555, 78.5805), KOTWALI, L_CIVIL_LINES, (4, 8)),
        landmark(G, N, ("Divisional Commissioner's Office", "मंडलायुक्त कार्यालय"), (25.4535, 78.5800), NAWABAD, L_CIVIL_LINES, (3, 5)),
        landmark(G, N, ("MLB Medical College", "महारानी लक्ष्मीबाई मेडिकल कॉलेज"), (25.4590, 78.6159), NAWABAD, L_MEDICAL, (6, 12)),
        landmark(G, N, ("Bundelkhand University", "बुंदेलखंड विश्वविद्यालय"), (25.4612, 78.6228), NAWABAD, L_KANPUR_ROAD, (4, 8)),
        landmark(G, N, ("District Hospital Jhansi", "जिला अस्पताल झाँसी"), (25.4575, 78.5720), KOTWALI, L_FORT, (5, 9)),
        landmark(G, N, ("Jhansi Development Authority", "झाँसी विकास प्राधिकरण"), (25.4510, 78.5850), NAWABAD, L_ELITE, (2, 4)),
        landmark(G, PP, ("Virangana Lakshmibai Jhansi Railway Station (VGLJ)", "वीरांगना लक्ष्मीबाई झाँसी रेलवे स्टेशन"), (25.4439, 78.5534), SIPRI_BAZAR, L_STATION, (8, 14)),
        landmark(U, PP, ("Jhansi Fort", "झाँसी का किला"), (25.4580, 78.5750), KOTWALI, L_FORT, (4, 8)),
        landmark(U, PP, ("Rani Mahal, Manik Chowk", "रानी महल, माणिक चौक"), (25.4597, 78.5793), KOTWALI, 11, (2, 4)),
        landmark(U, PP, ("Jhansi Bus Stand", "झाँसी बस स्टैंड"), (25.4495, 78.5860), NAWABAD, L_ELITE, (4, 8)),
        landmark(U, N, ("Narayan Bagh", "नारायण बाग"), (25.4560, 78.5700), SADAR_BAZAR, L_SADAR, (2, 3)),
        landmark(U, PP, ("Laxmi Tal", "लक्ष्मी ताल"), (25.4660, 78.5725), KOTWALI, L_FORT, (2, 4)),
        landmark(U, N, ("Major Dhyan Chand Stadium", "मेजर ध्यानचंद स्टेडियम"), (25.4540, 78.5895), NAWABAD, L_ELITE, (2, 4)),
        landmark(U, PP, ("Panchkuian Mandir", "पंचकुइयाँ मंदिर"), (25.4625, 78.5770), KOTWALI, 0, (2, 3)),
        landmark(P, N, ("Kotwali Police Station", "थाना कोतवाली"), (25.4608, 78.5802), KOTWALI, 16, (2, 5)),
        landmark(P, N, ("Nawabad Police Station", "थाना नवाबाद"), (25.4562, 78.5858), NAWABAD, L_NAWABAD, (2, 5)),
        landmark(P, N, ("Sipri Bazar Police Station", "थाना सीपरी बाजार"), (25.4388, 78.5468), SIPRI_BAZAR, L_SIPRI, (2, 5)),
        landmark(P, N, ("Sadar Bazar Police Station", "थाना सदर बाजार"), (25.4455, 78.5698), SADAR_BAZAR, L_SADAR, (2, 5)),
        landmark(P, N, ("Premnagar Police Station", "थाना प्रेमनगर"), (25.4718, 78.5648), PREMNAGAR, L_PREMNAGAR, (2, 5)),
        landmark(P, N, ("Cantt Police Station", "थाना कैंट"), (25.4405, 78.5795), CANTT, 25, (2, 4)),
        landmark(P, N, ("Mahila Thana", "महिला थाना"), (25.4532, 78.5815), MAHILA_THANA, L_CIVIL_LINES, (2, 4)),
        landmark(P, N, ("SSP Office", "एसएसपी कार्यालय"), (25.4522, 78.5802), NAWABAD, L_CIVIL_LINES, (3, 5)),
        landmark(P, N, ("Police Lines", "पुलिस लाइन"), (25.4470, 78.5760), SADAR_BAZAR, L_SADAR, (3, 6)),
    ]
};

/// A black spot the police named: (English, Hindi, lat, lon, thana, why it is on the list).
type BlackSpot = (
    &'static str,
    &'static str,
    f64,
    f64,
    &'static str,
    &'static str,
);

const ACCIDENTS: &str = "accident-prone junction";
const STRETCH: &str = "accident-prone stretch";
const SNATCHING: &str = "chain-snatching hot spot";
const CROWD: &str = "crowded market, pickpocketing and eve-teasing complaints";

#[rustfmt::skip]
const BLACK_SPOTS: [BlackSpot; 40] = [
    ("Elite Chauraha", "इलाइट चौराहा", 25.4540, 78.5830, NAWABAD, ACCIDENTS),
    ("Jail Chauraha", "जेल चौराहा", 25.4515, 78.5735, NAWABAD, ACCIDENTS),
    ("Kachahri Chauraha", "कचहरी चौराहा", 25.4525, 78.5770, NAWABAD, ACCIDENTS),
    ("Chitra Chauraha", "चित्रा चौराहा", 25.4485, 78.5640, SADAR_BAZAR, ACCIDENTS),
    ("Sipri Bazar flyover", "सीपरी बाजार फ्लाईओवर", 25.4400, 78.5480, SIPRI_BAZAR, STRETCH),
    ("Medical College turn, Kanpur Road", "मेडिकल कॉलेज मोड़, कानपुर रोड", 25.4585, 78.6120, NAWABAD, ACCIDENTS),
    ("Bundelkhand University gate, Kanpur Road", "बुंदेलखंड विश्वविद्यालय गेट, कानपुर रोड", 25.4608, 78.6200, NAWABAD, STRETCH),
    ("Bypass junction, Gwalior Road", "बाईपास तिराहा, ग्वालियर रोड", 25.4950, 78.5700, PREMNAGAR, ACCIDENTS),
    ("Bhagwantpura turn, Gwalior Road", "भगवंतपुरा मोड़, ग्वालियर रोड", 25.4870, 78.5690, PREMNAGAR, STRETCH),
    ("Sainyar Gate crossing", "सैंयर गेट क्रॉसिंग", 25.4642, 78.5762, NAWABAD, CROWD),
    ("Orchha Gate crossing", "ओरछा गेट क्रॉसिंग", 25.4628, 78.5865, NAWABAD, ACCIDENTS),
    ("Minerva Chauraha", "मिनर्वा चौराहा", 25.4587, 78.5827, NAWABAD, ACCIDENTS),
    ("Railway station tiraha", "रेलवे स्टेशन तिराहा", 25.4445, 78.5550, SIPRI_BAZAR, ACCIDENTS),
    ("Khati Baba Chauraha", "खाती बाबा चौराहा", 25.4690, 78.5800, PREMNAGAR, ACCIDENTS),
    ("Lahargird turn", "लहरगिर्द मोड़", 25.4770, 78.5950, PREMNAGAR, STRETCH),
    ("Premnagar Chauraha", "प्रेमनगर चौराहा", 25.4720, 78.5640, PREMNAGAR, ACCIDENTS),
    ("Nandanpura crossing", "नंदनपुरा क्रॉसिंग", 25.4342, 78.5562, SIPRI_BAZAR, SNATCHING),
    ("Bijauli industrial area gate", "बिजौली औद्योगिक क्षेत्र गेट", 25.4185, 78.5290, SIPRI_BAZAR, STRETCH),
    ("Army cantonment turn, Babina Road", "छावनी मोड़, बबीना रोड", 25.4150, 78.5380, SIPRI_BAZAR, STRETCH),
    ("Karguan turn, Lalitpur Road", "करगुवां मोड़, ललितपुर रोड", 25.4050, 78.5500, SIPRI_BAZAR, STRETCH),
    ("Shivaji Nagar Chauraha", "शिवाजी नगर चौराहा", 25.4480, 78.6000, NAWABAD, ACCIDENTS),
    ("Gumnawara crossing", "गुमनावारा क्रॉसिंग", 25.4520, 78.5960, NAWABAD, SNATCHING),
    ("Pal Colony stretch, Kanpur Road", "पाल कॉलोनी खंड, कानपुर रोड", 25.4560, 78.6050, NAWABAD, STRETCH),
    ("Fort road curve", "किला रोड मोड़", 25.4572, 78.5735, KOTWALI, STRETCH),
    ("Manik Chowk", "माणिक चौक", 25.4600, 78.5790, KOTWALI, SNATCHING),
    ("Sarafa Bazar lane", "सराफा बाजार गली", 25.4620, 78.5797, KOTWALI, SNATCHING),
    ("Bada Bazar crossing", "बड़ा बाजार क्रॉसिंग", 25.4607, 78.5817, KOTWALI, CROWD),
    ("Khoya Mandi", "खोया मंडी", 25.4615, 78.5832, NAWABAD, CROWD),
    ("Ganj crossing", "गंज क्रॉसिंग", 25.4632, 78.5808, KOTWALI, CROWD),
    ("Alhaghat tiraha", "अलहघाट तिराहा", 25.4732, 78.5882, PREMNAGAR, ACCIDENTS),
    ("Sadar Bazar crossing", "सदर बाजार क्रॉसिंग", 25.4452, 78.5692, SADAR_BAZAR, CROWD),
    ("MG Road turn, Cantt", "एमजी रोड मोड़, छावनी", 25.4405, 78.5790, CANTT, ACCIDENTS),
    ("Bus stand exit", "बस स्टैंड निकास", 25.4490, 78.5868, NAWABAD, ACCIDENTS),
    ("Laxmi Tal embankment road", "लक्ष्मी ताल बांध मार्ग", 25.4650, 78.5720, KOTWALI, STRETCH),
    ("Narayan Bagh crossing", "नारायण बाग क्रॉसिंग", 25.4556, 78.5705, SADAR_BAZAR, ACCIDENTS),
    ("Taj Compound turn", "ताज कंपाउंड मोड़", 25.4402, 78.5507, SIPRI_BAZAR, SNATCHING),
    ("Pahuj bridge approach, Shivpuri Road", "पहूज पुल मार्ग, शिवपुरी रोड", 25.4470, 78.5150, SIPRI_BAZAR, STRETCH),
    ("NH-27 bypass junction, Kanpur Road", "एनएच-27 बाईपास तिराहा, कानपुर रोड", 25.4640, 78.6380, NAWABAD, ACCIDENTS),
    ("Hansari turn", "हंसारी मोड़", 25.4330, 78.6000, CANTT, STRETCH),
    ("Stadium road", "स्टेडियम रोड", 25.4535, 78.5880, NAWABAD, SNATCHING),
];

/// Toll plazas: two on NH-44 towards Lalitpur (south), two on NH-27 (Kanpur east, Shivpuri west).
#[rustfmt::skip]
const TOLL_PLAZAS: [(Name, (f64, f64), &str); 4] = [
    (("NH-44 Toll Plaza I, Lalitpur Road", "एनएच-44 टोल प्लाज़ा I, ललितपुर रोड"), (25.3955, 78.5455), SIPRI_BAZAR),
    (("NH-44 Toll Plaza II, Lalitpur Road", "एनएच-44 टोल प्लाज़ा II, ललितपुर रोड"), (25.3925, 78.5530), SIPRI_BAZAR),
    (("NH-27 Toll Plaza, Kanpur Road", "एनएच-27 टोल प्लाज़ा, कानपुर रोड"), (25.4700, 78.6460), NAWABAD),
    (("NH-27 Toll Plaza, Shivpuri Road", "एनएच-27 टोल प्लाज़ा, शिवपुरी रोड"), (25.4350, 78.5040), SIPRI_BAZAR),
];

const JAIL: (Name, (f64, f64), &str) = (
    ("District Jail Jhansi", "जिला कारागार झाँसी"),
    (25.4508, 78.5745),
    NAWABAD,
);

// People and phone numbers, all invented.
#[rustfmt::skip]
const GIVEN_NAMES: &[&str] = &[
    "Ramesh", "Suresh", "Rajesh", "Anil", "Sunil", "Vijay", "Sanjay", "Amit", "Rahul", "Deepak", "Pooja", "Neha",
    "Sunita", "Anita", "Kavita", "Priya", "Manoj", "Pankaj", "Alok", "Ashok", "Rakesh", "Mukesh", "Dinesh",
    "Savita", "Rekha", "Meena", "Arvind", "Shailendra", "Rajeev", "Nidhi",
];
#[rustfmt::skip]
const SURNAMES: &[&str] = &[
    "Sharma", "Verma", "Gupta", "Agrawal", "Yadav", "Singh", "Tiwari", "Dubey", "Mishra", "Pandey", "Srivastava",
    "Rajput", "Kushwaha", "Sahu", "Jain", "Khandelwal", "Rai", "Chaurasia", "Parihar", "Bundela", "Pal", "Saxena",
    "Soni",
];
#[rustfmt::skip]
const MUSLIM_NAMES: &[&str] = &[
    "Mohd. Irfan", "Salim", "Farhan", "Shabnam", "Nasreen", "Imran", "Zakir", "Rehana",
];
const MUSLIM_SURNAMES: &[&str] = &["Khan", "Ansari", "Qureshi", "Siddiqui"];

/// Desk operators who enter surveys and move cameras.
#[rustfmt::skip]
const OPERATORS: &[&str] = &[
    "op.sharma", "op.khan", "op.verma", "op.yadav", "op.tiwari", "op.saxena",
];

#[rustfmt::skip]
const STREETS: &[&str] = &[
    "Main Road", "Station Road", "Kanpur Road", "Gwalior Road", "Shivpuri Road", "Civil Lines Road", "Bazar Road",
    "Gali No. 2", "Gali No. 5", "Naya Mohalla", "Purana Mohalla", "Ram Nagar Colony", "Gandhi Marg",
];

// ---------------------------------------------------------------------------------------------------------------
// Cameras

struct Make {
    name: &'static str,
    ip_models: &'static [&'static str],
    /// A pan-tilt-zoom camera, for junctions and plazas.
    ptz_model: &'static str,
    analogue_models: &'static [&'static str],
    /// RTSP path of channel `c` (1 for an IP camera).
    stream: fn(u16) -> String,
    /// JPEG snapshot path of channel `c`.
    snapshot: fn(u16) -> String,
}

fn hik_stream(c: u16) -> String {
    format!("/Streaming/Channels/{c}01")
}
fn hik_snapshot(c: u16) -> String {
    format!("/ISAPI/Streaming/channels/{c}01/picture")
}
fn dahua_stream(c: u16) -> String {
    format!("/cam/realmonitor?channel={c}&subtype=0")
}
fn dahua_snapshot(c: u16) -> String {
    format!("/cgi-bin/snapshot.cgi?channel={c}")
}

const MAKES: [Make; 5] = [
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
const MAKE_WEIGHTS: [f64; 5] = [0.36, 0.22, 0.26, 0.08, 0.08];

type Label = (&'static str, AreaWatched);

fn common_labels(category: OwnerCategory, priority: Priority) -> &'static [Label] {
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
fn private_labels(category: OwnerCategory) -> (&'static [Label], f64) {
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
fn integrate_weight(category: OwnerCategory) -> f64 {
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
fn block_weight(category: OwnerCategory) -> f64 {
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

// ---------------------------------------------------------------------------------------------------------------
// The plan: every site and camera decided before anything is written

/// Where a camera's history ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Integrated { this_week: bool },
    Blocked,
    InProgress(IntegrationStage),
    Rejected,
}

struct CameraPlan {
    label: String,
    area: AreaWatched,
    is_analogue: bool,
    outcome: Outcome,
}

struct SitePlan {
    site: Site,
    /// Cameras wanted here; fixed before the cameras are drawn.
    camera_count: usize,
    /// The fewest cameras this site may be left with when the total is trimmed.
    min_cameras: usize,
    /// Ordinary sites take the extra cameras when the total is short.
    is_ordinary: bool,
    make: usize,
    /// Share of this site's cameras that are analogue, behind one NVR.
    analogue_share: f64,
    cameras: Vec<CameraPlan>,
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

// Metres per degree at Jhansi's latitude (25.45° N).
const M_PER_DEG_LAT: f64 = 111_320.0;
const M_PER_DEG_LON: f64 = 100_520.0;
/// Scattered sites keep this far (degrees) inside the city box.
const CITY_MARGIN_DEG: f64 = 0.001;

/// A point `spread_m` (at most) around a centre, kept inside the city box.
fn scatter(rng: &mut SplitMix64, lat: f64, lon: f64, spread_m: f64) -> (f64, f64) {
    let lat = lat + rng.spread() * spread_m / M_PER_DEG_LAT;
    let lon = lon + rng.spread() * spread_m / M_PER_DEG_LON;
    clamp_to_city(lat, lon)
}

fn clamp_to_city(lat: f64, lon: f64) -> (f64, f64) {
    let margin = CITY_MARGIN_DEG;
    (
        round6(lat.clamp(CITY_LAT_DEG.0 + margin, CITY_LAT_DEG.1 - margin)),
        round6(lon.clamp(CITY_LON_DEG.0 + margin, CITY_LON_DEG.1 - margin)),
    )
}

fn person(rng: &mut SplitMix64) -> String {
    if rng.chance(0.15) {
        format!("{} {}", rng.pick(MUSLIM_NAMES), rng.pick(MUSLIM_SURNAMES))
    } else {
        format!("{} {}", rng.pick(GIVEN_NAMES), rng.pick(SURNAMES))
    }
}

/// A mobile number in the 98765 series that examples use, so no real subscriber is ever shown.
fn mobile(rng: &mut SplitMix64) -> String {
    format!("+91 98765 {:05}", rng.below(100_000))
}

/// A Jhansi landline (STD code 0510).
fn landline(rng: &mut SplitMix64) -> String {
    format!("0510-24{:05}", rng.below(100_000))
}

fn address(rng: &mut SplitMix64, locality: usize) -> String {
    let l = &LOCALITIES[locality];
    format!(
        "{}, {}, {}, Jhansi {}",
        rng.between(1, 420),
        rng.pick(STREETS),
        l.en,
        l.pin
    )
}

fn notes(extra: &str) -> String {
    if extra.is_empty() {
        format!("{DEMO_NOTE}.")
    } else {
        format!("{DEMO_NOTE}. {extra}")
    }
}

fn fill(pattern: &str, name: &str) -> String {
    pattern.replace("{}", name)
}

#[allow(clippy::too_many_arguments)]
fn site_at(
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
    }
}

/// The locality nearest a point (for the address of a fixed place).
fn nearest_locality(lat: f64, lon: f64) -> usize {
    let mut best = (f64::MAX, 0);
    for (i, l) in LOCALITIES.iter().enumerate() {
        let d = (l.lat - lat).powi(2) + ((l.lon - lon) * LON_SCALE).powi(2);
        if d < best.0 {
            best = (d, i);
        }
    }
    best.1
}

// ---------------------------------------------------------------------------------------------------------------
// Wards: sixty polygons, so the map shows a ward layer out of the box

/// East-west degrees are shorter than north-south ones by the cosine of the latitude (0.903 at 25.45° N);
/// "nearest" and the ward cells below measure with it, so they mean nearest on the ground.
const LON_SCALE: f64 = 0.903;
/// How much the city outline is widened beyond the outermost place a site can be (4 %, a few hundred metres).
const OUTLINE_WIDEN: f64 = 1.04;
/// Where a ward is split in two, off its locality's centre: half a micro-degree (about 5 cm), so the line never
/// passes through a site (site coordinates are whole micro-degrees).
const SPLIT_OFFSET_DEG: f64 = 0.000_000_5;
/// Where the ward cells' centres sit off the locality centres (lat, lon degrees; a few centimetres). Locality
/// centres and sites are whole micro-degrees, and the bisector of two such points runs exactly through others:
/// a site there would sit on the edge of two wards, claimed by both or by neither.
const CELL_NUDGE_DEG: (f64, f64) = (0.000_000_31, 0.000_000_17);
/// The source name the demo's ward layer is stored under.
pub const DEMO_WARDS_SOURCE: &str = "demo (invented Jhansi wards)";

/// A point in the plane the ward cells are cut in: (x, y) = (lon × [`LON_SCALE`], lat), about square degrees.
type Plane = (f64, f64);

fn to_plane(lat: f64, lon: f64) -> Plane {
    (lon * LON_SCALE, lat)
}

/// Every place a demo site can be: the fixed places, and the corners of the box each locality's sites scatter
/// in, clamped as [`scatter`] clamps them.
fn possible_site_corners() -> Vec<Plane> {
    let mut points = Vec::new();
    for l in &LOCALITIES {
        let (dlat, dlon) = (l.spread_m / M_PER_DEG_LAT, l.spread_m / M_PER_DEG_LON);
        for (sl, so) in [(-1.0, -1.0), (-1.0, 1.0), (1.0, -1.0), (1.0, 1.0)] {
            let (lat, lon) = clamp_to_city(l.lat + sl * dlat, l.lon + so * dlon);
            points.push(to_plane(lat, lon));
        }
    }
    points.push(to_plane(JAIL.1.0, JAIL.1.1));
    points.extend(
        TOLL_PLAZAS
            .iter()
            .map(|(_, (lat, lon), _)| to_plane(*lat, *lon)),
    );
    points.extend(BLACK_SPOTS.iter().map(|b| to_plane(b.2, b.3)));
    points.extend(LANDMARKS.iter().map(|l| to_plane(l.lat, l.lon)));
    points
}

/// Convex hull, anticlockwise (Andrew's monotone chain).
fn convex_hull(mut points: Vec<Plane>) -> Vec<Plane> {
    points.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    points.dedup();
    if points.len() < 3 {
        return points;
    }
    let cross =
        |o: Plane, a: Plane, b: Plane| (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0);
    let mut hull: Vec<Plane> = Vec::with_capacity(points.len() * 2);
    for pass in [points.clone(), points.iter().rev().copied().collect()] {
        let floor = hull.len();
        for p in pass {
            while hull.len() >= floor + 2
                && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0
            {
                hull.pop();
            }
            hull.push(p);
        }
        // The last point of each pass is the first of the other.
        hull.pop();
    }
    hull
}

/// The part of a convex polygon where `side(p) <= 0` (one Sutherland–Hodgman step; `side` is linear).
fn clip(polygon: &[Plane], side: impl Fn(Plane) -> f64) -> Vec<Plane> {
    let mut out = Vec::with_capacity(polygon.len() + 1);
    let Some(&last) = polygon.last() else {
        return out;
    };
    let mut prev = (last, side(last));
    for &p in polygon {
        let sp = side(p);
        if (sp <= 0.0) != (prev.1 <= 0.0) {
            let t = prev.1 / (prev.1 - sp);
            out.push((
                prev.0.0 + t * (p.0 - prev.0.0),
                prev.0.1 + t * (p.1 - prev.0.1),
            ));
        }
        if sp <= 0.0 {
            out.push(p);
        }
        prev = (p, sp);
    }
    out
}

/// The demo's sixty wards, two per locality (see [`ward_name`]), in locality order.
///
/// The city outline is the convex hull of every place a demo site can be, widened by [`OUTLINE_WIDEN`]; each
/// locality gets its Voronoi cell within it (the points nearer its centre than any other's, measured as
/// [`nearest_locality`] measures), and that cell is cut in two through its centre, west–east when it is wider
/// than tall, else south–north. Nothing is drawn from the random streams: the wards are the same for every seed.
pub fn demo_wards() -> &'static [BoundaryArea] {
    static WARDS: LazyLock<Vec<BoundaryArea>> = LazyLock::new(build_demo_wards);
    &WARDS
}

/// The demo city's outline: the convex hull of every place a site can be, widened by [`OUTLINE_WIDEN`].
fn city_outline() -> Vec<Plane> {
    let hull = convex_hull(possible_site_corners());
    let n = hull.len().max(1) as f64;
    let middle = hull
        .iter()
        .fold((0.0, 0.0), |(x, y), p| (x + p.0 / n, y + p.1 / n));
    // Scaling a convex polygon about an inner point keeps it convex and around the original.
    hull.iter()
        .map(|p| {
            (
                middle.0 + (p.0 - middle.0) * OUTLINE_WIDEN,
                middle.1 + (p.1 - middle.1) * OUTLINE_WIDEN,
            )
        })
        .collect()
}

fn build_demo_wards() -> Vec<BoundaryArea> {
    let outline = city_outline();
    let centres: Vec<Plane> = LOCALITIES
        .iter()
        .map(|l| to_plane(l.lat + CELL_NUDGE_DEG.0, l.lon + CELL_NUDGE_DEG.1))
        .collect();
    let mut wards = Vec::with_capacity(2 * LOCALITIES.len());
    for (i, &c) in centres.iter().enumerate() {
        let mut cell = outline.clone();
        for (j, &o) in centres.iter().enumerate() {
            if i != j {
                // Keep the side of the bisector nearer c: (p − mid) · (o − c) ≤ 0.
                let mid = ((c.0 + o.0) / 2.0, (c.1 + o.1) / 2.0);
                cell = clip(&cell, |p| {
                    (p.0 - mid.0) * (o.0 - c.0) + (p.1 - mid.1) * (o.1 - c.1)
                });
            }
        }
        let (min_x, max_x, min_y, max_y) = cell.iter().fold(
            (
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
            ),
            |(a, b, c, d), p| (a.min(p.0), b.max(p.0), c.min(p.1), d.max(p.1)),
        );
        let l = &LOCALITIES[i];
        // Half 0 is the west (or south) one, half 1 the east (or north) one.
        let halves = if max_x - min_x >= max_y - min_y {
            let x = (l.lon + SPLIT_OFFSET_DEG) * LON_SCALE;
            [clip(&cell, |p| p.0 - x), clip(&cell, |p| x - p.0)]
        } else {
            let y = l.lat + SPLIT_OFFSET_DEG;
            [clip(&cell, |p| p.1 - y), clip(&cell, |p| y - p.1)]
        };
        for (which, half) in halves.into_iter().enumerate() {
            let mut ring: Vec<(f64, f64)> = half
                .iter()
                // Not rounded: rounding would open gaps of up to half a centimetre between neighbours, where a
                // site could fall in no ward.
                .map(|&(x, y)| (y, x / LON_SCALE))
                .collect();
            if let Some(&first) = ring.first() {
                ring.push(first);
            }
            wards.push(BoundaryArea {
                kind: BoundaryKind::Ward,
                name: ward_name(i, which),
                code: ward_number(i, which).to_string(),
                polygons: vec![vec![ring]],
            });
        }
    }
    wards
}

/// The name of the demo ward a point lies in.
fn ward_at(lat: f64, lon: f64) -> String {
    let wards = demo_wards();
    if let Some(ward) = wards.iter().find(|w| w.contains(lat, lon)) {
        return ward.name.clone();
    }
    // Only a point exactly on a shared edge could be claimed by no polygon; it then goes to the ward whose edge
    // is nearest. (Not met by the default demo: its tests check every site against its ward.)
    let p = to_plane(lat, lon);
    let edge_distance = |w: &BoundaryArea| {
        w.polygons
            .iter()
            .flatten()
            .flat_map(|ring| ring.windows(2))
            .map(|e| {
                let (a, b) = (to_plane(e[0].0, e[0].1), to_plane(e[1].0, e[1].1));
                let (dx, dy) = (b.0 - a.0, b.1 - a.1);
                let len2 = dx * dx + dy * dy;
                let t = if len2 > 0.0 {
                    (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                (p.0 - a.0 - t * dx).hypot(p.1 - a.1 - t * dy)
            })
            .fold(f64::INFINITY, f64::min)
    };
    wards
        .iter()
        .map(|w| (edge_distance(w), w))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map_or_else(
            || ward_name(nearest_locality(lat, lon), 0),
            |(_, w)| w.name.clone(),
        )
}

fn fixed_sites(rng: &mut SplitMix64) -> Vec<SitePlan> {
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
const ORDINARY: [(OwnerCategory, f64, (i64, i64)); 8] = [
    (OwnerCategory::Commercial, 0.30, (1, 3)),
    (OwnerCategory::Hotel, 0.13, (1, 5)),
    (OwnerCategory::CoachingSchool, 0.14, (1, 4)),
    (OwnerCategory::HospitalClinic, 0.11, (1, 6)),
    (OwnerCategory::IndustrialUnit, 0.06, (1, 4)),
    (OwnerCategory::GovernmentOffice, 0.09, (1, 4)),
    (OwnerCategory::PublicPlace, 0.10, (1, 3)),
    (OwnerCategory::Police, 0.07, (1, 2)),
];

fn ordinary_site(rng: &mut SplitMix64, kind: usize, used_names: &mut HashSet<String>) -> SitePlan {
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
fn adjust_counts(rng: &mut SplitMix64, sites: &mut [SitePlan], total: usize) {
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

fn plan_cameras(rng: &mut SplitMix64, plan: &mut SitePlan) {
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
fn assign_outcomes(
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

struct Plan {
    sites: Vec<SitePlan>,
    black_spots: usize,
    toll_plazas: usize,
    jails: usize,
    integrated: usize,
    integrated_this_week: usize,
    blocked: usize,
    rejected: usize,
}

fn plan(opts: &DemoOptions) -> Plan {
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

// ---------------------------------------------------------------------------------------------------------------
// Stage histories

/// A desk time in [lo, hi]: a working day (not Sunday) between 10:00 and 18:30 India time where one fits.
fn office_time(rng: &mut SplitMix64, lo: i64, hi: i64) -> i64 {
    if hi <= lo {
        return lo;
    }
    for _ in 0..8 {
        let t = rng.between(lo, hi);
        let day = (t + IST_OFFSET_S).div_euclid(DAY_S);
        // 1970-01-01 was a Thursday: (day + 4) % 7 == 0 is a Sunday.
        if (day + 4).rem_euclid(7) == 0 {
            continue;
        }
        let candidate = day * DAY_S - IST_OFFSET_S + rng.between(10 * 3600, 18 * 3600 + 1800);
        if (lo..=hi).contains(&candidate) {
            return candidate;
        }
    }
    rng.between(lo, hi)
}

fn plain(to: IntegrationStage) -> StageChange {
    StageChange {
        to,
        reason: None,
        note: String::new(),
    }
}

/// A block from `from`, with a reason that fits the stage and (usually) a note; `Other` always has one.
fn block(rng: &mut SplitMix64, from: IntegrationStage) -> (StageChange, BlockReason) {
    use BlockReason as R;
    use IntegrationStage as S;
    // (reason, how often, notes to choose from)
    let reasons: &[(BlockReason, f64, &[&str])] = match from {
        S::Surveyed => &[
            (
                R::OwnerNotReachable,
                0.8,
                &[
                    "Phone switched off on three calls",
                    "Owner out of station; caretaker cannot decide",
                    "",
                ],
            ),
            (
                R::Other,
                0.2,
                &[
                    "Premises locked; owner in Delhi till next month",
                    "Ownership disputed in court",
                ],
            ),
        ],
        S::OwnerContacted => &[
            (
                R::ConsentRefused,
                0.55,
                &[
                    "Owner wants a written request from the SSP first",
                    "Owner worried about customers' privacy",
                    "Society committee to decide at its next meeting",
                    "",
                ],
            ),
            (
                R::OwnerNotReachable,
                0.35,
                &["Owner stopped answering after the first visit", ""],
            ),
            (
                R::Other,
                0.1,
                &["Owner asks who pays for the uplink; referred to the Nagar Nigam"],
            ),
        ],
        S::ConsentGiven => &[
            (
                R::NoUplink,
                0.3,
                &[
                    "No broadband at the site; 4G router proposed",
                    "Dynamic IP only; ISP asked for a static IP",
                    "",
                ],
            ),
            (
                R::NvrNotCompatible,
                0.25,
                &[
                    "Old DVR without RTSP; owner to replace it",
                    "DVR firmware gives no sub-stream",
                    "",
                ],
            ),
            (
                R::PasswordUnknown,
                0.2,
                &[
                    "Installer left; NVR password not known",
                    "Owner forgot the admin password; reset needs the installer",
                ],
            ),
            (
                R::Bandwidth,
                0.15,
                &["Uplink of 2 Mbps shared with the billing system", ""],
            ),
            (
                R::Other,
                0.1,
                &[
                    "Building under renovation; cameras taken down",
                    "Camera faces a neighbour's house; owner to re-aim it",
                ],
            ),
        ],
        _ => &[
            (
                R::Bandwidth,
                0.3,
                &["Stream drops every evening at peak hours", ""],
            ),
            (
                R::NoUplink,
                0.2,
                &["Static IP expired; renewal pending with the ISP"],
            ),
            (
                R::PasswordUnknown,
                0.2,
                &["Owner changed the password after configuration"],
            ),
            (
                R::NvrNotCompatible,
                0.2,
                &["Stream is H.265+; the VMS needs H.264", ""],
            ),
            (
                R::Other,
                0.1,
                &[
                    "Camera damaged in a storm; owner to replace it",
                    "Power cut at night; no UPS at the site",
                ],
            ),
        ],
    };
    let weights: Vec<f64> = reasons.iter().map(|r| r.1).collect();
    let (reason, _, notes) = reasons[rng.weighted(&weights)];
    let note = rng.pick(notes).to_string();
    (
        StageChange {
            to: S::Blocked,
            reason: Some(reason),
            note,
        },
        reason,
    )
}

fn unblock(rng: &mut SplitMix64, back_to: IntegrationStage, reason: BlockReason) -> StageChange {
    let note = match reason {
        BlockReason::OwnerNotReachable => "Cleared: owner called back",
        BlockReason::ConsentRefused => "Cleared: owner agreed after the category meeting",
        BlockReason::NoUplink => "Cleared: ISP gave a static IP",
        BlockReason::NvrNotCompatible => "Cleared: NVR firmware updated",
        BlockReason::Bandwidth => "Cleared: uplink upgraded",
        BlockReason::PasswordUnknown => "Cleared: installer reset the password",
        BlockReason::Other => *rng.pick(&["Cleared: problem solved on a site visit", "Cleared"]),
    };
    StageChange {
        to: back_to,
        reason: None,
        note: note.to_string(),
    }
}

fn rejection(area: AreaWatched) -> StageChange {
    let what = match area {
        AreaWatched::Room => "guest rooms",
        AreaWatched::Ward => "a hospital ward",
        AreaWatched::Classroom => "a classroom",
        _ => "a private cabin",
    };
    StageChange {
        to: IntegrationStage::Rejected,
        reason: None,
        note: format!("Watches {what} (private area): recorded, never to be integrated"),
    }
}

const PATH: [IntegrationStage; 4] = [
    IntegrationStage::OwnerContacted,
    IntegrationStage::ConsentGiven,
    IntegrationStage::Configured,
    IntegrationStage::Integrated,
];

/// The moves after 'surveyed' that reach `stage` (one of the path's stages), maybe with a block cleared on the way.
fn moves_to(rng: &mut SplitMix64, stage: IntegrationStage, detour: f64) -> Vec<StageChange> {
    let steps = PATH.iter().position(|&s| s == stage).map_or(0, |i| i + 1);
    let mut moves: Vec<StageChange> = PATH[..steps].iter().map(|&s| plain(s)).collect();
    // A block that cleared, at one of the stages before the last (never right after 'surveyed': that is
    // the moment owners are first called, where most blocks start and many stay).
    let places = steps.saturating_sub(1);
    if places > 0 && rng.chance(detour) {
        let at = rng.below(places);
        let (b, reason) = block(rng, PATH[at]);
        let back = unblock(rng, PATH[at], reason);
        moves.insert(at + 1, back);
        moves.insert(at + 1, b);
    }
    moves
}

/// When a camera was surveyed and its later moves, all within (now − 12 weeks, now].
fn history(
    rng: &mut SplitMix64,
    outcome: Outcome,
    area: AreaWatched,
    now: i64,
) -> (i64, Vec<(StageChange, i64)>) {
    use IntegrationStage as S;
    let start = now - HISTORY_S + 3_600;
    let end = now - 60;
    let week_ago = now - WEEK_S;
    let timed = |rng: &mut SplitMix64, moves: Vec<StageChange>, t0: i64, last: Option<i64>| {
        let free = moves.len() - usize::from(last.is_some());
        let until = last.unwrap_or(end);
        let mut times: Vec<i64> = (0..free).map(|_| office_time(rng, t0, until)).collect();
        times.extend(last);
        times.sort_unstable();
        moves.into_iter().zip(times).collect::<Vec<_>>()
    };
    match outcome {
        Outcome::Integrated { this_week } => {
            let t_int = if this_week {
                office_time(rng, week_ago + 60, end)
            } else {
                // More cameras each week as the programme gathered pace.
                let back = (71.0 * DAY_S as f64 * rng.unit().powf(1.6)) as i64;
                let target = week_ago - 60 - back;
                let lo = (start + 2 * DAY_S).max(target - DAY_S / 2);
                let hi = (week_ago - 60).min(target + DAY_S / 2);
                office_time(rng, lo, hi)
            };
            let t0 = office_time(
                rng,
                start.max(t_int - 45 * DAY_S),
                (t_int - 2 * DAY_S).max(start),
            );
            let moves = moves_to(rng, S::Integrated, 0.10);
            (t0, timed(rng, moves, t0, Some(t_int)))
        }
        Outcome::Blocked => {
            let from = [
                S::Surveyed,
                S::OwnerContacted,
                S::ConsentGiven,
                S::Configured,
            ][rng.weighted(&[0.15, 0.30, 0.35, 0.20])];
            let t0 = office_time(rng, start, end - DAY_S);
            let mut moves = moves_to(rng, from, 0.05);
            moves.push(block(rng, from).0);
            (t0, timed(rng, moves, t0, None))
        }
        Outcome::InProgress(stage) => {
            let t0 = office_time(rng, start, end - 3_600);
            let moves = moves_to(rng, stage, 0.10);
            (t0, timed(rng, moves, t0, None))
        }
        Outcome::Rejected => {
            let t0 = office_time(rng, start, end - DAY_S);
            let t = office_time(rng, t0, (t0 + 5 * DAY_S).min(end));
            (t0, vec![(rejection(area), t)])
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Addresses on the loopback network

/// Hosts per 127.N.0.0/16 block: third octet 1–255, fourth 1–254 (127.N.0.x is left alone: 127.0.0.1 is where
/// real test servers listen).
const HOSTS_PER_BLOCK: usize = 255 * 254;

/// The `k`-th IP camera's address: 127.0.X.Y, then 127.2.X.Y, 127.4… (distinct for every k below 8 million).
pub fn ip_camera_host(k: usize) -> String {
    loopback_host(k, 0)
}

/// The `k`-th NVR's address: 127.1.X.Y, then 127.3.X.Y, 127.5…
pub fn nvr_host(k: usize) -> String {
    loopback_host(k, 1)
}

fn loopback_host(k: usize, parity: usize) -> String {
    let block = k / HOSTS_PER_BLOCK;
    let within = k % HOSTS_PER_BLOCK;
    format!(
        "127.{}.{}.{}",
        2 * block + parity,
        within / 254 + 1,
        within % 254 + 1
    )
}

const RTSP_PORT: u16 = 8554;
const HTTP_PORT: u16 = 8080;

struct Hosts {
    ip_cameras: usize,
    nvrs: usize,
}

#[allow(clippy::too_many_arguments)]
fn camera_row(
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

// ---------------------------------------------------------------------------------------------------------------
// Writing

/// Writes the demo registry into an empty `store`; see the module documentation.
///
/// `progress` is called about a hundred times with the fraction done (0..=1); when it returns false the load
/// stops, everything written so far is rolled back, and the result is [`DemoError::Cancelled`].
pub fn generate(
    store: &mut Store,
    opts: &DemoOptions,
    progress: &dyn Fn(f32) -> bool,
) -> Result<DemoSummary, DemoError> {
    if !(MIN_CAMERAS..=MAX_CAMERAS).contains(&opts.cameras) {
        return Err(DemoError::Size {
            cameras: opts.cameras,
            min: MIN_CAMERAS,
            max: MAX_CAMERAS,
        });
    }
    let sites = store.reports().site_count()?;
    if sites > 0 {
        return Err(DemoError::NotEmpty {
            path: store.path().to_path_buf(),
            sites,
        });
    }
    let plan = plan(opts);
    let mut rng = SplitMix64::new(opts.seed).fork(4);
    let actor = Actor {
        user: opts.user.clone(),
        now_unix_s: opts.now_unix_s,
    };
    let now = opts.now_unix_s;
    let start = now - HISTORY_S + 3_600;
    let mut hosts = Hosts {
        ip_cameras: 0,
        nvrs: 0,
    };
    let total = plan
        .sites
        .iter()
        .map(|s| s.cameras.len())
        .sum::<usize>()
        .max(1);
    let mut written = 0usize;
    let mut reported = 0usize;

    let mut writer = store.bulk(&actor)?;
    // The ward layer goes in the same transaction: a cancelled demo leaves no wards behind either.
    let wards = writer.add_boundaries(BoundaryKind::Ward, DEMO_WARDS_SOURCE, demo_wards())?;
    for site in &plan.sites {
        let operator = *rng.pick(OPERATORS);
        let histories: Vec<_> = site
            .cameras
            .iter()
            .map(|c| history(&mut rng, c.outcome, c.area, now))
            .collect();
        let first_survey = histories.iter().map(|h| h.0).min();
        let site_t = match first_survey {
            Some(t0) => office_time(&mut rng, start.max(t0 - 5 * DAY_S), t0),
            None => office_time(&mut rng, start, now - DAY_S),
        };
        let site_id = writer.add_site(&site.site, operator, site_t)?;

        let nvr = site.cameras.iter().any(|c| c.is_analogue).then(|| {
            let host = nvr_host(hosts.nvrs);
            hosts.nvrs += 1;
            host
        });
        let mut channel = 0u16;
        for (plan_camera, (t0, moves)) in site.cameras.iter().zip(histories) {
            if plan_camera.is_analogue {
                channel += 1;
            }
            let needs_stream = moves.iter().any(|(m, _)| m.to.needs_stream());
            let password_known = moves
                .last()
                .is_none_or(|(m, _)| m.reason != Some(BlockReason::PasswordUnknown));
            let (camera, password) = camera_row(
                &mut rng,
                site,
                plan_camera,
                nvr.as_deref(),
                channel,
                needs_stream,
                password_known,
                &mut hosts,
            );
            // One operator usually follows a camera through; now and then a colleague steps in.
            let later: Vec<BulkStageEvent> = moves
                .into_iter()
                .map(|(change, at_unix_s)| BulkStageEvent {
                    at_unix_s,
                    by_user: if rng.chance(0.8) {
                        operator
                    } else {
                        *rng.pick(OPERATORS)
                    }
                    .to_string(),
                    change,
                })
                .collect();
            writer.add_camera(site_id, &camera, password.as_deref(), operator, t0, &later)?;
            written += 1;
        }
        let percent = written * 100 / total;
        if percent > reported {
            reported = percent;
            if !progress(percent as f32 / 100.0) {
                drop(writer);
                return Err(DemoError::Cancelled);
            }
        }
    }
    let counts = writer.finish(
        "registry.demo",
        &json!({
            "cameras": counts_cameras(&plan),
            "sites": plan.sites.len(),
            "wards": wards,
            "seed": opts.seed,
            "now_unix_s": opts.now_unix_s,
        }),
        true,
    )?;
    Ok(DemoSummary {
        sites: counts.sites,
        cameras: counts.cameras,
        stage_events: counts.stage_events,
        black_spots: plan.black_spots,
        toll_plazas: plan.toll_plazas,
        jails: plan.jails,
        integrated: plan.integrated,
        integrated_last_7_days: plan.integrated_this_week,
        blocked: plan.blocked,
        rejected: plan.rejected,
    })
}

fn counts_cameras(plan: &Plan) -> usize {
    plan.sites.iter().map(|s| s.cameras.len()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::OpenOptions;

    /// 2026-11-25 05:30 IST.
    const NOW: i64 = 1_795_564_800;
    /// Seeds the ward checks run over (150 were checked once; 20 keep the test quick).
    const SEEDS_UNDER_TEST: std::ops::RangeInclusive<u64> = 1..=20;

    fn open(dir: &std::path::Path) -> Store {
        Store::open(
            &dir.join("demo.sqlite"),
            &OpenOptions {
                key_dir: dir.join("keys"),
            },
        )
        .unwrap()
    }

    fn options(cameras: usize, seed: u64) -> DemoOptions {
        DemoOptions {
            cameras,
            seed,
            now_unix_s: NOW,
            user: "tester".into(),
        }
    }

    fn dump(conn: &rusqlite::Connection, sql: &str) -> Vec<String> {
        let mut stmt = conn.prepare(sql).unwrap();
        let n = stmt.column_count();
        stmt.query_map([], |r| {
            let mut row = Vec::with_capacity(n);
            for i in 0..n {
                row.push(format!("{:?}", r.get_ref(i)?));
            }
            Ok(row.join("|"))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    }

    fn count(conn: &rusqlite::Connection, sql: &str) -> i64 {
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn splitmix64_is_pinned() {
        // If these change, every demo registry changes: keep the generator as it is.
        let mut rng = SplitMix64::new(1_234_567);
        let got: Vec<u64> = (0..3).map(|_| rng.next_u64()).collect();
        assert_eq!(
            got,
            vec![
                6_457_827_717_110_365_317,
                3_203_168_211_198_807_973,
                9_817_491_932_198_370_423
            ]
        );
    }

    #[test]
    fn same_seed_and_time_write_the_same_rows() {
        let (a, b, c) = (
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
        );
        let (mut sa, mut sb, mut sc) = (open(a.path()), open(b.path()), open(c.path()));
        generate(&mut sa, &options(400, 9), &|_| true).unwrap();
        generate(&mut sb, &options(400, 9), &|_| true).unwrap();
        generate(&mut sc, &options(400, 10), &|_| true).unwrap();
        // The sealed password differs (random nonce, per-registry key); everything else is the same.
        let camera_columns = "SELECT id, site_id, label, area_watched, lat_deg, lon_deg, bearing_deg, fov_deg,
            range_m, kind, nvr_host, nvr_channel, make, model, stream_url, snapshot_url, username,
            password_ct IS NOT NULL, stage, blocked_from, block_reason, row_version, updated_by, updated_unix_s
            FROM camera ORDER BY id";
        for sql in [
            "SELECT * FROM site ORDER BY id",
            camera_columns,
            "SELECT * FROM stage_event ORDER BY id",
        ] {
            let rows_a = dump(sa.conn_for_tests(), sql);
            assert!(!rows_a.is_empty());
            assert_eq!(rows_a, dump(sb.conn_for_tests(), sql), "{sql}");
            assert_ne!(
                rows_a,
                dump(sc.conn_for_tests(), sql),
                "another seed, another registry: {sql}"
            );
        }
    }

    #[test]
    fn default_size_shows_the_programme_figures() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = open(dir.path());
        let calls = std::cell::Cell::new(0);
        let summary = generate(&mut store, &options(DEFAULT_CAMERAS, 1), &|_| {
            calls.set(calls.get() + 1);
            true
        })
        .unwrap();
        assert!(
            (90..=100).contains(&calls.get()),
            "{} progress calls",
            calls.get()
        );
        assert_eq!(summary.cameras, 3_200);
        assert_eq!(summary.integrated, 2_378);
        assert_eq!(summary.integrated_last_7_days, 748);
        assert!((150..=260).contains(&summary.blocked), "{summary:?}");
        assert!(
            (32..=160).contains(&summary.rejected),
            "a few % private: {summary:?}"
        );
        assert!((1_150..=1_400).contains(&summary.sites), "{summary:?}");
        assert_eq!(summary.black_spots, 40);
        assert_eq!(summary.toll_plazas, 4);
        assert_eq!(summary.jails, 1);
        assert!(store.is_demo().unwrap());

        let conn = store.conn_for_tests();
        let q = |sql: &str| count(conn, sql);
        assert_eq!(
            q("SELECT count(*) FROM camera WHERE stage = 'integrated'"),
            2_378
        );
        assert_eq!(
            q(&format!(
                "SELECT count(*) FROM camera c WHERE stage = 'integrated' AND
                   (SELECT max(at_unix_s) FROM stage_event e WHERE e.camera_id = c.id AND to_stage = 'integrated')
                   > {}",
                NOW - WEEK_S
            )),
            748
        );
        for stage in ["surveyed", "owner_contacted", "consent_given", "configured"] {
            let n = q(&format!(
                "SELECT count(*) FROM camera WHERE stage = '{stage}'"
            ));
            assert!((60..=250).contains(&n), "{stage}: {n}");
        }
        // Every owner category, every event inside the last twelve weeks and in order.
        assert_eq!(q("SELECT count(DISTINCT owner_category) FROM site"), 10);
        assert_eq!(q("SELECT count(DISTINCT ward) FROM site"), 60);
        assert_eq!(
            q(&format!(
                "SELECT count(*) FROM stage_event WHERE at_unix_s <= {} OR at_unix_s > {NOW}",
                NOW - HISTORY_S
            )),
            0
        );
        assert_eq!(
            q("SELECT count(*) FROM stage_event a JOIN stage_event b
               ON a.camera_id = b.camera_id AND a.id < b.id AND a.at_unix_s > b.at_unix_s"),
            0
        );
        assert_eq!(
            q(
                "SELECT count(*) FROM site WHERE notes NOT LIKE 'DEMO DATA — invented for demonstration%'"
            ),
            0
        );
        assert_eq!(
            q(
                "SELECT count(*) FROM site WHERE lat_deg NOT BETWEEN 25.39 AND 25.51 OR lon_deg NOT BETWEEN 78.50 AND 78.65"
            ),
            0
        );
        assert_eq!(
            q("SELECT count(*) FROM site WHERE priority = 'black_spot'
               AND (owner_category NOT IN ('public_place', 'police') OR priority_radius_m NOT BETWEEN 30 AND 80)"),
            0
        );
        // Blocks: reasons of several kinds, 'other' always explained; some cleared on the way.
        assert!(q("SELECT count(DISTINCT block_reason) FROM camera WHERE stage = 'blocked'") >= 6);
        assert_eq!(
            q("SELECT count(*) FROM stage_event WHERE block_reason = 'other' AND trim(note) = ''"),
            0
        );
        assert!(
            q("SELECT count(DISTINCT camera_id) FROM stage_event WHERE from_stage = 'blocked'")
                > 100
        );
        // Rejections are private areas, with a note; no private area went further.
        assert_eq!(
            q("SELECT count(*) FROM camera WHERE stage = 'rejected'
               AND area_watched IN ('entrance', 'lobby', 'parking', 'gate', 'road_frontage', 'corridor')"),
            0
        );
        assert_eq!(
            q("SELECT count(*) FROM stage_event WHERE to_stage = 'rejected' AND note = ''"),
            0
        );
        assert!(q("SELECT count(DISTINCT by_user) FROM stage_event") >= 5);

        // The ward layer: sixty areas, and every site lies in the one its ward names.
        let wards = store.boundaries(BoundaryKind::Ward).unwrap();
        assert_eq!(wards.len(), 60);
        assert!(
            wards.windows(2).all(|w| w[0].name < w[1].name),
            "sorted by name"
        );
        let by_name: std::collections::HashMap<&str, &BoundaryArea> =
            wards.iter().map(|w| (w.name.as_str(), w)).collect();
        let sites: Vec<(String, f64, f64)> = store
            .conn_for_tests()
            .prepare("SELECT ward, lat_deg, lon_deg FROM site ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut per_ward: std::collections::HashMap<&str, usize> = Default::default();
        for (ward, lat, lon) in &sites {
            let Some(area) = by_name.get(ward.as_str()) else {
                panic!("{ward}: no such ward area");
            };
            assert!(
                area.contains(*lat, *lon),
                "{ward} does not hold {lat}, {lon}"
            );
            *per_ward.entry(ward).or_default() += 1;
        }
        assert_eq!(per_ward.len(), 60);
        let layer = store.boundary_layer(BoundaryKind::Ward).unwrap().unwrap();
        assert_eq!(
            (
                layer.areas,
                layer.source_name.as_str(),
                layer.imported_by.as_str()
            ),
            (60, DEMO_WARDS_SOURCE, "tester")
        );
    }

    #[test]
    fn every_planned_site_lies_in_exactly_one_ward_the_one_it_names() {
        for seed in SEEDS_UNDER_TEST {
            for cameras in [MIN_CAMERAS, DEFAULT_CAMERAS, 20_000] {
                for plan in plan(&options(cameras, seed)).sites {
                    let site = &plan.site;
                    let holders: Vec<&str> = demo_wards()
                        .iter()
                        .filter(|w| w.contains(site.lat_deg, site.lon_deg))
                        .map(|w| w.name.as_str())
                        .collect();
                    assert_eq!(
                        holders,
                        [site.ward.as_str()],
                        "seed {seed}: {}",
                        site.name_en
                    );
                }
            }
        }
    }

    #[test]
    fn demo_wards_tile_the_city_and_hold_every_place_a_site_can_be() {
        let wards = demo_wards();
        assert_eq!(wards.len(), 60);
        let mut names = HashSet::new();
        let mut codes: Vec<usize> = Vec::new();
        for (k, w) in wards.iter().enumerate() {
            let (locality, which) = (k / 2, k % 2);
            assert_eq!(w.name, ward_name(locality, which));
            assert!(names.insert(w.name.clone()), "{} twice", w.name);
            codes.push(w.code.parse().unwrap());
            assert_eq!(w.kind, BoundaryKind::Ward);
            assert!(w.area_km2() > 0.01, "{}: {} km²", w.name, w.area_km2());
            let (lat, lon) = w.label_point();
            assert!(w.contains(lat, lon), "{}: label outside", w.name);
            // A locality's centre is in its first ward (the split line passes just east or north of it).
            if which == 0 {
                let l = &LOCALITIES[locality];
                assert!(w.contains(l.lat, l.lon), "{}", w.name);
            }
        }
        codes.sort_unstable();
        assert_eq!(codes, (1..=60).collect::<Vec<_>>());
        // The wards tile the outline: their areas add up to the outline's, and each place is in exactly one.
        // Plane (shoelace) areas add up, also where one ward's corner sits on a neighbour's edge.
        let shoelace = |ring: &[(f64, f64)]| {
            let n = ring.len();
            (0..n)
                .map(|i| {
                    // About the city centre, so the products stay small.
                    let (a, b) = (ring[i], ring[(i + 1) % n]);
                    let (a, b) = ((a.0 - 25.45, a.1 - 78.57), (b.0 - 25.45, b.1 - 78.57));
                    a.0 * b.1 - b.0 * a.1
                })
                .sum::<f64>()
                .abs()
                / 2.0
        };
        let total: f64 = wards.iter().map(|w| shoelace(&w.polygons[0][0])).sum();
        let outline: Vec<(f64, f64)> = city_outline()
            .into_iter()
            .map(|(x, y)| (y, x / LON_SCALE))
            .collect();
        let city = shoelace(&outline);
        assert!((total - city).abs() < city * 1e-9, "{total} vs {city}");
        let km2: f64 = wards.iter().map(BoundaryArea::area_km2).sum();
        assert!(
            (60.0..200.0).contains(&km2),
            "a city-sized outline: {km2} km²"
        );
        let corners = possible_site_corners();
        assert!(corners.len() > 100);
        for (x, y) in corners {
            let (lat, lon) = (y, x / LON_SCALE);
            let holders = wards.iter().filter(|w| w.contains(lat, lon)).count();
            assert_eq!(holders, 1, "{lat}, {lon}");
        }
        // Points just off the city are in none.
        for (lat, lon) in [
            (25.38, 78.57),
            (25.52, 78.57),
            (25.45, 78.49),
            (25.45, 78.66),
        ] {
            assert!(wards.iter().all(|w| !w.contains(lat, lon)), "{lat}, {lon}");
        }
    }

    #[test]
    fn urls_are_loopback_and_unique() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = open(dir.path());
        generate(&mut store, &options(1_500, 3), &|_| true).unwrap();
        let urls: Vec<(Option<String>, Option<String>, Option<String>)> = store
            .conn_for_tests()
            .prepare("SELECT stream_url, snapshot_url, nvr_host FROM camera")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut streams = 0;
        for (stream, snapshot, nvr) in &urls {
            for text in [stream, snapshot].into_iter().flatten() {
                let url = url::Url::parse(text).unwrap();
                // rtsp:// is not a "special" scheme to the URL standard: its host stays text until parsed.
                let Some(Ok(ip)) = url.host_str().map(str::parse::<std::net::Ipv4Addr>) else {
                    panic!("{text}: not an IPv4 host");
                };
                assert!(ip.is_loopback() && ip.octets()[2] != 0, "{text}");
                assert!(url.username().is_empty() && url.password().is_none());
            }
            if let Some(host) = nvr {
                let ip: std::net::Ipv4Addr = host.parse().unwrap();
                assert!(ip.is_loopback());
            }
            streams += usize::from(stream.is_some());
        }
        assert!(streams > urls.len() / 2);
        // Host numbering stays distinct and on loopback far beyond 200,000 cameras.
        let mut seen = HashSet::new();
        for k in 0..MAX_CAMERAS + 1_000 {
            for host in [ip_camera_host(k), nvr_host(k)] {
                let ip: std::net::Ipv4Addr = host.parse().unwrap();
                assert!(ip.is_loopback(), "{host}");
                assert!(seen.insert(ip), "{host} twice");
            }
        }
    }

    #[test]
    fn cancelling_leaves_the_registry_empty() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = open(dir.path());
        let calls = std::cell::Cell::new(0);
        let result = generate(&mut store, &options(800, 1), &|_| {
            calls.set(calls.get() + 1);
            calls.get() < 10
        });
        assert!(matches!(result, Err(DemoError::Cancelled)), "{result:?}");
        assert_eq!(calls.get(), 10);
        for table in ["site", "camera", "stage_event", "audit", "boundary"] {
            assert_eq!(
                count(
                    store.conn_for_tests(),
                    &format!("SELECT count(*) FROM {table}")
                ),
                0,
                "{table}"
            );
        }
        assert!(!store.is_demo().unwrap());
        // The same store takes a full run afterwards, and refuses a second one.
        generate(&mut store, &options(MIN_CAMERAS, 1), &|_| true).unwrap();
        let again = generate(&mut store, &options(MIN_CAMERAS, 1), &|_| true);
        assert!(
            matches!(again, Err(DemoError::NotEmpty { .. })),
            "{again:?}"
        );
        let too_big = generate(&mut store, &options(MAX_CAMERAS + 1, 1), &|_| true);
        assert!(
            matches!(too_big, Err(DemoError::Size { .. })),
            "{too_big:?}"
        );
    }
}
