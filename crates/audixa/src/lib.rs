#![doc = include_str!("../README.md")]

#[rustfmt::skip]
mod generated;
pub use generated::*;

#[cfg(feature = "mock")]
#[rustfmt::skip]
pub mod mock;
