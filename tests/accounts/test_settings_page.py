"""Settings page: name, avatar (good and bad files), account deletion."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import User
from tests.factories import AliasFactory

pytestmark = pytest.mark.django_db


def _image(fmt, size=(800, 600), mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size, color=(200, 30, 120) if mode == "RGB" else 100).save(buffer, format=fmt)
    return buffer.getvalue()


def test_settings_page_shows_profile_and_plan(signed_in, user):
    page = signed_in.get("/settings/").content.decode()
    assert user.email in page
    assert "Current plan: <strong>Trial</strong>" in page


def test_settings_requires_login(client):
    assert client.get("/settings/")["Location"].startswith("/accounts/login/?next=/settings/")


def test_change_name(signed_in, user):
    response = signed_in.post("/settings/name", {"name": "  Ada Lovelace "}, follow=True)
    assert "Your name is updated." in response.content.decode()
    user.refresh_from_db()
    assert user.name == "Ada Lovelace"


def test_empty_name_rerenders_with_error(signed_in, user):
    response = signed_in.post("/settings/name", {"name": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF"])
def test_avatar_upload_is_reencoded_and_resized(signed_in, user, fmt):
    upload = SimpleUploadedFile(f"me.{fmt.lower()}", _image(fmt, size=(1024, 700)), content_type="image/x")
    response = signed_in.post("/settings/avatar", {"avatar": upload}, follow=True)
    assert "Your avatar is updated." in response.content.decode()
    user.refresh_from_db()
    with Image.open(user.avatar.open("rb")) as stored:
        assert stored.format == "PNG"
        assert max(stored.size) == 512
    served = signed_in.get(user.avatar.url)
    assert served.status_code == 200


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("evil.png", b"<?php echo 'not an image'; ?>", "not a valid PNG, JPEG, WebP or GIF image"),
        ("doc.bmp", _image("BMP", size=(10, 10)), "Upload a PNG, JPEG, WebP or GIF image."),
        ("broken.png", _image("PNG")[:60], "not a valid PNG, JPEG, WebP or GIF image"),
        ("huge.png", b"\x89PNG" + b"0" * (2 * 1024 * 1024 + 10), "larger than 2 MB"),
        ("bomb.png", _image("PNG", size=(7000, 7000), mode="1"), "too many pixels"),
    ],
)
def test_bad_avatar_gets_a_form_error(signed_in, user, name, content, message):
    response = signed_in.post("/settings/avatar", {"avatar": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert message in response.content.decode()
    user.refresh_from_db()
    assert not user.avatar


def test_remove_avatar(signed_in, user):
    signed_in.post("/settings/avatar", {"avatar": SimpleUploadedFile("a.png", _image("PNG"))})
    signed_in.post("/settings/avatar", {"remove": "1"})
    user.refresh_from_db()
    assert not user.avatar


def test_delete_account_needs_password_and_removes_data(signed_in, user, password, reauthenticated):
    AliasFactory(user=user)
    response = signed_in.post("/settings/delete", {"password": "wrong-password"})
    assert response.status_code == 400
    assert "That is not your password." in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()

    response = signed_in.post("/settings/delete", {"password": password})
    assert response["Location"] == "/accounts/login/"
    assert not User.objects.filter(pk=user.pk).exists()
    from accounts.models import Alias

    assert not Alias.objects.filter(user_id=user.pk).exists()
    assert signed_in.get("/dashboard/").status_code == 302


def test_delete_account_whose_alias_an_app_uses_tombstones_every_alias(signed_in, user, password, reauthenticated):
    from accounts.models import DeletedAlias
    from oauth_provider.models import Authorization
    from tests.factories import AuthorizationFactory

    shared, kept = AliasFactory(user=user), AliasFactory(user=user)
    AuthorizationFactory(user=user, alias=shared)
    response = signed_in.post("/settings/delete", {"password": password})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Authorization.objects.filter(user_id=user.pk).exists()
    # nobody may ever get the addresses of a deleted account (mail meant for them would reach someone else)
    assert set(DeletedAlias.objects.values_list("email", flat=True)) >= {shared.email, kept.email}
