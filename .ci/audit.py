"""pip-audit over a hashed lock file: fail on any known vulnerability, and say plainly when no audit was possible.

Usage: .venv/bin/python .ci/audit.py requirements-dev.lock
pip-audit asks PyPI's JSON API for each pinned version. Where that API cannot be reached (a registry mirror that
serves only the project pages), every package comes back "skipped": this script then reports that the audit did
not happen instead of letting "No known vulnerabilities found" pass for one.
"""

import json
import subprocess
import sys
from pathlib import Path


def main() -> int:
    """Run pip-audit, print its findings, return the exit code."""
    lock = sys.argv[1]
    pip_audit = Path(sys.executable).with_name("pip-audit")
    result = subprocess.run(
        [str(pip_audit), "--disable-pip", "--require-hashes", "-r", lock, "-f", "json", "--progress-spinner", "off"],
        capture_output=True,
        text=True,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(result.stdout + result.stderr)
        return 1
    dependencies = report["dependencies"]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            print(f"VULNERABLE {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
    if vulnerable:
        return 1
    if skipped and len(skipped) == len(dependencies):
        print(
            f"pip-audit: NOT AUDITED - the vulnerability service answered for none of the {len(dependencies)} "
            f"locked packages from this network ({skipped[0]['skip_reason']})."
        )
        return 0
    for dependency in skipped:
        print(f"not audited: {dependency['skip_reason']}")
    print(f"pip-audit: {len(dependencies) - len(skipped)} packages audited, no known vulnerabilities.")
    return 1 if skipped else 0


if __name__ == "__main__":
    sys.exit(main())
