"""Smoke test of `sam build`'s artefacts: import each built function and the built layer.

Each import runs in a fresh interpreter with -S (no site-packages, so nothing comes from the
venv) and -P (not the current directory), with only what Lambda would put on sys.path: the
function's code, the layer's python/ folder, then a stand-in for the packages that the
python3.12 runtime provides (boto3 and its dependencies, linked from the venv).

Usage: python mk/sam_smoke.py [BUILD_DIR]   (default .aws-sam/build)
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")

CHECK_LAYER = """
import importlib, pkgutil, sys
assert sys.version_info[:2] == (3, 12), sys.version
import oim_connector
assert oim_connector.__file__.startswith(sys.argv[1]), oim_connector.__file__
names = [m.name for m in pkgutil.walk_packages(oim_connector.__path__, "oim_connector.")]
for name in names:
    importlib.import_module(name)
print(len(names) + 1)
"""

CHECK_FUNCTION = """
import sys
import app
assert app.__file__.startswith(sys.argv[1]), app.__file__
assert callable(app.lambda_handler), "app.lambda_handler is not callable"
"""


def runtime_stand_in(target: Path) -> Path:
    """A folder of links to the venv's copies of the packages the Lambda runtime provides."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name in RUNTIME_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise SystemExit(f"smoke: {name} is not installed in the venv")
        origin = Path(spec.origin)
        source = origin.parent if spec.submodule_search_locations else origin
        (target / source.name).symlink_to(source)
    return target


def run_isolated(code: str, path: list[Path], expected_root: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in path)
    return subprocess.run(
        [sys.executable, "-S", "-P", "-c", code, f"{expected_root}{os.sep}"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def main(argv: list[str]) -> int:
    build = Path(argv[1] if len(argv) > 1 else ".aws-sam/build").resolve()
    layer = build / "CommonLayer" / "python"
    if not layer.is_dir():
        print(f"smoke: {layer} is missing: run `make build` first", file=sys.stderr)
        return 1
    runtime = runtime_stand_in(build.parent / "smoke-runtime")

    failures = 0
    result = run_isolated(CHECK_LAYER, [layer, runtime], layer)
    if result.returncode:
        failures += 1
        print(f"smoke: CommonLayer FAILED\n{result.stderr}", file=sys.stderr)
    else:
        print(f"smoke: CommonLayer ok ({result.stdout.strip()} modules imported)")

    sources = sorted(p.parent.name for p in Path("functions").glob("*/app.py"))
    built = sorted(p for p in build.iterdir() if p.is_dir() and p.name.endswith("Function"))
    if len(built) != len(sources):
        failures += 1
        print(f"smoke: {len(built)} functions built but functions/ has {len(sources)}", file=sys.stderr)
    for function in built:
        result = run_isolated(CHECK_FUNCTION, [function, layer, runtime], function)
        if result.returncode:
            failures += 1
            print(f"smoke: {function.name} FAILED\n{result.stderr}", file=sys.stderr)
        else:
            print(f"smoke: {function.name} ok")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
