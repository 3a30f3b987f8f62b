//! The face port on the local dlib matcher, with real photos (the `face_recognition` sdist's
//! samples): the same person matches above the product's default threshold, another person
//! stays below it, and the quality gate refuses what it must.
//!
//! The Rekognition side cannot run here (moto answers Rekognition with canned faces); its
//! request shapes and response mapping are proved by the adapter's own fixture tests.

use std::io::Cursor;

use domain::ports::{FaceError, FaceVerifier};
use embedded_adapters::DlibFaces;
use image::{DynamicImage, ImageFormat, RgbImage};
use testkit::{face_data_dir, sample_photo, temp_dir};

/// The default `FACE_MATCH_THRESHOLD` of the attendance function.
const THRESHOLD: f32 = 80.0;

fn jpeg(picture: &DynamicImage) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    picture.write_to(&mut out, ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

/// Two real faces side by side.
fn two_people() -> Vec<u8> {
    let a = image::load_from_memory(&sample_photo("obama.jpg"))
        .unwrap()
        .to_rgb8();
    let b = image::load_from_memory(&sample_photo("biden.jpg"))
        .unwrap()
        .to_rgb8();
    let height = a.height().max(b.height());
    let mut both = RgbImage::new(a.width() + b.width(), height);
    image::imageops::replace(&mut both, &a, 0, 0);
    image::imageops::replace(&mut both, &b, i64::from(a.width()), 0);
    jpeg(&DynamicImage::ImageRgb8(both))
}

#[tokio::test]
async fn the_local_matcher_tells_people_apart_and_gates_quality() {
    let faces =
        DlibFaces::open(&face_data_dir(), &temp_dir("faces").join("faces.sqlite3")).unwrap();
    let obama = faces
        .enrol("acme", "obama", &sample_photo("obama.jpg"))
        .await
        .unwrap();

    let mut measured = Vec::new();
    for (photo, same) in [
        ("obama2.jpg", true),
        ("obama3.jpg", true),
        ("biden.jpg", false),
    ] {
        let s = faces
            .compare("acme", &obama, &sample_photo(photo))
            .await
            .unwrap();
        measured.push(format!("{photo}: {s:.1}"));
        assert_eq!(s >= THRESHOLD, same, "{photo} scored {s}");
    }
    eprintln!("similarity to obama.jpg: {}", measured.join(", "));

    let blank = jpeg(&DynamicImage::ImageRgb8(RgbImage::from_pixel(
        400,
        300,
        image::Rgb([200, 180, 160]),
    )));
    assert_eq!(
        faces.compare("acme", &obama, &blank).await,
        Err(FaceError::NoFace)
    );
    assert_eq!(
        faces.enrol("acme", "x", &two_people()).await,
        Err(FaceError::SeveralFaces(2))
    );
    assert!(matches!(
        faces.enrol("acme", "x", b"not a jpeg").await,
        Err(FaceError::InvalidImage(_))
    ));
    // Collections are companies: another company does not see this face.
    assert_eq!(
        faces
            .compare("globex", &obama, &sample_photo("obama2.jpg"))
            .await,
        Err(FaceError::NotFound)
    );

    faces
        .delete("acme", std::slice::from_ref(&obama))
        .await
        .unwrap();
    faces
        .delete("acme", std::slice::from_ref(&obama))
        .await
        .unwrap();
    assert_eq!(
        faces
            .compare("acme", &obama, &sample_photo("obama2.jpg"))
            .await,
        Err(FaceError::NotFound)
    );
}

#[tokio::test]
async fn the_local_matcher_refuses_what_rekognition_refuses() {
    let faces = DlibFaces::open(
        &face_data_dir(),
        &temp_dir("faces-ids").join("faces.sqlite3"),
    )
    .unwrap();
    // Rekognition's ExternalImageId takes no `@`; its CollectionId no space.
    for (collection, person) in [("acme", "ravi@acme.test"), ("acme corp", "ravi")] {
        let refused = faces
            .enrol(collection, person, &sample_photo("obama.jpg"))
            .await;
        assert!(
            matches!(refused, Err(FaceError::Refused(_))),
            "{collection} / {person}: {refused:?}"
        );
    }
    let big = vec![0xFF; domain::ports::MAX_IMAGE_BYTES + 1];
    assert!(matches!(
        faces.compare("acme", "any", &big).await,
        Err(FaceError::Refused(_))
    ));
}
