//! Similarity on Rekognition's scale. dlib's descriptor distance has one documented line: 0.6
//! and closer is the same person. Rekognition's has one too: `SearchFacesByImage` matches at a
//! similarity of 80 by default. The endpoint maps the first line onto the second, and spreads
//! the rest as Rekognition answers: two photos of one person score in the nineties (so the
//! deployed `FaceMatchThreshold` of 90 means here what it means there), a stranger far below.
//! The embedded stack keeps dlib's own linear scale with the function's default threshold of
//! 80; at their default lines the two decide alike.

/// dlib's same-person distance, and the similarity Rekognition matches at by default.
const SAME_PERSON: (f64, f64) = (0.6, 80.0);
/// A distance this small is two photos of one person, as alike as Rekognition ever says (99).
const ALIKE: (f64, f64) = (0.3, 99.0);
/// A distance this large shares nothing.
const UNRELATED: f64 = 1.0;

/// The similarity (0–100) Rekognition would give two faces `distance` apart in dlib's space.
pub fn rekognition_similarity(distance: f64) -> f32 {
    let between =
        |(d0, s0): (f64, f64), (d1, s1): (f64, f64)| s0 + (distance - d0) / (d1 - d0) * (s1 - s0);
    let score = if distance <= ALIKE.0 {
        between((0.0, 100.0), ALIKE)
    } else if distance <= SAME_PERSON.0 {
        between(ALIKE, SAME_PERSON)
    } else {
        between(SAME_PERSON, (UNRELATED, 0.0))
    };
    score.clamp(0.0, 100.0) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_person_line_is_rekognitions_default_threshold() {
        assert_eq!(rekognition_similarity(0.6), 80.0);
        assert_eq!(rekognition_similarity(0.0), 100.0);
        assert_eq!(rekognition_similarity(0.3), 99.0);
        assert_eq!(rekognition_similarity(1.5), 0.0);
        let mut last = 101.0;
        for step in 0..=120 {
            let s = rekognition_similarity(f64::from(step) / 100.0);
            assert!(s <= last, "falls as faces differ");
            last = s;
        }
    }
}
