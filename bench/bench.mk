# `make bench` parts: Lambda cold starts against the Python boto3 baseline (bench-cold) and binary
# size under both release profiles (bench-size). Included by the Makefile; results land in
# target/bench/{cold-start,size}.{json,md}.

.PHONY: bench-build bench-cold bench-size bench-python-venv bench-aarch64-target

BENCH_VENV := .venv-bench
BENCH_VENV_STAMP := $(BENCH_VENV)/.installed
# The three functions raced against Python, and every function crate packaged for size.
BENCH_COLD_BINS := company-admin leave-requests question-answer
BENCH_FUNCTION_PKGS := $(notdir $(wildcard functions/*))
# The `opt-level = 3` twin is packaged for these (all by default; each LTO build is minutes).
BENCH_O3_PKGS ?= $(BENCH_FUNCTION_PKGS)
BENCH_LAMBDA_DIR := target/bench/lambda

# The baseline's own venv (boto3 and awslambdaric pinned), apart from .venv whose boto3 moto pins;
# rebuilt only when the requirements change.
$(BENCH_VENV_STAMP): bench/python/requirements.txt
	python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet --disable-pip-version-check -r bench/python/requirements.txt
	touch $(BENCH_VENV_STAMP)

bench-python-venv: $(BENCH_VENV_STAMP)

# Lambda runs arm64; its standard library is a rustup component, added once.
bench-aarch64-target:
	@rustup target list --installed | grep -qx aarch64-unknown-linux-gnu \
	  || rustup target add aarch64-unknown-linux-gnu

# Everything `make bench` runs, built first, so that no part measures while another compiles
# (each part's own build is then a no-op). The harness and the embedded stack build with the
# `local` profile, as `make run` does; the functions as they ship (`release`).
bench-build: setup bench-aarch64-target $(BENCH_VENV_STAMP)
	cargo build --release $(addprefix -p ,$(BENCH_COLD_BINS)) $(addprefix --bin ,$(BENCH_COLD_BINS))
	cargo build --profile release-o3 -p company-admin --bin company-admin
	cargo lambda build --release --arm64 --output-format zip \
	  --lambda-dir $(BENCH_LAMBDA_DIR)/release $(addprefix -p ,$(BENCH_FUNCTION_PKGS))
	cargo lambda build --profile release-o3 --arm64 --output-format zip \
	  --lambda-dir $(BENCH_LAMBDA_DIR)/release-o3 $(addprefix -p ,$(BENCH_O3_PKGS))
	cargo build --profile local -p local
	cargo build --profile local -p bench --bins
	cargo bench --profile local -p bench --no-run

bench-cold: setup $(BENCH_VENV_STAMP)
	cargo build --release $(addprefix -p ,$(BENCH_COLD_BINS)) $(addprefix --bin ,$(BENCH_COLD_BINS))
	cargo build --profile local -p bench --bin cold-start
	./target/local/cold-start

# Both profiles as arm64 Lambda zips, and native builds of company-admin under both for timing.
bench-size: setup bench-aarch64-target
	cargo lambda build --release --arm64 --output-format zip \
	  --lambda-dir $(BENCH_LAMBDA_DIR)/release $(addprefix -p ,$(BENCH_FUNCTION_PKGS))
	cargo lambda build --profile release-o3 --arm64 --output-format zip \
	  --lambda-dir $(BENCH_LAMBDA_DIR)/release-o3 $(addprefix -p ,$(BENCH_O3_PKGS))
	cargo build --release -p company-admin --bin company-admin
	cargo build --profile release-o3 -p company-admin --bin company-admin
	cargo build --profile local -p bench --bin size
	./target/local/size
