//! Peak memory of normalising one selfie, the work that sizes attendance's memory: a
//! phone photo (12 MP) and the largest image the decoder lets through (50 MP, which a flat
//! picture squeezes under the 5 MiB body cap). Peak RSS is `VmHWM`, reset before each photo
//! through `/proc/self/clear_refs`, so each row is that photo's own high-water mark.

use std::io::Cursor;
use std::time::Instant;

use bench::results;
use domain::photo::normalise;
use image::RgbImage;
use serde_json::json;

/// A process's `VmHWM` or `VmRSS` in MiB.
fn status_mib(key: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// A `width`×`height` JPEG: the sample face tiled over a gradient, so it decodes like a photo.
fn jpeg(width: u32, height: u32, quality: u8) -> Vec<u8> {
    let face = image::load_from_memory(&testkit::sample_photo("obama.jpg"))
        .expect("the sample photo decodes")
        .to_rgb8();
    let canvas = RgbImage::from_fn(width, height, |x, y| {
        let p = face.get_pixel(x % face.width(), y % face.height());
        let shade = ((x / 64 + y / 64) % 32) as u8;
        image::Rgb([p[0].saturating_add(shade), p[1], p[2]])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(Cursor::new(&mut out), quality)
        .encode_image(&canvas)
        .expect("JPEG encoding");
    out
}

fn main() -> std::io::Result<()> {
    let cases = [
        ("phone selfie, 4000×3000 (12 MP)", 4000, 3000, 85),
        ("decoder's limit, 8660×5770 (50 MP)", 8660, 5770, 30),
    ];
    let mut rows = Vec::new();
    let mut table = String::from(
        "| photo | JPEG size | normalised | time | peak RSS of the normalising |\n|---|---:|---:|---:|---:|\n",
    );
    for (name, width, height, quality) in cases {
        let bytes = jpeg(width, height, quality);
        // Forget the generator's own peak, then measure the product's code alone.
        std::fs::write("/proc/self/clear_refs", "5")?;
        let before = status_mib("VmRSS:");
        let started = Instant::now();
        let photo = normalise(&bytes).expect("the photo normalises");
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        let peak = status_mib("VmHWM:");
        table.push_str(&format!(
            "| {name} | {:.2} MiB | {} bytes | {elapsed:.0} ms | {:.0} MiB (+{:.0} MiB over the {before:.0} MiB before) |\n",
            bytes.len() as f64 / 1048576.0,
            photo.jpeg.len(),
            peak,
            peak - before,
        ));
        rows.push(json!({
            "photo": name, "jpeg_bytes": bytes.len(), "normalised_bytes": photo.jpeg.len(),
            "ms": elapsed, "peak_rss_mib": peak, "rss_before_mib": before,
        }));
    }
    let markdown = format!(
        "## Photo normalising: what sizes attendance\n\n\
         `domain::photo::normalise` (decode within limits, turn upright, downscale to 1280 px, \
         re-encode) on a generated phone-sized JPEG and on the largest image its limits admit, in \
         one process built with the `local` profile; peak RSS is `VmHWM` reset through \
         `/proc/self/clear_refs` right before each call.\n\n\
         ```sh\ncargo run --profile local -p bench --bin photo-peak\n```\n\n{table}"
    );
    results::write_part("photo", &json!({ "photos": rows }), &markdown)?;
    print!("{markdown}");
    Ok(())
}
