//! Keys applied in the order they were typed, each to the field that has the keyboard at that key.
//!
//! egui moves the keyboard focus at the end of a frame, but a field takes every text event of the frame it has
//! the focus in. On a console drawing a few frames a second (software rendering), "Ramesh⇥98390⇥Civil Lines"
//! arrives in one frame and the digits land in the wrong field. So a frame's events are cut at each key that
//! moves the focus or acts on it (Tab, Shift+Tab, Enter, Esc, Up, Down): that key gets a frame of its own, and
//! what follows waits for the next frame, which is asked for at once. Typing stays exact at any frame rate.

use egui::{Event, Key, RawInput};

/// The desk's input hook (an egui plugin, so the window and the tests go through the same code).
#[derive(Debug, Default)]
pub struct KeysInOrder {
    /// Events that came after a focus-moving key, for the next frames, in order.
    held: Vec<Event>,
}

impl KeysInOrder {
    /// Events still waiting for a frame.
    #[cfg(test)]
    fn held(&self) -> usize {
        self.held.len()
    }

    /// Takes this frame's share of the events typed so far; the rest waits.
    fn split(&mut self, input: &mut RawInput) {
        if self.held.is_empty() && !input.events.iter().any(moves_focus) {
            return;
        }
        let mut events = std::mem::take(&mut self.held);
        events.append(&mut input.events);
        let end = frame_end(&events);
        self.held = events.split_off(end);
        input.events = events;
    }
}

impl egui::Plugin for KeysInOrder {
    fn debug_name(&self) -> &'static str {
        "keys_in_order"
    }

    fn input_hook(&mut self, _ctx: &egui::Context, input: &mut RawInput) {
        self.split(input);
    }

    fn on_end_pass(&mut self, ui: &mut egui::Ui) {
        if !self.held.is_empty() {
            ui.ctx().request_repaint();
        }
    }
}

/// A key press that moves the keyboard focus or acts on the focused widget.
fn moves_focus(event: &Event) -> bool {
    matches!(
        event,
        Event::Key {
            key: Key::Tab | Key::Enter | Key::Escape | Key::ArrowUp | Key::ArrowDown,
            pressed: true,
            ..
        }
    )
}

/// How many of `events` this frame takes: everything before the first focus-moving key, or that key when it
/// comes first (text before a Tab belongs to the field the Tab leaves; text after it to the next), with the
/// key releases right behind it: a release acts on nothing, and a frame of its own would cost one more frame
/// per key (tens of ms of CPU on software rendering).
fn frame_end(events: &[Event]) -> usize {
    match events.iter().position(moves_focus) {
        None => events.len(),
        Some(0) => {
            1 + events[1..]
                .iter()
                .take_while(|e| matches!(e, Event::Key { pressed: false, .. }))
                .count()
        }
        Some(i) => i,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Event {
        Event::Text(t.into())
    }

    fn key(key: Key, pressed: bool) -> Event {
        Event::Key {
            key,
            physical_key: None,
            pressed,
            repeat: false,
            modifiers: egui::Modifiers::NONE,
        }
    }

    #[test]
    fn a_burst_is_cut_at_each_tab_and_given_out_in_order() {
        let mut keys = KeysInOrder::default();
        let mut input = RawInput {
            events: vec![
                text("Ramesh"),
                key(Key::Tab, true),
                key(Key::Tab, false),
                text("98390"),
                key(Key::Tab, true),
                text("Civil Lines"),
            ],
            ..Default::default()
        };
        let mut frames = Vec::new();
        loop {
            keys.split(&mut input);
            frames.push(std::mem::take(&mut input.events));
            if keys.held() == 0 {
                break;
            }
        }
        assert_eq!(
            frames,
            vec![
                vec![text("Ramesh")],
                vec![key(Key::Tab, true), key(Key::Tab, false)],
                vec![text("98390")],
                vec![key(Key::Tab, true)],
                vec![text("Civil Lines")],
            ]
        );
    }

    #[test]
    fn a_down_key_and_its_release_share_one_frame() {
        let mut keys = KeysInOrder::default();
        let mut input = RawInput {
            events: vec![key(Key::ArrowDown, true), key(Key::ArrowDown, false)],
            ..Default::default()
        };
        keys.split(&mut input);
        assert_eq!(input.events.len(), 2);
        assert_eq!(keys.held(), 0, "nothing left for a frame of its own");
    }

    #[test]
    fn events_of_a_later_frame_wait_behind_the_held_ones() {
        let mut keys = KeysInOrder::default();
        let mut input = RawInput {
            events: vec![key(Key::Enter, true), text("a")],
            ..Default::default()
        };
        keys.split(&mut input);
        assert_eq!(input.events, vec![key(Key::Enter, true)]);
        input.events = vec![text("b")];
        keys.split(&mut input);
        assert_eq!(input.events, vec![text("a"), text("b")]);
        assert_eq!(keys.held(), 0);
        // Plain typing passes through untouched.
        input.events = vec![text("c"), key(Key::A, true)];
        keys.split(&mut input);
        assert_eq!(input.events.len(), 2);
    }
}
