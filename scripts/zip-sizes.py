#!/usr/bin/env python3
"""Prints each Lambda zip under a cargo-lambda output folder with its size and its bootstrap's,
and fails if one exceeds Lambda's practical budget for fast cold starts (5 MB zipped)."""
import pathlib
import sys
import zipfile

LIMIT = 5_000_000  # 5 MB, decimal, as BENCHMARKS.md counts

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/lambda")
zips = sorted(root.glob("*/bootstrap.zip"))
if not zips:
    sys.exit(f"no bootstrap.zip under {root}: run cargo lambda build --output-format zip")
print(f"{'function':<28} {'zip bytes':>12} {'bootstrap bytes':>16}")
over = []
for z in zips:
    unpacked = sum(i.file_size for i in zipfile.ZipFile(z).infolist())
    size = z.stat().st_size
    print(f"{z.parent.name:<28} {size:>12,} {unpacked:>16,}")
    if size > LIMIT:
        over.append(z.parent.name)
if over:
    sys.exit(f"over {LIMIT:,} bytes zipped: {', '.join(over)}")
