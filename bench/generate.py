"""Generate the benchmark inputs: seeded records in every shape that ``scan`` reads.

The records come from ``examples/generate_sample.py`` (the API's value sets, tag and port
mixes, Chinese text, about 8% IPv6, lognormal traffic volumes). Each size gets three files
with the same records in the same order:

- ``response.json``: one API response, indented by two spaces as the console exports it;
- ``pages.json``: a list of page responses of ten records each;
- ``records.jsonl``: JSON Lines, one compact record per line.

Usage::

    .venv/bin/python bench/generate.py --sizes 10k,200k,1m --output-dir /tmp/cfw-bench

Files that exist already are kept, so a second run costs nothing.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
from generate_sample import DEFAULT_SEED, build_document, generate_records  # noqa: E402

#: Size names accepted by ``--sizes`` and their record counts.
SIZES = {"2k": 2_000, "10k": 10_000, "50k": 50_000, "200k": 200_000, "1m": 1_000_000}
SHAPE_FILES = {"response": "response.json", "pages": "pages.json", "jsonl": "records.jsonl"}


def input_path(output_dir: Path, size: str, shape: str) -> Path:
    """Return where the file of ``size`` and ``shape`` is written."""
    return output_dir / size / SHAPE_FILES[shape]


def generate(output_dir: Path, size: str, seed: int) -> list[Path]:
    """Write the three shapes of ``size`` into ``output_dir/size`` and return their paths."""
    paths = [input_path(output_dir, size, shape) for shape in SHAPE_FILES]
    if all(path.exists() for path in paths):
        return paths

    started = time.perf_counter()
    rng = random.Random(seed)
    records = generate_records(rng, SIZES[size])
    paths[0].parent.mkdir(parents=True, exist_ok=True)
    for shape, path in zip(SHAPE_FILES, paths):
        _write(path, records, shape, rng)
    print(f"{size}: {len(records)} records in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return paths


def _write(path: Path, records: list[dict[str, Any]], shape: str, rng: random.Random) -> None:
    partial = path.with_suffix(path.suffix + ".part")
    with partial.open("wb") as stream:
        if shape == "jsonl":
            for record in records:
                stream.write(orjson.dumps(record))
                stream.write(b"\n")
        else:
            stream.write(orjson.dumps(build_document(records, shape, rng), option=orjson.OPT_INDENT_2))
            stream.write(b"\n")
    partial.replace(path)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and generate the requested sizes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,200k", help="comma-separated sizes among " + ", ".join(SIZES))
    parser.add_argument("--output-dir", type=Path, default=Path("/tmp/cfw-bench"), help="folder for the files")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default: %(default)s)")
    args = parser.parse_args(argv)

    sizes = [size.strip() for size in args.sizes.split(",") if size.strip()]
    unknown = [size for size in sizes if size not in SIZES]
    if unknown:
        parser.error(f"unknown size {', '.join(unknown)}; use {', '.join(SIZES)}")
    for size in sizes:
        for path in generate(args.output_dir, size, args.seed):
            print(f"{path}  {path.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
