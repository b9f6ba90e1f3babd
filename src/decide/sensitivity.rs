//! Sensitivity (filled in by the next commit).
