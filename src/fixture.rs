//! The test fixture shared by unit tests and the integration tests: the small scenario in
//! `tests/fixtures/small.toml` (200 users, 3 h, a one-hour outage of the primary at 30 min),
//! and a checked way to derive variants from it.

/// The small scenario, as the integration tests read it.
pub const SMALL: &str = include_str!("../tests/fixtures/small.toml");

/// `text` with the one occurrence of `from` replaced by `to`; panics when `from` does not
/// occur exactly once, so a fixture edit can never silently stop applying.
pub fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(
        text.matches(from).count(),
        1,
        "`{from}` must occur once in the fixture"
    );
    text.replacen(from, to, 1)
}

/// [`SMALL`] with every `(from, to)` edit applied in order.
pub fn small_with(edits: &[(&str, &str)]) -> String {
    edits
        .iter()
        .fold(SMALL.to_string(), |text, (from, to)| edit(&text, from, to))
}
