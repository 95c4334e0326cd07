//! Names on the map without overlaps. At street zoom a market holds dozens of cameras and sites within a few
//! hundred pixels, and their names written one over another read as nothing; so labels are placed greedily in
//! screen space, the ones that matter first (the selected camera, then cameras with a problem, then the rest),
//! and a label is drawn only where it meets none already placed. Pure geometry on screen rectangles: the painter
//! in `map.rs` measures the text, asks here which labels to keep, then draws them. Area names are drawn on top
//! too, moved just off a marker when one is under them.

use egui::Rect;

/// How much a label matters; lower ranks are placed first and win where labels would overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LabelRank {
    /// Always drawn (the selected camera, or the one the map flew to), even over another forced label.
    Forced,
    /// A camera that is offline, refuses its password, sends a broken stream, or is blocked.
    Problem,
    /// The selected site.
    SelectedSite,
    Camera,
    Site,
    /// A ward's or police station's name: background, placed last.
    Area,
}

/// Above this many markers on screen an area's name is not moved off them (the search would cost the frame).
const MAX_MARKERS_AVOIDED: usize = 2_000;

/// Where an area's name may go, nearest first: its own place, then a line or two above or below, then half its
/// width to either side (still inside a ward of a few hundred pixels).
fn area_spots(rect: Rect) -> impl Iterator<Item = Rect> {
    let (dy, dx) = (rect.height() + 2.0, rect.width() / 2.0);
    [(0.0, 0.0), (0.0, -1.0), (0.0, 1.0), (0.0, -2.0), (0.0, 2.0)]
        .into_iter()
        .chain([
            (-1.0, 0.0),
            (1.0, 0.0),
            (-1.0, -1.0),
            (1.0, -1.0),
            (-1.0, 1.0),
            (1.0, 1.0),
        ])
        .map(move |(x, y): (f32, f32)| rect.translate(egui::vec2(x * dx, y * dy)))
}

/// Which of the labels (given by their screen rectangles and ranks) to draw, in the order they were placed (indices
/// into `labels`, with where each goes). Within a rank the given order decides, so the result is the same every
/// frame. An area's name (drawn over the markers, so it stays readable) also keeps off `markers` (the
/// screen rectangles of clusters, cameras and places) where it can: it tries its own place, then places a line
/// or two above or below and half its width aside; when all meet a marker it takes its own place if no label is
/// there. Returns each label drawn with where it goes.
pub fn place_around(labels: &[(Rect, LabelRank)], markers: &[Rect]) -> Vec<(usize, Rect)> {
    let mut order: Vec<usize> = (0..labels.len()).collect();
    order.sort_by_key(|&i| (labels[i].1, i));
    let mut kept: Vec<(usize, Rect)> = Vec::new();
    let markers: &[Rect] = if markers.len() > MAX_MARKERS_AVOIDED {
        &[]
    } else {
        markers
    };
    for i in order {
        let (rect, rank) = labels[i];
        if !rect.is_finite() {
            continue;
        }
        let free_of_labels = |r: Rect| kept.iter().all(|&(_, k)| !k.intersects(r));
        let chosen = if rank == LabelRank::Forced {
            Some(rect)
        } else if rank == LabelRank::Area {
            area_spots(rect)
                .find(|&r| free_of_labels(r) && markers.iter().all(|m| !m.intersects(r)))
                .or_else(|| free_of_labels(rect).then_some(rect))
        } else {
            free_of_labels(rect).then_some(rect)
        };
        if let Some(r) = chosen {
            kept.push((i, r));
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::{Pos2, Vec2};

    /// The labels kept, without markers to keep off.
    fn place(labels: &[(Rect, LabelRank)]) -> Vec<usize> {
        place_around(labels, &[])
            .into_iter()
            .map(|(i, _)| i)
            .collect()
    }

    fn at(x: f32, y: f32, w: f32) -> Rect {
        Rect::from_min_size(Pos2::new(x, y), Vec2::new(w, 14.0))
    }

    #[test]
    fn apart_labels_are_all_kept_and_overlapping_ones_give_way_by_rank() {
        let labels = [
            (at(0.0, 0.0, 80.0), LabelRank::Site),
            (at(200.0, 0.0, 80.0), LabelRank::Camera),
            (at(40.0, 5.0, 80.0), LabelRank::Problem),
            (at(0.0, 100.0, 60.0), LabelRank::Area),
        ];
        // The problem camera is placed first; the site it covers gives way; the others are apart.
        assert_eq!(place(&labels), [2, 1, 3]);
    }

    #[test]
    fn a_forced_label_is_drawn_even_where_others_stand_and_they_give_way() {
        let labels = [
            (at(0.0, 0.0, 80.0), LabelRank::Problem),
            (at(10.0, 2.0, 80.0), LabelRank::Forced),
            (at(12.0, 4.0, 80.0), LabelRank::SelectedSite),
        ];
        assert_eq!(place(&labels), [1]);
        // Two forced labels are both drawn.
        let both = [
            (at(0.0, 0.0, 80.0), LabelRank::Forced),
            (at(5.0, 0.0, 80.0), LabelRank::Forced),
        ];
        assert_eq!(place(&both), [0, 1]);
    }

    #[test]
    fn an_area_name_moves_off_a_marker_where_it_can() {
        let cluster = Rect::from_center_size(Pos2::new(40.0, 7.0), Vec2::splat(12.0));
        let ward = (at(0.0, 0.0, 80.0), LabelRank::Area);
        // Over a cluster: just above it, then, when a camera's name stands there too, just below.
        let placed = place_around(&[ward], &[cluster]);
        assert_eq!(placed.len(), 1);
        assert!(!placed[0].1.intersects(cluster), "{placed:?}");
        let above = at(0.0, -16.0, 80.0);
        let with_name = [(above, LabelRank::Camera), ward];
        let placed = place_around(&with_name, &[cluster]);
        assert_eq!(placed[0], (0, above));
        assert_eq!(placed[1].0, 1);
        assert!(placed[1].1.min.y > cluster.max.y - 1.0, "below: {placed:?}");
        // Markers all around: its own place, over them (drawn on top, on its backing).
        let wall = [Rect::from_min_size(
            Pos2::new(-100.0, -100.0),
            Vec2::splat(300.0),
        )];
        assert_eq!(place_around(&[ward], &wall), [(0, ward.0)]);
        // A camera or site name is never moved.
        let camera = (at(0.0, 0.0, 80.0), LabelRank::Camera);
        assert_eq!(place_around(&[camera], &[cluster]), [(0, camera.0)]);
    }

    #[test]
    fn equal_ranks_keep_their_order_and_no_kept_pair_overlaps() {
        // A dense row of labels, each overlapping its neighbours: every other one is kept, from the first.
        let labels: Vec<(Rect, LabelRank)> = (0..10)
            .map(|k| (at(k as f32 * 30.0, 0.0, 50.0), LabelRank::Camera))
            .collect();
        let kept = place(&labels);
        assert_eq!(kept, [0, 2, 4, 6, 8]);
        for (n, &a) in kept.iter().enumerate() {
            for &b in &kept[n + 1..] {
                assert!(!labels[a].0.intersects(labels[b].0));
            }
        }
        // Touching edges count as overlapping (no room for a gap), and a broken rectangle is never drawn.
        let touching = [
            (at(0.0, 0.0, 50.0), LabelRank::Camera),
            (at(50.0, 0.0, 50.0), LabelRank::Camera),
            (
                Rect::from_min_size(Pos2::new(f32::NAN, 0.0), Vec2::splat(5.0)),
                LabelRank::Forced,
            ),
        ];
        assert_eq!(place(&touching), [0]);
        assert!(place(&[]).is_empty());
    }
}
