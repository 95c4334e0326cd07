//! A site: a place with an owner where one or more cameras hang.

use serde::{Deserialize, Serialize};

/// Who owns a site; the weekly review groups progress by this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerCategory {
    GovernmentOffice,
    Hotel,
    CoachingSchool,
    HospitalClinic,
    IndustrialUnit,
    Commercial,
    PublicPlace,
    TollPlaza,
    Jail,
    Police,
}

impl OwnerCategory {
    pub const ALL: [OwnerCategory; 10] = [
        Self::GovernmentOffice,
        Self::Hotel,
        Self::CoachingSchool,
        Self::HospitalClinic,
        Self::IndustrialUnit,
        Self::Commercial,
        Self::PublicPlace,
        Self::TollPlaza,
        Self::Jail,
        Self::Police,
    ];

    /// Stable code used in the SQLite file and in exports.
    pub fn code(self) -> &'static str {
        match self {
            Self::GovernmentOffice => "government_office",
            Self::Hotel => "hotel",
            Self::CoachingSchool => "coaching_school",
            Self::HospitalClinic => "hospital_clinic",
            Self::IndustrialUnit => "industrial_unit",
            Self::Commercial => "commercial",
            Self::PublicPlace => "public_place",
            Self::TollPlaza => "toll_plaza",
            Self::Jail => "jail",
            Self::Police => "police",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Key of the category's name in the i18n catalogue.
    pub fn i18n_key(self) -> String {
        format!("owner-{}", self.code().replace('_', "-"))
    }

    /// Private owners are met category by category; government ones are chased through their department.
    pub fn is_private_owner(self) -> bool {
        matches!(
            self,
            Self::Hotel
                | Self::CoachingSchool
                | Self::HospitalClinic
                | Self::IndustrialUnit
                | Self::Commercial
        )
    }
}

/// Why the administration wants a camera at a place; anything but `None` makes the site a place to cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    None,
    BlackSpot,
    TollPlaza,
    Jail,
    PublicPlace,
}

impl Priority {
    pub const ALL: [Priority; 5] = [
        Self::None,
        Self::BlackSpot,
        Self::TollPlaza,
        Self::Jail,
        Self::PublicPlace,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::BlackSpot => "black_spot",
            Self::TollPlaza => "toll_plaza",
            Self::Jail => "jail",
            Self::PublicPlace => "public_place",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn i18n_key(self) -> String {
        format!("priority-{}", self.code().replace('_', "-"))
    }

    /// Radius a priority place needs watched when the police gave none, in metres.
    pub fn default_radius_m(self) -> Option<f64> {
        match self {
            Self::None => None,
            Self::BlackSpot => Some(50.0),
            Self::TollPlaza => Some(100.0),
            Self::Jail => Some(150.0),
            Self::PublicPlace => Some(75.0),
        }
    }
}

/// A place with an owner: an office, a hotel, a toll plaza, a black spot…
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Site {
    pub name_en: String,
    /// Name in Devanagari, as the owner writes it; may be empty.
    pub name_hi: String,
    pub owner_category: OwnerCategory,
    pub priority: Priority,
    /// Radius of a priority place that must be watched, metres.
    pub priority_radius_m: Option<f64>,
    /// Owner or contact person the ICCC calls.
    pub contact_person: String,
    /// Normalised phone number (`+91…`), or empty.
    pub phone: String,
    pub address: String,
    pub ward: String,
    pub police_station: String,
    pub lat_deg: f64,
    pub lon_deg: f64,
    pub notes: String,
    /// Days the site's recorder (NVR/DVR) keeps footage before overwriting it; [`DEFAULT_RETENTION_DAYS`] unless
    /// the owner said otherwise.
    #[serde(default = "default_retention_days")]
    pub recorder_retention_days: u32,
}

/// Days a recorder is taken to keep footage when nobody has asked (Karnataka's public safety law asks for 30;
/// most recorders keep 7–30).
pub const DEFAULT_RETENTION_DAYS: u32 = 30;
/// The longest retention the desk accepts, days (ten years: anything longer is a typo).
pub const MAX_RETENTION_DAYS: u32 = 3650;

fn default_retention_days() -> u32 {
    DEFAULT_RETENTION_DAYS
}

impl Site {
    /// A blank site for the "add site" form, placed at the city centre.
    pub fn blank() -> Self {
        Self {
            name_en: String::new(),
            name_hi: String::new(),
            owner_category: OwnerCategory::Hotel,
            priority: Priority::None,
            priority_radius_m: None,
            contact_person: String::new(),
            phone: String::new(),
            address: String::new(),
            ward: String::new(),
            police_station: String::new(),
            lat_deg: 25.4486,
            lon_deg: 78.5697,
            notes: String::new(),
            recorder_retention_days: DEFAULT_RETENTION_DAYS,
        }
    }

    /// The name to show: English, with the Hindi name beside it where there is one.
    pub fn display_name(&self) -> String {
        if self.name_hi.is_empty() {
            self.name_en.clone()
        } else if self.name_en.is_empty() {
            self.name_hi.clone()
        } else {
            format!("{} · {}", self.name_en, self.name_hi)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for c in OwnerCategory::ALL {
            assert_eq!(OwnerCategory::from_code(c.code()), Some(c));
        }
        for p in Priority::ALL {
            assert_eq!(Priority::from_code(p.code()), Some(p));
        }
        assert_eq!(OwnerCategory::from_code("spaceport"), None);
    }

    #[test]
    fn display_name_joins_both_scripts() {
        let mut s = Site::blank();
        s.name_en = "Hotel Raj Palace".into();
        assert_eq!(s.display_name(), "Hotel Raj Palace");
        s.name_hi = "होटल राज पैलेस".into();
        assert_eq!(s.display_name(), "Hotel Raj Palace · होटल राज पैलेस");
    }
}
