"""The repository keeps the design card's shape: four Django apps of ours, tooling beside them, nothing else."""

import re
import subprocess
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
DESIGN_CARD = {
    "simplelogin",
    "accounts",
    "oauth_provider",
    "billing",
    "templates",
    "static",
    "keys",
    "tests",
    "manage.py",
    "Dockerfile",
    ".env.example",
    ".gitignore",
    "pyproject.toml",
    "README.md",
}
TOOLING = {
    "bench",
    "docs",
    "docker",
    ".ci",
    "Makefile",
    "compose.yaml",
    ".dockerignore",
    ".pre-commit-config.yaml",
    "requirements.lock",
    "requirements-dev.lock",
    "requirements-bootstrap.lock",
}


def tracked_top_level() -> set[str]:
    """The first path segment of every file git tracks."""
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return {line.split("/", 1)[0] for line in files.splitlines() if line}


def test_the_top_level_is_the_design_cards_plus_tooling():
    assert tracked_top_level() - DESIGN_CARD - TOOLING == set()


def test_our_django_apps_are_the_four_of_the_design_card():
    ours = {config.name for config in apps.get_app_configs() if (ROOT / config.name.split(".")[0]).is_dir()}
    assert ours == {"accounts", "oauth_provider", "billing"}  # + the `simplelogin` project package, not an app


def test_no_code_imports_the_apps_that_were_folded_in():
    pattern = re.compile(r"^\s*(from|import)\s+(developer|api|forwarding)\b", re.MULTILINE)
    offenders = [
        str(path.relative_to(ROOT))
        for top in ("simplelogin", "accounts", "oauth_provider", "billing", "tests", "bench")
        for path in (ROOT / top).rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
