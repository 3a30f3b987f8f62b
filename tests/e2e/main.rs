//! End-to-end tests: the real `genese-local` binary on a free loopback port, driven over HTTP as
//! a client would drive the deployed API.

mod attendance;
mod authz;
mod bad_input;
mod career;
mod company;
mod cors;
mod leave;
mod questions;
