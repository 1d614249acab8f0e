//! The one integration-test binary of the `tamis` crate.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

mod batch;
mod common;
mod compliance;
mod file_faults;
mod furniture;
mod html;
mod minhash;
mod parquet;
mod report;
mod roundtrip;
mod runner;
mod shared_data;
mod tasks;
mod warc;
