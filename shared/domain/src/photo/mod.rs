//! Selfies (decoded from their request by `edge::photo`) turned into safe, small JPEGs: the real
//! type sniffed by magic bytes, decoded within limits, turned upright by its EXIF orientation,
//! stripped of every metadata (GPS included) by re-encoding from pixels, and downscaled.
//! Decoding is CPU work: callers run [`normalise`] on `spawn_blocking`.

mod normalise;
mod sniff;

pub use normalise::{MAX_SIDE, NormalisedPhoto, normalise};
pub use sniff::{PhotoType, sniff};
