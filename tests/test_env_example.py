"""Every environment variable the settings read is documented in .env.example."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_variable_is_in_env_example():
    settings_source = (ROOT / "simplelogin" / "settings.py").read_text()
    names = set(re.findall(r'env(?:\.[a-z_]+)?\(\s*"([A-Z0-9_]+)"', settings_source))
    documented = set(re.findall(r"^#?\s?([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert names, "no variables found: the pattern no longer matches settings.py"
    assert names - documented == set()
    for provider in ("GITHUB", "GOOGLE", "FACEBOOK"):
        assert {f"{provider}_CLIENT_ID", f"{provider}_CLIENT_SECRET"} <= documented
