//! `make bench`: the measurements behind BENCHMARKS.md.

// Items 1–3 and 7: Lambda cold starts against the Python baseline, and binary size.
pub mod lambda;
pub mod results;
pub mod stats;
// Items 4–6 of the benchmarks issue: in-process benches, embedded-stack load, scaling.
pub mod batch_seed;
pub mod counting_store;
pub mod inproc_world;
pub mod seed;
