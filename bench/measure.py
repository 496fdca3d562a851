"""Run one baseline engine on one input file and print its per-rule counts as JSON.

The harness starts this script in a fresh process for every measurement, so the wall
time and peak RSS that it records belong to that engine alone::

    .venv/bin/python bench/measure.py c7n /tmp/cfw-bench/200k/response.json
"""

from __future__ import annotations

import sys
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
import baselines  # noqa: E402

ENGINES = ("orjson", "python-loop", "c7n", "c7n-list-item", "duckdb")


def main(argv: list[str]) -> int:
    """Run the engine named by ``argv[0]`` on the file ``argv[1]``."""
    if len(argv) != 2 or argv[0] not in ENGINES:
        print(f"usage: measure.py {{{','.join(ENGINES)}}} FILE", file=sys.stderr)
        return 2

    engine, path = argv[0], Path(argv[1])
    if engine == "orjson":
        # The floor: read the file and parse it to dicts, whatever its shape.
        document = orjson.loads(path.read_bytes()) if path.suffix != ".jsonl" else baselines.load_dicts(path)
        counts: dict[str, int] | None = None
        del document
    elif engine == "duckdb":
        counts = baselines.duckdb_counts(path)
    else:
        records = baselines.load_dicts(path)
        if engine == "python-loop":
            counts = baselines.python_loop_counts(records)
        elif engine == "c7n":
            counts = baselines.c7n_counts(records)
        else:
            counts = baselines.c7n_counts(records, baselines.C7N_LIST_ITEM_FILTERS)
    sys.stdout.write(orjson.dumps({"counts": counts}).decode() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
