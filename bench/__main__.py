"""``python -m bench [--quick] [--json] [--only NAME]``: run every benchmark, print one table."""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import platform
import sys
from pathlib import Path

import bench


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--quick", action="store_true", help="small sizes: checks that every benchmark runs")
    p.add_argument("--json", action="store_true", help="print a JSON list of {name, value, unit, target, met}")
    p.add_argument("--only", metavar="SUBSTRING", help="run only benchmark modules whose name contains this")
    args = p.parse_args(argv)

    results = []
    for info in sorted(pkgutil.iter_modules([str(Path(bench.__file__).parent)]), key=lambda i: i.name):
        if not info.name.startswith("bench_") or (args.only and args.only not in info.name):
            continue
        mod = importlib.import_module(f"bench.{info.name}")
        results.extend(mod.run(quick=args.quick))

    if args.json:
        json.dump([r.as_dict() for r in results], sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
          f"{__import__('os').cpu_count()} cores{' (quick run: sizes reduced)' if args.quick else ''}")
    rows = [(r.name, f"{r.value:.2f}", r.unit, f"<= {r.target:g}", "yes" if r.met else "NO", r.detail) for r in results]
    head = ("benchmark", "value", "unit", "target", "met", "detail")
    widths = [max(len(str(x[i])) for x in [head, *rows]) for i in range(len(head))]
    for row in [head, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
