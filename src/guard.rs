//! Panics inside dependencies, caught where bad input can provoke them.
//!
//! A panic is a bug, and the CLI's panic hook turns one into exit 3. But a
//! dependency may panic on input it should have refused: `toml_edit` 0.23 panics with "all
//! items have spans" on a five-byte file such as `==\n.=`. Such calls go through [`catch`],
//! which turns the panic into `None` so the caller can report the input as invalid (exit 2,
//! with the location the parser that did not panic gives). The hook asks [`is_catching`] and
//! stays silent while a caught call runs on that thread.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

thread_local! {
    static CATCHING: Cell<u32> = const { Cell::new(0) };
}

/// Runs `f`, returning `None` if it panics.
pub fn catch<T>(f: impl FnOnce() -> T) -> Option<T> {
    CATCHING.with(|c| c.set(c.get() + 1));
    let result = catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(c.get() - 1));
    result.ok()
}

/// Whether this thread is inside [`catch`]: a panic hook should then stay silent and let
/// the panic unwind to it.
pub fn is_catching() -> bool {
    CATCHING.with(|c| c.get() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caught_panic_is_none_and_the_flag_resets() {
        assert_eq!(catch(|| 7), Some(7));
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let caught: Option<()> = catch(|| panic!("inside a dependency"));
        std::panic::set_hook(hook);
        assert_eq!(caught, None);
        assert!(!is_catching());
    }
}
