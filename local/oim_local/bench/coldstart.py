"""Cold start: each handler module imported in a fresh interpreter, as Lambda's INIT does."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

from oim_local.bench.figures import ColdStart
from oim_local.runner.handlers import FUNCTIONS_DIR, PROJECT_ROOT, function_names

_PROBE = (
    "import time, importlib.util, sys\n"
    "started, cpu = time.perf_counter(), time.process_time()\n"
    "spec = importlib.util.spec_from_file_location('app', sys.argv[1])\n"
    "module = importlib.util.module_from_spec(spec)\n"
    "spec.loader.exec_module(module)\n"
    "print((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000)\n"
)


def import_ms(function: str, runs: int = 3) -> tuple[float, float]:
    """Median milliseconds to import ``functions/<function>/app.py`` with only the layer on the path:
    (wall, CPU). On a shared machine the wall time counts the other processes' turns on the cores too;
    the CPU time is the import's own (a Lambda's cold start on its own vCPU is close to it)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "AWS_", "POWERTOOLS_"))}
    env.update(
        PYTHONPATH=str(PROJECT_ROOT / "layers" / "common"),
        PYTHONDONTWRITEBYTECODE="0",
        AWS_DEFAULT_REGION="eu-west-1",
        FLOW=function.replace("_", "-"),
        POWERTOOLS_SERVICE_NAME="oim-connector",
    )
    samples: list[tuple[float, float]] = []
    path = FUNCTIONS_DIR / function / "app.py"
    for _ in range(runs + 1):  # the first run also writes bytecode caches; Lambda ships them warm
        answer = subprocess.run(
            [sys.executable, "-c", _PROBE, str(path)], env=env, cwd=Path("/"), capture_output=True, text=True,
            check=True, timeout=120,
        )  # fmt: skip
        wall, cpu = answer.stdout.strip().splitlines()[-1].split()
        samples.append((float(wall), float(cpu)))
    return statistics.median(s[0] for s in samples[1:]), statistics.median(s[1] for s in samples[1:])


def cold_starts(runs: int = 3) -> list[ColdStart]:
    starts = []
    for name in function_names():
        wall, cpu = import_ms(name, runs)
        starts.append(ColdStart(function=name, import_ms=round(wall, 1), import_cpu_ms=round(cpu, 1)))
    return starts
