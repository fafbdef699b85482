"""Every benchmark module imports and registers under a unique name (they are run by `make bench`)."""

from __future__ import annotations

import subprocess
import sys


def test_bench_lists_the_named_benchmarks():
    result = subprocess.run([sys.executable, "-m", "bench", "--list"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    listed = result.stdout.split("\n")[0].removeprefix("benchmarks: ").split(", ")
    assert {"audit", "footprint"} <= set(listed)


def test_figure_ratio_reads_the_same_way_for_times_and_rates():
    from bench.harness import Figure

    assert Figure("t", 2.0, "s", 1.0).ratio == 2.0
    assert Figure("r", 50.0, "records/s", 100.0).ratio == 2.0
