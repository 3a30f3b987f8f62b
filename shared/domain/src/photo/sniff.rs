//! What the bytes really are, whatever the client declared.

use crate::refusal::Refusal;

/// The accepted photo types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PhotoType {
    Jpeg,
    Png,
    WebP,
}

/// Formats people send that we name in the refusal, by their signatures.
fn recognise(bytes: &[u8]) -> Option<&'static str> {
    let brand = bytes.get(8..12);
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("GIF")
    } else if bytes.get(4..8) == Some(b"ftyp")
        && matches!(
            brand,
            Some(b"heic" | b"heix" | b"mif1" | b"msf1" | b"hevc" | b"heim" | b"heis")
        )
    {
        Some("HEIC/HEIF")
    } else if bytes.get(4..8) == Some(b"ftyp") && brand == Some(b"avif") {
        Some("AVIF")
    } else if bytes.starts_with(b"BM") {
        Some("BMP")
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        Some("TIFF")
    } else if bytes.starts_with(b"%PDF-") {
        Some("PDF")
    } else {
        None
    }
}

/// The type of `bytes` by magic number, or an unsupported type listing what is accepted.
pub fn sniff(bytes: &[u8]) -> Result<PhotoType, Refusal> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(PhotoType::Jpeg);
    }
    if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        return Ok(PhotoType::Png);
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return Ok(PhotoType::WebP);
    }
    let what = recognise(bytes)
        .map(|name| format!("this looks like {name}"))
        .unwrap_or_else(|| "this is not an image we recognise".into());
    Err(
        Refusal::unsupported_type(format!("{what}; send a JPEG, PNG or WebP photo"))
            .with_field("photo"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::refusal::RefusalKind;

    #[test]
    fn only_jpeg_png_and_webp_pass_and_others_are_named() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]).unwrap(), PhotoType::Jpeg);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n....").unwrap(), PhotoType::Png);
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 ").unwrap(), PhotoType::WebP);
        for (bytes, named) in [
            (&b"GIF89a\x01\x00"[..], "GIF"),
            (&b"\0\0\0\x18ftypheic\0\0\0\0"[..], "HEIC"),
            (&b"random bytes here"[..], "not an image"),
        ] {
            let e = sniff(bytes).unwrap_err();
            assert_eq!(e.kind, RefusalKind::UnsupportedType);
            assert!(
                e.detail.contains(named) && e.detail.contains("JPEG, PNG or WebP"),
                "{}",
                e.detail
            );
            assert_eq!(e.field.as_deref(), Some("photo"));
        }
    }
}
