#![doc = include_str!("../README.md")]

#[rustfmt::skip]
mod generated;
pub use generated::*;
