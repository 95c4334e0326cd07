//! `iccc-desk area`: show or set the city and country the registry serves.

use std::path::Path;

use super::CliError;
use super::args::AreaArgs;
use super::output::say;
use crate::store::{Actor, OpenOptions, Store};

/// Shows the area, after changing what the arguments name.
pub(super) fn run_area(db: &Path, key_dir: &Path, change: &AreaArgs) -> Result<(), CliError> {
    use crate::model::LatLonBox;
    let changes = change.changes();
    let as_json = change.json;
    // Showing the area only looks: it never makes a registry.
    let open = if changes {
        // A missing registry is made to hold the area; an empty file is not taken for one.
        Store::open_unless_empty
    } else {
        Store::open_to_look
    };
    let mut store = open(
        db,
        &OpenOptions {
            key_dir: key_dir.to_path_buf(),
        },
    )
    .map_err(|e| CliError::from_store(db, e))?;
    let mut area = store
        .service_area()
        .map_err(|e| CliError::from_store(db, e))?;
    if changes {
        let parse = |flag: &str, text: &str| {
            LatLonBox::parse(text).map_err(|e| {
                CliError::BadInput(crate::i18n::I18n::new(crate::i18n::Lang::En).tr_args(
                    "cli-error-flag",
                    &[("flag", flag.to_string()), ("error", e)],
                ))
            })
        };
        if let Some(city) = &change.city {
            area.city = city.clone();
        }
        if let Some(country) = &change.country {
            area.country = country.clone();
        }
        if let Some(b) = &change.city_box {
            area.city_box = parse("city-box", b)?;
        }
        if let Some(b) = &change.country_box {
            area.country_box = parse("country-box", b)?;
        }
        area.check().map_err(CliError::BadInput)?;
        store
            .set_service_area(&Actor::os_user_now(), &area)
            .map_err(|e| CliError::from_store(db, e))?;
    }
    if as_json {
        say(&serde_json::to_string_pretty(&area).unwrap_or_default());
    } else {
        let b = |b: &LatLonBox| {
            format!(
                "{},{},{},{}",
                b.lat_deg.0, b.lon_deg.0, b.lat_deg.1, b.lon_deg.1
            )
        };
        say(&crate::i18n::I18n::new(crate::i18n::Lang::En).tr_args(
            "cli-area",
            &[
                ("city", area.city.clone()),
                ("country", area.country.clone()),
                ("city_box", b(&area.city_box)),
                ("country_box", b(&area.country_box)),
            ],
        ));
    }
    Ok(())
}
