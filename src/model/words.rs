//! Owner categories and areas watched from the words people write in camera lists (English and Hindi, and
//! OpenStreetMap's tags). Pure rules, so every phrasing can be tested here; the import reads its cells with them.
//! The privacy rule leans one way: words that may name a private place read as private, and words the desk
//! does not know give no area at all (the import then says "not yet known").

use crate::model::{AreaWatched, OwnerCategory};

/// Owner category from the words people write.
pub fn category_from_words(text: &str) -> Option<OwnerCategory> {
    let t = text.trim().to_lowercase();
    if t.is_empty() {
        return None;
    }
    if let Some(c) = OwnerCategory::from_code(&t.replace([' ', '-'], "_")) {
        return Some(c);
    }
    const WORDS: [(OwnerCategory, &[&str]); 10] = [
        (OwnerCategory::TollPlaza, &["toll", "टोल"]),
        (OwnerCategory::Jail, &["jail", "prison", "जेल", "कारागार"]),
        (OwnerCategory::Police, &["police", "thana", "पुलिस", "थाना"]),
        (
            OwnerCategory::Hotel,
            &[
                "hotel",
                "hotels",
                "guest house",
                "guesthouse",
                "lodge",
                "resort",
                "dharamshala",
                "होटल",
                "धर्मशाला",
            ],
        ),
        (
            OwnerCategory::CoachingSchool,
            &[
                "school",
                "coaching",
                "college",
                "institute",
                "university",
                "स्कूल",
                "विद्यालय",
                "कोचिंग",
                "महाविद्यालय",
            ],
        ),
        (
            OwnerCategory::HospitalClinic,
            &[
                "hospital",
                "clinic",
                "nursing",
                "medical",
                "अस्पताल",
                "चिकित्सालय",
                "क्लिनिक",
            ],
        ),
        (
            OwnerCategory::IndustrialUnit,
            &[
                "industry",
                "industrial",
                "industries",
                "factory",
                "works",
                "mill",
                "plant",
                "उद्योग",
                "कारखाना",
                "फैक्ट्री",
            ],
        ),
        (
            OwnerCategory::GovernmentOffice,
            &[
                "government",
                "govt",
                "collectorate",
                "office",
                "tehsil",
                "सरकारी",
                "कार्यालय",
                "तहसील",
            ],
        ),
        (
            OwnerCategory::Commercial,
            &[
                "shop",
                "mall",
                "market",
                "commercial",
                "bank",
                "petrol",
                "store",
                "showroom",
                "दुकान",
                "बाज़ार",
                "बाजार",
                "बैंक",
            ],
        ),
        (
            OwnerCategory::PublicPlace,
            &[
                "public",
                "park",
                "street",
                "road",
                "council",
                "square",
                "station",
                "सार्वजनिक",
                "पार्क",
                "सड़क",
                "चौराहा",
            ],
        ),
    ];
    let spaced = Spaced::new(&t);
    WORDS
        .iter()
        .find(|(_, words)| spaced.has_any(words))
        .map(|(c, _)| *c)
}

/// Whether `text` holds one of `words` (or phrases) as whole words: "outdoor" is not a "door".
fn has_any_word(text: &str, words: &[&str]) -> bool {
    Spaced::new(text).has_any(words)
}

/// A text with punctuation and runs of white space made single spaces, with a space at each end, so a word
/// or phrase is found whole by looking for it between spaces. Made once per cell: an import asks it about
/// dozens of word lists per row.
struct Spaced(String);

impl Spaced {
    fn new(text: &str) -> Self {
        let mut spaced = String::with_capacity(text.len() + 2);
        spaced.push(' ');
        for c in text.chars() {
            if c.is_whitespace() || c.is_ascii_punctuation() {
                if !spaced.ends_with(' ') {
                    spaced.push(' ');
                }
            } else {
                spaced.push(c);
            }
        }
        if !spaced.ends_with(' ') {
            spaced.push(' ');
        }
        Self(spaced)
    }

    /// Whether one of `words` stands between two spaces (every start of a word is tried, so a phrase that
    /// overlaps a false match is still found).
    fn has_any(&self, words: &[&str]) -> bool {
        let text = self.0.as_str();
        words.iter().any(|w| {
            text.match_indices(' ').any(|(at, _)| {
                let rest = &text[at + 1..];
                rest.strip_prefix(w)
                    .is_some_and(|after| after.starts_with(' '))
            })
        })
    }
}

/// What a camera watches, from the words people (and OpenStreetMap's `surveillance` tag) write. `at_a_hospital`
/// says the camera's site is a hospital or clinic (its owner, or its name): there "ward" is a hospital ward.
/// Elsewhere a "ward" is the city's ("Ward 12", "ward no. 5", "वार्ड 12"): part of an address, and the rest of
/// the words decide ("road outside Ward 12 office" watches a road), unless they name a hospital ward themselves
/// (bed, ICU, female, general, maternity…).
pub fn area_from_words(text: &str, at_a_hospital: bool) -> Option<AreaWatched> {
    let t = text.trim().to_lowercase();
    if t.is_empty() {
        return None;
    }
    let spaced = Spaced::new(&t);
    let is_hospital_ward = at_a_hospital || spaced.has_any(HOSPITAL_WARD_WORDS);
    if let Some(a) = AreaWatched::from_code(&t.replace([' ', '-'], "_"))
        && (a != AreaWatched::Ward || is_hospital_ward)
    {
        return Some(a);
    }
    // Private areas first: "hotel room corridor" must not read as a corridor, "room 101" not as a road. Toilets,
    // washrooms, bedrooms and changing rooms are private rooms whatever else the cell says.
    const WORDS: [(AreaWatched, &[&str]); 10] = [
        (
            AreaWatched::Room,
            &[
                "room",
                "rooms",
                "bedroom",
                "bedrooms",
                "guest room",
                "toilet",
                "toilets",
                "washroom",
                "washrooms",
                "bathroom",
                "restroom",
                "changing",
                "dressing",
                "कमरा",
                "कमरे",
                "शौचालय",
                "स्नानघर",
            ],
        ),
        (
            AreaWatched::Classroom,
            &["classroom", "classrooms", "class room", "कक्षा"],
        ),
        (AreaWatched::Ward, &["icu", "iccu", "nicu", "picu", "आईसीयू"]),
        (AreaWatched::Cabin, &["cabin", "cabins", "chamber", "केबिन"]),
        (AreaWatched::Parking, &["parking", "पार्किंग"]),
        (AreaWatched::Gate, &["gate", "गेट", "फाटक"]),
        (
            AreaWatched::Entrance,
            &["entrance", "entry", "door", "प्रवेश", "द्वार"],
        ),
        (
            AreaWatched::Lobby,
            &["lobby", "reception", "hall", "indoor", "लॉबी", "स्वागत"],
        ),
        (AreaWatched::Corridor, &["corridor", "passage", "गलियारा"]),
        (
            AreaWatched::RoadFrontage,
            &[
                "road",
                "street",
                "outdoor",
                "public",
                "traffic",
                "junction",
                "frontage",
                "सड़क",
                "चौराहा",
            ],
        ),
    ];
    if is_hospital_ward && spaced.has_any(&["ward", "wards", "वार्ड"]) {
        return Some(AreaWatched::Ward);
    }
    WORDS
        .iter()
        .find(|(_, words)| spaced.has_any(words))
        .map(|(a, _)| *a)
}

/// Words that make a "ward" a hospital's, whoever owns the site.
const HOSPITAL_WARD_WORDS: &[&str] = &[
    "hospital",
    "clinic",
    "nursing",
    "medical",
    "health",
    "bed",
    "beds",
    "icu",
    "iccu",
    "nicu",
    "picu",
    "hdu",
    "female",
    "male",
    "women",
    "men",
    "ladies",
    "gents",
    "general",
    "maternity",
    "labour",
    "labor",
    "surgical",
    "surgery",
    "paediatric",
    "pediatric",
    "children",
    "isolation",
    "emergency",
    "casualty",
    "private",
    "burns",
    "dialysis",
    "patient",
    "patients",
    "अस्पताल",
    "चिकित्सालय",
    "क्लिनिक",
    "बेड",
    "बिस्तर",
    "आईसीयू",
    "महिला",
    "पुरुष",
    "जनरल",
    "सामान्य",
    "प्रसूति",
    "आपातकालीन",
    "इमरजेंसी",
    "मरीज़",
    "मरीज",
];

/// Whether a site's name (or its operator's) says it is a hospital or clinic.
pub fn names_a_hospital(text: &str) -> bool {
    has_any_word(
        &text.trim().to_lowercase(),
        &[
            "hospital",
            "clinic",
            "nursing home",
            "medical college",
            "health centre",
            "health center",
            "phc",
            "chc",
            "अस्पताल",
            "चिकित्सालय",
            "क्लिनिक",
            "स्वास्थ्य केंद्र",
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use AreaWatched as A;

    #[test]
    fn words_are_found_whole_whatever_the_spacing_and_punctuation() {
        assert!(has_any_word("nursing-home,  sipri", &["nursing home"]));
        assert!(has_any_word("  gate\t", &["gate"]));
        assert!(!has_any_word("outdoor", &["door"]));
        assert!(!has_any_word("gates", &["gate"]));
        // A phrase that starts inside a false match of itself is still found.
        assert!(has_any_word("xab ab ab", &["ab ab"]));
        assert!(!has_any_word("", &["gate"]));
    }

    #[test]
    fn a_citys_ward_is_an_address_and_a_hospitals_ward_is_private() {
        // Municipal wards, in the words of a city's camera lists: the rest of the cell decides, else no area.
        for (text, area) in [
            ("road outside Ward 12 office", Some(A::RoadFrontage)),
            ("Road outside ward 12 office", Some(A::RoadFrontage)),
            ("Ward 12", None),
            ("ward no. 5", None),
            ("Ward No.5", None),
            ("ward number 17, main road", Some(A::RoadFrontage)),
            ("Ward-12 junction", Some(A::RoadFrontage)),
            ("ward", None),
            ("Wards 3 and 4 boundary road", Some(A::RoadFrontage)),
            ("Ward 12 parshad office gate", Some(A::Gate)),
            ("parking near ward 7 office", Some(A::Parking)),
            ("Ward 12 office entrance", Some(A::Entrance)),
            ("वार्ड 12", None),
            ("वार्ड नं. 5", None),
            ("वार्ड संख्या 12 सड़क", Some(A::RoadFrontage)),
            ("वार्ड 12 कार्यालय के बाहर सड़क", Some(A::RoadFrontage)),
            ("वार्ड 9 चौराहा", Some(A::RoadFrontage)),
            ("नगर निगम वार्ड 4 गेट", Some(A::Gate)),
        ] {
            assert_eq!(area_from_words(text, false), area, "{text:?}");
        }
        // A hospital's wards, said by the words themselves: private wherever the camera is.
        for text in [
            "Female ward",
            "female ward 2",
            "Male Ward",
            "General ward",
            "GENERAL WARD - BED 4",
            "Maternity ward",
            "labour ward",
            "Children ward",
            "Women's ward",
            "private ward 3",
            "emergency ward",
            "isolation ward",
            "ward beds 1-10",
            "ICU",
            "icu ward",
            "NICU",
            "Surgical ward entrance",
            "महिला वार्ड",
            "पुरुष वार्ड",
            "जनरल वार्ड",
            "सामान्य वार्ड",
            "प्रसूति वार्ड",
            "वार्ड बेड 5",
            "आईसीयू",
            "hospital ward 4",
        ] {
            assert_eq!(area_from_words(text, false), Some(A::Ward), "{text:?}");
        }
        // At a hospital or clinic, "ward" alone is a hospital ward: numbered, coded, or in Hindi.
        for text in [
            "ward",
            "Ward 4",
            "ward no. 5",
            "वार्ड 12",
            "road outside Ward 12",
        ] {
            assert_eq!(area_from_words(text, true), Some(A::Ward), "{text:?}");
        }
        // Other areas read the same at a hospital.
        assert_eq!(area_from_words("main gate", true), Some(A::Gate));
        assert_eq!(
            area_from_words("road frontage", true),
            Some(A::RoadFrontage)
        );
    }

    #[test]
    fn a_site_named_as_a_hospital_is_one() {
        for name in [
            "District Hospital",
            "City hospital, Sipri Bazar",
            "Dr. Sharma's Clinic",
            "Sanjivani Nursing Home",
            "Maharani Laxmibai Medical College",
            "PHC Babina",
            "जिला अस्पताल",
            "राजकीय चिकित्सालय",
        ] {
            assert!(names_a_hospital(name), "{name:?}");
        }
        for name in [
            "Hotel Raj Palace",
            "Ward 12 office",
            "Medical Store",
            "Clinical Lab Road",
        ] {
            assert!(!names_a_hospital(name), "{name:?}");
        }
    }

    #[test]
    fn words_read_as_categories_and_areas() {
        assert_eq!(
            category_from_words("Guest House"),
            Some(OwnerCategory::Hotel)
        );
        assert_eq!(
            category_from_words("कोचिंग संस्थान"),
            Some(OwnerCategory::CoachingSchool)
        );
        assert_eq!(
            category_from_words("toll_plaza"),
            Some(OwnerCategory::TollPlaza)
        );
        assert_eq!(category_from_words("xyz"), None);
        assert_eq!(area_from_words("outdoor", false), Some(A::RoadFrontage));
        assert_eq!(area_from_words("Hotel room corridor", false), Some(A::Room));
        assert_eq!(area_from_words("कक्षा", false), Some(A::Classroom));
        // Private-sounding words read as private, never as a public place.
        for text in [
            "room 101",
            "Room No. 12",
            "कमरा 3",
            "Female ward",
            "classroom 2",
            "principal cabin",
            "toilet block",
            "Ladies Washroom",
            "bedroom",
            "changing room",
            "changing area",
            "शौचालय",
        ] {
            let area = area_from_words(text, false);
            assert!(
                area.is_some_and(AreaWatched::is_private),
                "{text:?} read as {area:?}"
            );
        }
        // Words the desk does not know give no area: the import then says "not yet known".
        assert_eq!(area_from_words("xyz 12", false), None);
    }
}
