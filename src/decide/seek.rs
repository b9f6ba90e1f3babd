//! Goal-seek (filled in by the next commit).
