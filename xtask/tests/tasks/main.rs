//! The xtask's tasks as a maintainer runs them, in one test binary: cargo runs test binaries one
//! after another, so the harnesses that work in copies of the workspace (`upload`, `diff`)
//! overlap only within one.

mod common;

mod diff;
mod docs;
mod upload;
