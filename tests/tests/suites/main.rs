//! The suites that run on every spec, in one test binary: cargo runs test binaries one after
//! another, so suites that wait (on retry hints, stand-ins, nested cargo commands) overlap only
//! within one. `connect.rs` and `logs.rs` stay binaries of their own: one sets process
//! environment variables, the other a subscriber that other tests' callsites must not race.

#[path = "../common/mod.rs"]
mod common;

mod body_limits;
mod bounds;
mod faults;
mod features;
mod flows;
mod option_limits;
mod paths;
mod typed;
