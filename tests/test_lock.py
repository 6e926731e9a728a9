"""The hashed lock files cover pyproject.toml's dependencies (run `make lock` after changing them)."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9_.-]+", requirement).group(0)).lower()


def _pins(lock: str) -> dict[str, list[str]]:
    """name -> the lines of its entry."""
    entries: dict[str, list[str]] = {}
    current = None
    for line in (ROOT / lock).read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==\S+", line)
        if match:
            current = _name(match.group(1))
            entries[current] = [line]
        elif current and line.startswith("    "):
            entries[current].append(line)
    return entries


def test_every_dependency_is_pinned_with_hashes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime, dev = _pins("requirements.lock"), _pins("requirements-dev.lock")
    assert {_name(r) for r in project["dependencies"]} - set(runtime) == set()
    assert {_name(r) for r in project["optional-dependencies"]["dev"]} - set(dev) == set()
    for lock in (runtime, dev):
        assert all(any("--hash=sha256:" in line for line in lines) for lines in lock.values())


def test_the_dev_lock_keeps_the_runtime_versions():
    runtime, dev = _pins("requirements.lock"), _pins("requirements-dev.lock")
    assert {name: lines[0].split(" ")[0] for name, lines in runtime.items()} == {
        name: dev[name][0].split(" ")[0] for name in runtime
    }
