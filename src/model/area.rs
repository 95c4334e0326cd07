//! The area a registry serves: its city (where the map opens, and the box that tells a swapped coordinate) and
//! the wider country box outside which a point is refused as a typo. Jhansi in India unless the registry says
//! otherwise (a deployment for another city sets its own, e.g. a test registry for Trafford's real camera list).

use serde::{Deserialize, Serialize};

/// A latitude/longitude box, degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LatLonBox {
    /// South, north.
    pub lat_deg: (f64, f64),
    /// West, east.
    pub lon_deg: (f64, f64),
}

impl LatLonBox {
    pub fn contains(&self, lat_deg: f64, lon_deg: f64) -> bool {
        (self.lat_deg.0..=self.lat_deg.1).contains(&lat_deg)
            && (self.lon_deg.0..=self.lon_deg.1).contains(&lon_deg)
    }

    /// A box from "south,west,north,east" degrees, checked.
    pub fn parse(text: &str) -> Result<Self, String> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        let numbers: Vec<f64> = parts
            .iter()
            .map(|p| p.parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| format!("{text:?} is not four numbers south,west,north,east"))?;
        let [south, west, north, east] = numbers[..] else {
            return Err(format!(
                "{text:?} is not four numbers south,west,north,east"
            ));
        };
        let b = Self {
            lat_deg: (south, north),
            lon_deg: (west, east),
        };
        b.check().map(|()| b)
    }

    fn check(&self) -> Result<(), String> {
        let (s, n) = self.lat_deg;
        let (w, e) = self.lon_deg;
        let ok = s.is_finite()
            && n.is_finite()
            && w.is_finite()
            && e.is_finite()
            && (-90.0..=90.0).contains(&s)
            && (-90.0..=90.0).contains(&n)
            && (-180.0..=180.0).contains(&w)
            && (-180.0..=180.0).contains(&e)
            && s < n
            && w < e;
        if ok {
            Ok(())
        } else {
            Err(format!(
                "the box {s},{w},{n},{e} is not south,west,north,east with south < north and west < east"
            ))
        }
    }

    pub fn centre(&self) -> (f64, f64) {
        (
            (self.lat_deg.0 + self.lat_deg.1) / 2.0,
            (self.lon_deg.0 + self.lon_deg.1) / 2.0,
        )
    }
}

/// The area a registry serves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceArea {
    /// The city ("Jhansi").
    pub city: String,
    /// The country as a message names it ("India").
    pub country: String,
    pub city_box: LatLonBox,
    pub country_box: LatLonBox,
}

impl Default for ServiceArea {
    fn default() -> Self {
        Self {
            city: "Jhansi".into(),
            country: "India".into(),
            city_box: LatLonBox {
                lat_deg: super::CITY_LAT_DEG,
                lon_deg: super::CITY_LON_DEG,
            },
            country_box: LatLonBox {
                lat_deg: super::INDIA_LAT_DEG,
                lon_deg: super::INDIA_LON_DEG,
            },
        }
    }
}

impl ServiceArea {
    /// Checks the names and that the city lies in the country box.
    pub fn check(&self) -> Result<(), String> {
        if self.city.trim().is_empty() || self.country.trim().is_empty() {
            return Err("the city and the country need names".into());
        }
        self.city_box.check()?;
        self.country_box.check()?;
        let (lat, lon) = self.city_box.centre();
        if !self.country_box.contains(lat, lon) {
            return Err(format!(
                "the city box of {} does not lie in the country box of {}",
                self.city, self.country
            ));
        }
        Ok(())
    }

    /// Whether a point lies in the city or the country box.
    pub fn contains(&self, lat_deg: f64, lon_deg: f64) -> bool {
        self.city_box.contains(lat_deg, lon_deg) || self.country_box.contains(lat_deg, lon_deg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_parse_and_check() {
        let b = LatLonBox::parse("53.38, -2.48, 53.48, -2.25").unwrap();
        assert!(b.contains(53.46, -2.28));
        assert!(!b.contains(-2.28, 53.46));
        assert!(LatLonBox::parse("1,2,3").is_err());
        assert!(LatLonBox::parse("53.48,-2.48,53.38,-2.25").is_err());
        assert!(LatLonBox::parse("a,b,c,d").is_err());
        let area = ServiceArea::default();
        assert!(area.check().is_ok());
        assert!(area.contains(25.4486, 78.5697));
        let wrong = ServiceArea {
            city_box: b,
            ..ServiceArea::default()
        };
        assert!(wrong.check().is_err());
    }
}
