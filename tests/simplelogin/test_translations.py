"""The French catalogues are complete, compiled and consistent, so no string ships untranslated.

Strings are extracted the way `makemessages` does (Django's own `templatize` for templates), read with Babel,
and compared with the catalogues: a string marked for translation but missing from them, an empty or fuzzy
translation, or a .mo file older than its .po each fail here (docs/development.md, Translations).
"""

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.template.base import Lexer, TokenType
from django.utils import translation
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
CATALOGUES = [Path(path) / "fr" / "LC_MESSAGES" / "django.po" for path in settings.LOCALE_PATHS]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]")
# Words a template may show untranslated: the product's name, protocol vocabulary, and CSS classes in blocks.
NOT_WORDS = {"SimpleLogin", "UTC", "DOCTYPE", "html", "iss", "RFC", "HTTP", "id", "token", "Userinfo"}
NOT_WORDS |= {"default", "single"}  # {% block body_class %}
SHOWN_ATTRIBUTES = re.compile(r'\b(?:alt|placeholder|aria-label|title|data-label)="([^"{]*)"')


def key(message_id, context) -> tuple[str, str | None]:
    """A message's identity: its (singular) msgid and its context."""
    return (message_id[0] if isinstance(message_id, (tuple, list)) else message_id, context or None)


def as_tuple(string) -> tuple[str, ...]:
    """A translation's forms (one, or one per plural form; .mo files hold lists)."""
    return tuple(string) if isinstance(string, (tuple, list)) else (string,)


def extracted() -> dict[tuple[str, str | None], str]:
    """Every string marked for translation in templates/ and in our Python packages, with where it is."""
    found = {}
    sources = [(path, templatize(path.read_text(), origin=str(path))) for path in (ROOT / "templates").rglob("*.html")]
    sources += [(path, templatize(path.read_text(), origin=str(path))) for path in (ROOT / "templates").rglob("*.txt")]
    for package in ("simplelogin", "accounts", "oauth_provider", "billing"):
        sources += [
            (path, path.read_text()) for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts
        ]
    for path, code in sources:
        for lineno, message, _comments, context in extract("python", io.BytesIO(code.encode()), KEYWORDS):
            found.setdefault(key(message, context), f"{path.relative_to(ROOT)}:{lineno}")
    return found


def catalogue_entries() -> list[tuple[Path, object]]:
    entries = []
    for path in CATALOGUES:
        with path.open("rb") as po:
            entries += [(path, message) for message in read_po(po, locale="fr") if message.id]
    return entries


def test_there_is_a_french_catalogue_for_each_app_and_the_project():
    assert {path.relative_to(ROOT).parts[0] for path in CATALOGUES} == {
        "simplelogin",
        "accounts",
        "oauth_provider",
        "billing",
    }
    assert all(path.is_file() and path.with_suffix(".mo").is_file() for path in CATALOGUES)


def untranslated_words(source: str) -> list[str]:
    """Words a template shows outside {% translate %} / {% blocktranslate %} (code samples and scripts aside)."""
    depth, texts = 0, []
    for token in Lexer(source).tokenize():
        name = token.contents.split()[0] if token.token_type == TokenType.BLOCK and token.contents else ""
        if name in ("blocktranslate", "blocktrans", "comment"):
            depth += 1
        elif name in ("endblocktranslate", "endblocktrans", "endcomment"):
            depth -= 1
        elif token.token_type == TokenType.TEXT and not depth:
            texts.append(token.contents)
    text = re.sub(r"<(code|pre|script|style)\b.*?</\1>", " ", "".join(texts), flags=re.S)
    shown = [value for value in SHOWN_ATTRIBUTES.findall(text) if re.search(r"[A-Za-z]{2}", value)]
    words = re.findall(r"[A-Za-z][A-Za-z'’-]+", re.sub(r"<[^>]*>", " ", text))
    return [word for word in words if word not in NOT_WORDS] + shown


def test_no_template_shows_a_word_outside_a_translate_tag():
    templates = [*(ROOT / "templates").rglob("*.html"), *(ROOT / "templates").rglob("*.txt")]
    found = {str(path.relative_to(ROOT)): untranslated_words(path.read_text()) for path in templates}
    assert {path: words for path, words in found.items() if words} == {}


def test_the_untranslated_words_check_sees_text_and_attributes():
    source = '{% load i18n %}<p>{% translate "Fine" %} <b>Oops</b></p><img alt="A cat"><code>curl -H x</code>'
    assert untranslated_words(source) == ["Oops", "A cat"]


def test_every_string_marked_for_translation_is_in_a_catalogue():
    known = {key(message.id, message.context) for _path, message in catalogue_entries()}
    missing = {text: where for text, where in extracted().items() if text not in known}
    assert not missing, f"run makemessages and translate (docs/development.md): {missing}"
    assert len(known) > 500


def test_every_string_has_a_french_translation_keeping_its_placeholders():
    problems = []
    for path, message in catalogue_entries():
        strings, ids = as_tuple(message.string), as_tuple(message.id)
        if message.fuzzy or not all(strings):
            problems.append((str(path.relative_to(ROOT)), message.id, "untranslated or fuzzy"))
            continue
        for string in strings:
            if set(PLACEHOLDER.findall(string)) != set(PLACEHOLDER.findall(ids[-1])):
                problems.append((str(path.relative_to(ROOT)), message.id, string))
    assert not problems


def test_the_catalogues_have_no_string_left_from_code_that_is_gone():
    marked = set(extracted())
    stale = [message.id for _path, message in catalogue_entries() if key(message.id, message.context) not in marked]
    assert not stale, "run makemessages --no-obsolete (docs/development.md)"


def test_a_string_in_two_catalogues_is_translated_the_same_in_both():
    seen = {}
    for _path, message in catalogue_entries():
        seen.setdefault(key(message.id, message.context), set()).add(message.string)
    assert {text: strings for text, strings in seen.items() if len(strings) > 1} == {}


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda path: path.relative_to(ROOT).parts[0])
def test_the_compiled_mo_file_is_the_po_file_compiled(po_path):
    with po_path.open("rb") as po, po_path.with_suffix(".mo").open("rb") as mo:
        source, compiled = read_po(po, locale="fr"), read_mo(mo)
    expected = {key(m.id, m.context): as_tuple(m.string) for m in source if m.id}
    actual = {key(m.id, m.context): as_tuple(m.string) for m in compiled if m.id}
    assert actual == expected, f"run compilemessages for {po_path.parent} (docs/development.md)"


def test_django_finds_the_french_of_each_catalogue():
    with translation.override("fr"):
        assert translation.gettext("Back to SimpleLogin") == "Retour à SimpleLogin"  # simplelogin (templates)
        assert translation.gettext("Your language is saved.") == "Votre langue est enregistrée."  # accounts
        assert translation.gettext("An email address") == "Une adresse e-mail"  # oauth_provider
        assert translation.gettext("Premium yearly") == "Premium annuel"  # billing
        assert translation.pgettext("forwarding", "On") == "Activé"
