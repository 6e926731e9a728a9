"""Swagger UI in Chromium: every method badge is readable (WCAG AA contrast, 4.5:1)."""

import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def _luminance(css_color: str) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(float(part)) for part in re.findall(r"[\d.]+", css_color)[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two CSS rgb() colours."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula_matches_wcag():
    assert round(contrast("rgb(255, 255, 255)", "rgb(0, 0, 0)"), 1) == 21.0
    assert contrast("rgb(255, 255, 255)", "rgb(97, 175, 254)") < 4.5  # Swagger's own GET blue


def test_method_badges_pass_aa_contrast(live_server, page):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/api/docs/")
    page.locator(".opblock-summary-method").first.wait_for()
    badges = page.eval_on_selector_all(
        ".opblock-summary-method",
        "nodes => nodes.map(n => [n.textContent, getComputedStyle(n).color, getComputedStyle(n).backgroundColor])",
    )
    methods = {method for method, _, _ in badges}
    assert {"GET", "POST", "PATCH", "DELETE"} <= methods
    for method, color, background in badges:
        assert contrast(color, background) >= 4.5, (method, color, background)
