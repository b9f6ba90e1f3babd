//! One test per bug that reached main, named after the bug, so it cannot come back.
