//! What the CLI prints: lines on stdout that survive a reader going away, progress on stderr that survives a
//! closed stderr, and names from the registry or a file made safe for a terminal.

use std::io::Write as _;

/// Prints a line on stdout; when the reader went away (`| head`), stops quietly instead of panicking.
/// Control characters other than line breaks and tabs are escaped ([`terminal_text`]): every line may carry
/// a camera or site name or a cell of an imported file.
pub(crate) fn say(line: &str) {
    let line = escape_controls(line, true);
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
        std::process::exit(0);
    }
}

/// Prints part of a line on stdout (the rest follows), as [`say`] does: a line too long to build whole first.
pub(crate) fn say_part(text: &str) {
    let text = escape_controls(text, true);
    let mut out = std::io::stdout().lock();
    if out.write_all(text.as_bytes()).is_err() {
        std::process::exit(0);
    }
}

/// Text from the registry or a file (a camera or site name, a cell) as the terminal shows it: control
/// characters (ESC, CR, LF, BEL, DEL, the C1 set) written as `\u001b`, so a name cannot move the cursor,
/// recolour the screen, rewrite an earlier line or start a line of its own. The escape is also valid inside a
/// JSON string.
pub fn terminal_text(text: &str) -> std::borrow::Cow<'_, str> {
    escape_controls(text, false)
}

fn escape_controls(text: &str, keep_line_breaks: bool) -> std::borrow::Cow<'_, str> {
    let kept = |c: char| keep_line_breaks && (c == '\n' || c == '\t');
    if !text.chars().any(|c| c.is_control() && !kept(c)) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && !kept(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// Writes a progress line on stderr, ignoring failure: a closed or broken stderr (`2>&-`, a reader that
/// quit) must not stop an import half-way (`eprintln!` panics on a write error).
pub(crate) fn progress_note(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}
