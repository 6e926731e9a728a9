"""French in headless Chromium: choosing it in Settings, the no-reload switches and copy buttons, phone widths."""

import pytest

from tests.accounts.test_dashboard_browser import sign_in, watch_navigations
from tests.factories import AliasFactory, ClientFactory, UserFactory
from tests.oauth_provider.conftest import authorize_url

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_person_picks_french_in_settings_and_the_dashboard_speaks_it(live_server, page):
    user = UserFactory()
    alias = AliasFactory(user=user)
    sign_in(page, live_server, user)
    page.goto(f"{live_server.url}/settings/")
    page.get_by_role("combobox", name="Language").select_option("fr")
    page.get_by_role("button", name="Save language").click()
    page.get_by_text("Votre langue est enregistrée.").wait_for()
    assert page.locator("html").get_attribute("lang") == "fr"

    page.get_by_role("link", name="Tableau de bord").click()
    page.get_by_role("heading", name="Vos alias").wait_for()
    navigations = watch_navigations(page)
    row = page.locator(f"#alias-{alias.pk}")
    row.get_by_role("button", name="Désactiver").click()
    page.locator("#alias-live", has_text=f"Le transfert de {alias.email} est maintenant désactivé.").wait_for()
    assert row.locator(".badge").inner_text() == "désactivé"
    assert row.get_by_role("button", name="Activer").is_visible()
    row.locator("input[name=note]").fill("lettres d'information")
    row.get_by_role("button", name="Enregistrer la note").click()
    row.get_by_role("button", name="Enregistrée").wait_for()
    assert navigations == []


def test_the_copy_button_says_copied_in_french(live_server, page):
    user = UserFactory(language="fr")
    alias = AliasFactory(user=user)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    sign_in(page, live_server, user)
    page.goto(f"{live_server.url}/dashboard/")
    button = page.locator(f"#alias-{alias.pk}").get_by_role("button", name="Copier")
    button.click()
    page.locator(f"#alias-{alias.pk} button.copy[data-copied='true']", has_text="Copié").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == alias.email


@pytest.mark.parametrize("width", [1280, 390])
def test_french_pages_fit_the_screen(live_server, browser, width):
    user = UserFactory(language="fr")
    for _n in range(3):
        AliasFactory(user=user)
    app = ClientFactory(name="Application de démonstration")
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, live_server, user)
        for path in ("/dashboard/", "/settings/", "/apps/", "/accounts/2fa/", authorize_url(app)):
            page.goto(f"{live_server.url}{path}")
            assert page.locator("html").get_attribute("lang") == "fr", path
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, (path, width, overflow)
    finally:
        context.close()
