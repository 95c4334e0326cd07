//! The desk's remembered choices (language), in a small JSON file in the platform config directory.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub lang: Lang,
    /// The MBTiles file the map draws under the cameras.
    pub base_map: Option<PathBuf>,
    /// The folder of the last export, where the save dialog opens next time.
    pub export_dir: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot save the desk's settings to {path}: {source}")]
pub struct SettingsError {
    path: PathBuf,
    source: std::io::Error,
}

/// `<config dir>/settings.json`, or `None` when the platform has no home directory.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("in", "ICCC", "iccc-desk")
        .map(|d| d.config_dir().join("settings.json"))
}

impl Settings {
    /// Reads the settings; a missing or unreadable file gives the defaults (nothing the user typed is at stake).
    pub fn load(path: &Path) -> Self {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// Writes the settings through a temp file and a rename.
    pub fn save(&self, path: &Path) -> Result<(), SettingsError> {
        let err = |source| SettingsError {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(err)?;
        }
        let tmp = path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(self).unwrap_or_default();
        std::fs::write(&tmp, text).map_err(err)?;
        std::fs::rename(&tmp, path).map_err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_is_remembered() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/settings.json");
        assert_eq!(Settings::load(&path), Settings::default());
        let s = Settings {
            lang: Lang::Hi,
            base_map: Some("/srv/maps/jhansi.mbtiles".into()),
            export_dir: Some("/home/supervisor/Reports".into()),
        };
        s.save(&path).unwrap();
        assert_eq!(Settings::load(&path), s);
        std::fs::write(&path, "{not json").unwrap();
        assert_eq!(Settings::load(&path), Settings::default());
    }
}
