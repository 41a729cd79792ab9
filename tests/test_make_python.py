"""The Makefile finds a Python 3.12+ itself, and says clearly what it tried when there is none."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAKE = shutil.which("make")

pytestmark = pytest.mark.skipif(MAKE is None, reason="needs make")


def make_venv_with(tmp_path: Path, pythons: dict[str, Path]) -> subprocess.CompletedProcess:
    """Run `make -n venv`-like discovery in a copy of the project whose PATH holds only `pythons`."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "Makefile", project / "Makefile")
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("sort",):
        os.symlink(shutil.which(tool), bin_dir / tool)
    for name, target in pythons.items():
        os.symlink(target, bin_dir / name)
    # A venv that cannot be created stops make before any install: we only want to see which Python it chose.
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path)}
    return subprocess.run(
        [MAKE, "--no-print-directory", "-C", str(project), "venv", "PY=/bin/false"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_no_suitable_python_stops_with_a_message_naming_what_was_tried(tmp_path):
    old = Path("/usr/bin/python3.11")
    if not old.exists():
        pytest.skip("needs an old python3 to offer the Makefile")
    result = make_venv_with(tmp_path, {"python3": old})
    assert result.returncode != 0
    assert "needs Python 3.12 or newer" in result.stderr
    assert "python3.13, python3.12, python3" in result.stderr and "pyenv" in result.stderr


def test_a_suitable_python_on_the_path_is_chosen(tmp_path):
    result = make_venv_with(tmp_path, {"python3.13": Path(sys.executable).resolve()})
    assert f"Using {tmp_path / 'bin' / 'python3.13'} (Python 3.1" in result.stdout
