"""An installed copy of the package migrates a live-class database with the Alembic scripts it ships.

The migrations live inside the package (``simulator/live/migrations``, no ``alembic.ini``): a wheel that
left them out would install fine and fail at a teacher's first class. This builds the wheel, installs it
on its own into a temporary folder and, from a working directory far from the source tree, makes a
fresh SQLite database with it and a class in it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from simulator.live.migrate import head_revision

ROOT = Path(__file__).resolve().parents[1]

_USE_INSTALLED = """
import sys
import simulator
assert simulator.__file__.startswith(sys.argv[1]), simulator.__file__
from simulator.live import migrate, service
from simulator.live.storage import Store
store = Store("sqlite:///" + sys.argv[2])
new = service.create_class(store, "From the wheel", live=["lawsuit"])
print(migrate.MIGRATIONS)
print(migrate.current_revision(store.engine))
print(len(service.list_classes(store)))
"""


def test_an_installed_wheel_ships_its_migrations_and_runs_them(tmp_path):
    src, wheels, site, work = (tmp_path / d for d in ("src", "wheels", "site", "elsewhere"))
    work.mkdir()
    # Built from a copy: setuptools writes build/ and *.egg-info beside the sources it builds.
    src.mkdir()
    for f in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / f, src / f)
    shutil.copytree(ROOT / "simulator", src / "simulator", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "-w", str(wheels), "-q"],
                   check=True, timeout=600, capture_output=True)
    (wheel,) = wheels.glob("allofmp3_sim-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"simulator/live/migrations/env.py", "simulator/live/migrations/script.py.mako",
            "simulator/assumptions.yaml"} <= names
    assert any(n.startswith("simulator/live/migrations/versions/") and n.endswith(".py") for n in names)

    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-compile", "--target", str(site),
                    str(wheel), "-q"], check=True, timeout=600, capture_output=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONPATH": str(site)}
    out = subprocess.run([sys.executable, "-c", _USE_INSTALLED, str(site), str(work / "live.sqlite3")], cwd=work,
                         env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    migrations, revision, classes = out.stdout.split()
    assert Path(migrations).is_relative_to(site)
    assert revision == head_revision()
    assert classes == "1"
