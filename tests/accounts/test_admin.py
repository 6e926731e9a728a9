"""A person's admin page shows their plan, aliases and apps inline, in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import AliasFactory, AuthorizationFactory, ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _person(aliases: int, apps: int):
    person = UserFactory()
    made = [AliasFactory(user=person, note=f"note {number}") for number in range(aliases)]
    for number in range(apps):
        AuthorizationFactory(user=person, client=ClientFactory(name=f"Used App {number}"), alias=made[number])
    return person


def _change_page(staff, person):
    with CaptureQueriesContext(connection) as queries:
        response = staff.get(reverse("admin:accounts_user_change", args=[person.pk]))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_page_shows_the_plan_aliases_and_apps_read_only(staff):
    person = _person(aliases=3, apps=2)
    page, _ = _change_page(staff, person)

    assert "Membership" in page and 'name="membership-0-plan"' in page
    for alias in person.aliases.all():
        assert alias.email in page and alias.note in page
    assert "Used App 0" in page and "Used App 1" in page
    assert 'name="aliases-0-email"' not in page and 'name="authorizations-0-scope"' not in page  # read-only
    assert f'href="/admin/accounts/alias/?user__id__exact={person.pk}">3 aliases</a>' in page
    assert f'href="/admin/oauth_provider/authorization/?user__id__exact={person.pk}">2 apps</a>' in page


def test_queries_do_not_grow_with_aliases_and_apps_and_rows_are_capped(staff):
    _change_page(staff, _person(aliases=0, apps=0))  # the first request of a session also records it (usersessions)
    small, few = _change_page(staff, _person(aliases=2, apps=1))
    big_person = _person(aliases=60, apps=5)
    big, many = _change_page(staff, big_person)

    assert many == few
    assert big.count("@sl.local</td>") <= 50 + 5 and "60 aliases" in big
    newest = big_person.aliases.order_by("-created_at", "-pk").first()
    oldest = big_person.aliases.order_by("created_at", "pk").first()
    assert newest.email in big and f'<td class="field-email"><p>{oldest.email}</p></td>' not in big


def _values(form, prefix=""):
    """What a browser would post for this form's fields."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value in (None, False) or name in ("password", "groups", "user_permissions", "avatar"):
            continue
        data[f"{prefix}{name}"] = value.pk if hasattr(value, "pk") else value
    return data


def test_saving_the_page_keeps_aliases_and_apps(staff):
    person = _person(aliases=2, apps=1)
    page = staff.get(reverse("admin:accounts_user_change", args=[person.pk]))
    data = {**_values(page.context["adminform"].form), "name": "Renamed", "_save": "Save"}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_values(formset.management_form, f"{formset.prefix}-"))
        for index, form in enumerate(formset.forms):
            data.update(_values(form, f"{formset.prefix}-{index}-"))

    response = staff.post(reverse("admin:accounts_user_change", args=[person.pk]), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    person.refresh_from_db()
    assert person.name == "Renamed" and person.aliases.count() == 2 and person.authorizations.count() == 1
