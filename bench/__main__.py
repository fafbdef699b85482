"""`python -m bench NAME [NAME…]`, `python -m bench all`, `python -m bench --list`."""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
import sys
from pathlib import Path

from bench.harness import BENCHMARKS, Context


def _load_all() -> None:
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name not in ("harness", "__main__"):
            importlib.import_module(f"bench.{module.name}")


async def _run(names: list[str]) -> int:
    ctx = await Context.create()
    print(f"# backends: {', '.join(ctx.database_urls)}", file=sys.stderr)
    for name in names:
        print(f"# {name}", file=sys.stderr)
        for figure in await BENCHMARKS[name](ctx):
            print(figure.to_json(), flush=True)
    return 0


def main(argv: list[str]) -> int:
    _load_all()
    if not argv or argv[0] in ("-h", "--help", "--list"):
        print("benchmarks: " + ", ".join(sorted(BENCHMARKS)) + "\nusage: python -m bench NAME [NAME...] | all")
        return 0
    names = sorted(BENCHMARKS) if argv == ["all"] else argv
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(sorted(BENCHMARKS))}", file=sys.stderr)
        return 2
    return asyncio.run(_run(names))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
