//! Fonts: egui's own Latin fonts first, Noto Sans Devanagari (shipped in assets/, SIL OFL 1.1) as the fallback
//! for Hindi, so mixed English–Hindi names shape correctly.

use egui::epaint::text::{FontInsert, FontPriority, InsertFontFamily};
use egui::{FontData, FontFamily};

const NOTO_DEVANAGARI: &[u8] = include_bytes!("../../assets/fonts/NotoSansDevanagari-Regular.ttf");
const ICON_PNG: &[u8] = include_bytes!("../../assets/icon.png");

/// Adds the Devanagari fallback to both families.
pub fn install(ctx: &egui::Context) {
    ctx.add_font(FontInsert::new(
        "noto_sans_devanagari",
        FontData::from_static(NOTO_DEVANAGARI),
        vec![
            InsertFontFamily {
                family: FontFamily::Proportional,
                priority: FontPriority::Lowest,
            },
            InsertFontFamily {
                family: FontFamily::Monospace,
                priority: FontPriority::Lowest,
            },
        ],
    ));
}

/// The window icon, decoded from the PNG in assets/.
pub fn window_icon() -> Option<egui::IconData> {
    let image = image::load_from_memory_with_format(ICON_PNG, image::ImageFormat::Png).ok()?;
    let rgba = image.to_rgba8();
    Some(egui::IconData {
        width: rgba.width(),
        height: rgba.height(),
        rgba: rgba.into_raw(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn icon_decodes() {
        let icon = super::window_icon().expect("icon.png decodes");
        assert_eq!(icon.rgba.len(), (icon.width * icon.height * 4) as usize);
    }
}
