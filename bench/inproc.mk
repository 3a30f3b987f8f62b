# Items 4–6 of `make bench` (included by the root Makefile): in-process criterion benches with
# their p99, throughput of the real embedded stack, and cost as data grows. Everything builds
# with the `local` profile (what `make run` ships), sharing its artefacts with `make build`.
# Each target writes target/bench/<part>.json and .md (inproc, load, scaling).

.PHONY: bench-criterion bench-load bench-scaling

bench-criterion: setup
	rm -rf target/criterion/domain target/criterion/handlers
	cargo bench --profile local -p bench --bench domain --bench handlers
	cargo run --profile local -p bench --bin inproc

# Built on its own, as `make build` builds it: together with bench, features would unify.
bench-load: setup
	cargo build --profile local -p local
	cargo run --profile local -p bench --bin load

bench-scaling: setup
	cargo run --profile local -p bench --bin scaling
