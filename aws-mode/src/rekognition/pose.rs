//! A head's pose in degrees, as Rekognition reports it, estimated from dlib's five landmarks
//! (the eyes and the point below the nose) with a simple head model: the nose stands in front
//! of the eyes' plane, so turning the head moves it off the eyes' midline (yaw) and along it
//! (pitch), and tilting it slants the line between the eyes (roll).

use embedded_adapters::{FoundFace, MAX_YAW_RATIO};
use serde::Serialize;

/// The turn the local matcher's `MAX_YAW_RATIO` stands for ("about 25°"): the two gates, the
/// matcher's and the Rekognition adapter's `MAX_TURN_DEGREES`, then agree on every face.
const YAW_AT_MAX_RATIO: f64 = 25.0;
/// Where the point below the nose sits under the eyes' line on a level face, as a share of the
/// eye distance (the mean over the sample photos, `make setup`'s obama*.jpg and biden.jpg).
const LEVEL_NOSE_DROP: f64 = 0.71;

/// Rotations of the face, in degrees: `Yaw` left and right, `Pitch` up and down, `Roll` in
/// the picture's plane.
#[derive(Clone, Copy, Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Pose {
    pub roll: f32,
    pub yaw: f32,
    pub pitch: f32,
}

/// How far the nose stands in front of the eyes, as a share of the eye distance.
fn nose_depth() -> f64 {
    MAX_YAW_RATIO / YAW_AT_MAX_RATIO.to_radians().tan()
}

/// The pose of `face`; level and frontal if the landmarks are missing.
pub fn pose(face: &FoundFace) -> Pose {
    let (Some([left, right, nose]), Some(yaw_ratio)) = (face.eyes_and_nose(), face.yaw_ratio())
    else {
        return Pose::default();
    };
    let depth = nose_depth();
    let (dx, dy) = (right.0 - left.0, right.1 - left.1);
    let eyes = dx.hypot(dy).max(1.0);
    // The nose's drop below the eyes' line, measured across that line so roll does not count.
    let (mx, my) = ((left.0 + right.0) / 2.0, (left.1 + right.1) / 2.0);
    let drop = ((nose.1 - my) * dx - (nose.0 - mx) * dy) / (eyes * eyes);
    // drop = LEVEL_NOSE_DROP·cos(pitch) − depth·sin(pitch): looking up lifts the nose.
    let reach = LEVEL_NOSE_DROP.hypot(depth);
    let pitch = (drop / reach).clamp(-1.0, 1.0).acos() - depth.atan2(LEVEL_NOSE_DROP);
    Pose {
        roll: dy.atan2(dx).to_degrees() as f32,
        // yaw_ratio = depth·tan(yaw), the eye distance shrinking as the nose moves.
        yaw: (yaw_ratio / depth).atan().to_degrees() as f32,
        pitch: pitch.to_degrees() as f32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_matchers_frontal_limit_is_the_adapters_turn_limit() {
        let depth = nose_depth();
        let yaw = (MAX_YAW_RATIO / depth).atan().to_degrees();
        assert!((yaw - YAW_AT_MAX_RATIO).abs() < 1e-9, "{yaw}");
    }
}
