"""The words of random aliases: the EFF Short Wordlist #1 (CC BY 3.0 US), shipped in accounts/data/."""

from pathlib import Path

WORDLIST_PATH = Path(__file__).resolve().parent / "data" / "eff_short_wordlist_1.txt"


def words_load(*, path: Path = WORDLIST_PATH) -> tuple[str, ...]:
    """Read the word list: one lowercase word a line, `#` lines are the attribution."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


WORDS = words_load()
