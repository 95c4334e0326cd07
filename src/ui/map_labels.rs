//! Names on the map without overlaps. At street zoom a market holds dozens of cameras and sites within a few
//! hundred pixels, and their names written one over another read as nothing; so labels are placed greedily in
//! screen space, the ones that matter first (the selected camera, then cameras with a problem, then the rest),
//! and a label is drawn only where it meets none already placed. Pure geometry on screen rectangles: the painter
//! in `map.rs` measures the text, asks here which labels to keep, then draws them.

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

/// Which of the labels (given by their screen rectangles and ranks) to draw: indices into `labels`, in the order
/// they were placed. Within a rank the given order decides, so the result is the same every frame.
pub fn place(labels: &[(Rect, LabelRank)]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..labels.len()).collect();
    order.sort_by_key(|&i| (labels[i].1, i));
    let mut kept: Vec<usize> = Vec::new();
    for i in order {
        let (rect, rank) = labels[i];
        if !rect.is_finite() {
            continue;
        }
        let free = rank == LabelRank::Forced || kept.iter().all(|&k| !labels[k].0.intersects(rect));
        if free {
            kept.push(i);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::{Pos2, Vec2};

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
