//! The `speech` command's tests, in one test binary: cargo runs test binaries one after another,
//! so tests that wait (on `speech mock`, on a batch's documented pace) overlap only within one.

#[path = "../common/mod.rs"]
mod common;

mod batch;
mod commands;
