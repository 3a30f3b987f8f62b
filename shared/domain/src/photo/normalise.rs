//! Decoding within limits, turning upright, downscaling and re-encoding: the stored photo is
//! built from pixels only, so no metadata (EXIF, GPS, comments) survives.

use std::io::Cursor;

use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use super::{PhotoType, sniff};
use crate::failure::Failure;
use crate::refusal::Refusal;

/// Longest side of a stored photo, in pixels.
pub const MAX_SIDE: u32 = 1280;
/// Declared dimensions beyond these are refused before any pixel is allocated (decompression
/// bombs): no phone camera takes a 12000-pixel side or 50 megapixels.
const MAX_DECLARED_SIDE: u32 = 12_000;
const MAX_PIXELS: u64 = 50_000_000;
const JPEG_QUALITY: u8 = 85;

/// The photo as stored: an upright JPEG of at most [`MAX_SIDE`] pixels a side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NormalisedPhoto {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// What the client sent.
    pub source: PhotoType,
}

fn unreadable(e: impl std::fmt::Display) -> Refusal {
    Refusal::unreadable("photo", format!("the image could not be decoded: {e}"))
}

fn too_large(width: u32, height: u32) -> Refusal {
    Refusal::invalid(
        "photo",
        format!(
            "a {width}×{height} image is too large; send at most {MAX_DECLARED_SIDE} pixels a side"
        ),
    )
}

/// Normalises `bytes` (CPU-bound: run it on a blocking thread).
pub fn normalise(bytes: &[u8]) -> Result<NormalisedPhoto, Failure> {
    let source = sniff(bytes)?;
    let format = match source {
        PhotoType::Jpeg => ImageFormat::Jpeg,
        PhotoType::Png => ImageFormat::Png,
        PhotoType::WebP => ImageFormat::WebP,
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DECLARED_SIDE);
    limits.max_image_height = Some(MAX_DECLARED_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| match e {
        image::ImageError::Limits(_) => too_large(0, 0),
        other => unreadable(other),
    })?;
    let (width, height) = decoder.dimensions();
    if width > MAX_DECLARED_SIDE
        || height > MAX_DECLARED_SIDE
        || u64::from(width) * u64::from(height) > MAX_PIXELS
    {
        return Err(too_large(width, height).into());
    }
    // A photo without (or with broken) EXIF is taken as it is.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => too_large(width, height),
        other => unreadable(other),
    })?;
    picture.apply_orientation(orientation);
    if picture.width() > MAX_SIDE || picture.height() > MAX_SIDE {
        picture = picture.resize(MAX_SIDE, MAX_SIDE, FilterType::Triangle);
    }
    let rgb = picture.to_rgb8();
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY)
        .encode_image(&rgb)
        .map_err(|e| Failure::Fault(format!("re-encoding the photo: {e}")))?;
    Ok(NormalisedPhoto {
        jpeg,
        width: rgb.width(),
        height: rgb.height(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use image::{ImageBuffer, Rgb, RgbImage};

    use super::*;
    use crate::refusal::RefusalKind;

    fn picture(width: u32, height: u32) -> RgbImage {
        ImageBuffer::from_fn(width, height, |x, y| {
            Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        })
    }

    fn encoded(img: &RgbImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(img.clone())
            .write_to(&mut out, format)
            .unwrap();
        out.into_inner()
    }

    /// An APP1 Exif segment (big-endian TIFF) with Orientation and a GPS IFD holding a latitude.
    fn exif_segment(orientation: u16) -> Vec<u8> {
        let mut tiff = Vec::new();
        tiff.extend_from_slice(b"MM\0*\0\0\0\x08"); // header, IFD0 at 8
        tiff.extend_from_slice(&2u16.to_be_bytes()); // two entries
        // Orientation (0x0112), SHORT, 1, value
        tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1]);
        tiff.extend_from_slice(&orientation.to_be_bytes());
        tiff.extend_from_slice(&[0, 0]);
        // GPSInfo IFD pointer (0x8825), LONG, 1, offset 38
        tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
        tiff.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
        // GPS IFD at 38: GPSLatitudeRef (1) ASCII "N"
        tiff.extend_from_slice(&1u16.to_be_bytes());
        tiff.extend_from_slice(&[0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
        tiff.extend_from_slice(&0u32.to_be_bytes());
        let mut payload = b"Exif\0\0".to_vec();
        payload.extend_from_slice(&tiff);
        let mut segment = vec![0xFF, 0xE1];
        segment.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        segment.extend_from_slice(&payload);
        segment
    }

    #[test]
    fn every_accepted_type_becomes_a_jpeg() {
        for format in [ImageFormat::Jpeg, ImageFormat::Png, ImageFormat::WebP] {
            let out = normalise(&encoded(&picture(64, 48), format)).unwrap();
            assert_eq!((out.width, out.height), (64, 48), "{format:?}");
            assert_eq!(sniff(&out.jpeg).unwrap(), PhotoType::Jpeg);
        }
    }

    #[test]
    fn large_photos_are_downscaled_and_small_ones_kept() {
        let big = normalise(&encoded(&picture(4000, 3000), ImageFormat::Png)).unwrap();
        assert_eq!((big.width, big.height), (1280, 960));
        let small = normalise(&encoded(&picture(600, 400), ImageFormat::Jpeg)).unwrap();
        assert_eq!((small.width, small.height), (600, 400));
    }

    #[test]
    fn exif_orientation_is_applied_and_no_metadata_survives() {
        let jpeg = encoded(&picture(80, 40), ImageFormat::Jpeg);
        let mut tagged = jpeg[..2].to_vec(); // SOI
        tagged.extend_from_slice(&exif_segment(6)); // rotate 90° clockwise
        tagged.extend_from_slice(&jpeg[2..]);
        let out = normalise(&tagged).unwrap();
        assert_eq!((out.width, out.height), (40, 80), "turned upright");
        let has = |needle: &[u8]| out.jpeg.windows(needle.len()).any(|w| w == needle);
        assert!(!has(b"Exif") && !has(b"MM\0*"), "no EXIF or GPS left");
    }

    #[test]
    fn broken_and_bomb_images_are_refused_by_field() {
        let jpeg = encoded(&picture(64, 64), ImageFormat::Jpeg);
        let e = normalise(&jpeg[..jpeg.len() / 3]).unwrap_err().refused();
        assert_eq!(
            (e.kind, e.field.as_deref()),
            (RefusalKind::Unreadable, Some("photo"))
        );
        // A PNG header claiming 100000×100000 pixels, and nothing behind it.
        let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        bomb.extend_from_slice(&100_000u32.to_be_bytes());
        bomb.extend_from_slice(&100_000u32.to_be_bytes());
        bomb.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
        let e = normalise(&bomb).unwrap_err().refused();
        assert_eq!(e.field.as_deref(), Some("photo"));
        assert!(
            e.kind == RefusalKind::Invalid || e.kind == RefusalKind::Unreadable,
            "{e:?}"
        );
        assert_eq!(
            normalise(b"GIF89a....").unwrap_err().refused().kind,
            RefusalKind::UnsupportedType
        );
    }
}
