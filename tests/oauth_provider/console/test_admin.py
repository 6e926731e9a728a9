"""Admin: clients (publish/unpublish, owner, counts), authorizations, partner applications (approve → developer)."""

import pytest
from oauth2_provider.models import AccessToken

from accounts.models import PartnerApplication, User
from oauth_provider.models import Authorization, Client
from tests.factories import AuthorizationFactory, ClientFactory, UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_client_list_shows_owner_and_people_and_searches(admin_client):
    owner = UserFactory(email="maker@example.com")
    app = ClientFactory(user=owner, name="Searchable App")
    AuthorizationFactory(client=app)
    AuthorizationFactory(client=app)
    ClientFactory(name="Other App")
    response = admin_client.get("/admin/oauth_provider/client/", {"q": "maker@"})
    html = response.content.decode()
    assert response.status_code == 200 and "Searchable App" in html and "Other App" not in html
    assert "maker@example.com" in html and '<td class="field-people">2</td>' in html
    assert admin_client.get("/admin/oauth_provider/client/", {"published__exact": "1"}).status_code == 200


def test_publish_and_unpublish_actions(admin_client):
    app = ClientFactory()
    admin_client.post("/admin/oauth_provider/client/", {"action": "publish", "_selected_action": [app.pk]})
    assert Client.objects.get(pk=app.pk).published
    admin_client.post("/admin/oauth_provider/client/", {"action": "unpublish", "_selected_action": [app.pk]})
    assert not Client.objects.get(pk=app.pk).published


def test_authorizations_search_and_delete_revokes_tokens(admin_client):
    authorization = AuthorizationFactory(user=UserFactory(email="who@example.com"))
    AccessToken.objects.create(
        user=authorization.user,
        application=authorization.client,
        token="tok",
        expires="2099-01-01T00:00Z",
        scope="openid",
    )
    response = admin_client.get("/admin/oauth_provider/authorization/", {"q": "who@"})
    assert response.status_code == 200 and b"who@example.com" in response.content
    admin_client.post(
        "/admin/oauth_provider/authorization/",
        {"action": "delete_selected", "_selected_action": [authorization.pk], "post": "yes"},
    )
    assert not Authorization.objects.exists() and not AccessToken.objects.exists()


def test_approving_an_application_makes_a_developer(admin_client):
    person = UserFactory(email="applicant@example.com")
    application = PartnerApplication.objects.create(email="APPLICANT@example.com", name="Applicant")
    stranger = PartnerApplication.objects.create(email="nobody@example.com", name="Nobody")
    response = admin_client.get("/admin/accounts/partnerapplication/", {"q": "applicant"})
    assert response.status_code == 200 and b"Applicant" in response.content and b"Nobody" not in response.content
    response = admin_client.post(
        "/admin/accounts/partnerapplication/",
        {"action": "approve", "_selected_action": [application.pk, stranger.pk]},
        follow=True,
    )
    assert User.objects.get(pk=person.pk).is_developer
    application.refresh_from_db()
    assert application.approved_at is not None and application.user == person
    assert b"No account uses nobody@example.com" in response.content


def test_client_change_page_opens(admin_client):
    app = ClientFactory(name="Editable App")
    response = admin_client.get(f"/admin/oauth_provider/client/{app.pk}/change/")
    assert response.status_code == 200 and b"Editable App" in response.content


@pytest.mark.parametrize("how", ["delete_view", "delete_selected"])
def test_deleting_a_client_in_the_admin_revokes_everything_it_holds(admin_client, how):
    authorization = AuthorizationFactory()
    app = authorization.client
    # DOT's token admins forbid deleting token rows one by one; that must not block deleting the client.
    AccessToken.objects.create(
        user=authorization.user, application=app, token="tok", expires="2099-01-01T00:00Z", scope="openid"
    )
    if how == "delete_view":
        confirm = admin_client.get(f"/admin/oauth_provider/client/{app.pk}/delete/")
        assert confirm.status_code == 200
        response = admin_client.post(f"/admin/oauth_provider/client/{app.pk}/delete/", {"post": "yes"})
    else:
        response = admin_client.post(
            "/admin/oauth_provider/client/", {"action": "delete_selected", "_selected_action": [app.pk], "post": "yes"}
        )
    assert response.status_code == 302
    assert not Client.objects.filter(pk=app.pk).exists()
    assert not Authorization.objects.exists() and not AccessToken.objects.exists()
