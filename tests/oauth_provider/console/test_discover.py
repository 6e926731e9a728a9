"""Discover lists published apps only."""

from tests.factories import ClientFactory


def test_discover_lists_only_published_apps(client, db):
    ClientFactory(name="Shown App", home_url="https://shown.example", published=True)
    ClientFactory(name="Hidden App", published=False)
    response = client.get("/discover/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Shown App" in html and 'href="https://shown.example"' in html and "Hidden App" not in html


def test_discover_signed_in_uses_the_site_layout(signed_in):
    ClientFactory(name="Shown App", published=True)
    html = signed_in.get("/discover/").content.decode()
    assert "Shown App" in html and 'href="/apps/"' in html


def test_unpublishing_hides_an_app(dev, owned):
    dev.post(
        f"/developer/clients/{owned.client_id}/settings",
        {"name": owned.name, "allow_code_flow": "on", "redirect_uris": owned.redirect_uris, "published": "on"},
    )
    assert owned.name.encode() in dev.get("/discover/").content
    dev.post(
        f"/developer/clients/{owned.client_id}/settings",
        {"name": owned.name, "allow_code_flow": "on", "redirect_uris": owned.redirect_uris},
    )
    assert owned.name.encode() not in dev.get("/discover/").content


def test_discover_links_each_apps_privacy_policy_and_terms(client, db):
    ClientFactory(
        name="Shown App",
        home_url="https://shown.example",
        published=True,
        policy_uri="https://shown.example/privacy",
        tos_uri="https://shown.example/terms",
    )
    html = client.get("/discover/").content.decode()
    assert 'href="https://shown.example/privacy" rel="noopener noreferrer">Privacy policy' in html
    assert 'href="https://shown.example/terms" rel="noopener noreferrer">Terms of service' in html
    assert "Home page" not in html  # the app's name already links there
