"""Running the import more than once: dry run, interruption, changes made in 2019, things deleted here, held addresses."""

import sqlite3

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import check_password
from django.db import transaction

from accounts import services as account_services
from accounts.exceptions import LegacyImportError
from accounts.models import Alias, DeletedAlias, LegacyRecord, PartnerApplication, User
from billing.models import Membership, PromoRedemption
from oauth_provider.models import Authorization, Client
from tests.accounts.legacy.legacy_db import bcrypt_hash
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def state() -> dict:
    """Everything the import writes, as comparable sets."""
    return {
        "users": {
            (
                email,
                name,
                "!" if password.startswith("!") else password,
                developer,
                staff,
                created,
            )  # "!" + random: unusable
            for email, name, password, developer, staff, created in User.objects.values_list(
                "email", "name", "password", "is_developer", "is_staff", "created_at"
            )
        },
        "emails": set(EmailAddress.objects.values_list("email", "verified", "primary")),
        "memberships": set(Membership.objects.values_list("user__email", "plan", "expires_at", "stripe_customer_id")),
        "promos": set(PromoRedemption.objects.values_list("user__email", "code")),
        "aliases": set(Alias.objects.values_list("user__email", "email", "enabled", "created_at")),
        "tombstones": set(DeletedAlias.objects.values_list("email", flat=True)),
        "clients": set(
            Client.objects.values_list("client_id", "name", "redirect_uris", "user__email", "published", "home_url")
        ),
        "consents": set(
            Authorization.objects.values_list(
                "user__email", "client__client_id", "sub", "alias__email", "name", "scope"
            )
        ),
        "partners": set(PartnerApplication.objects.values_list("email", "name", "website", "user__email")),
        "ledger": set(LegacyRecord.objects.values_list("table", "legacy_id", "pending")),
    }


def change_2019(path, statement: str, params=()) -> None:
    """Change the 2019 database, as the still-running 2019 site would."""
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(statement, params)
    connection.close()


def test_dry_run_writes_nothing_and_says_what_it_would_do(run_import, settings, tmp_path):
    before = state()
    report = run_import(dry_run=True)
    assert state() == before
    assert report.dry_run and report.tables["users"].created == 27 and report.tables["gen_email"].created > 0
    assert not any((tmp_path / "media").rglob("*.png"))  # avatars and icons are only checked, not stored
    assert run_import().tables["users"].created == 27  # the real run does what the dry run announced


def test_an_interrupted_import_runs_again_to_the_same_end_state(run_import, monkeypatch):
    with transaction.atomic():
        run_import()
        expected = state()
        transaction.set_rollback(True)
    assert User.objects.count() == 0

    real = account_services.alias_import
    calls = []

    def crash_on_the_twelfth(**kwargs):
        calls.append(kwargs["email"])
        if len(calls) == 12:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(account_services, "alias_import", crash_on_the_twelfth)
    with pytest.raises(
        LegacyImportError, match=r"stopped at gen_email#\d+ \(RuntimeError: disk full\).*run the command again"
    ):
        run_import(batch_size=5)
    saved = Alias.objects.count()
    assert 0 < saved < 12  # the batches before the crash are saved, the one it hit is rolled back whole
    assert LegacyRecord.objects.filter(table="gen_email", target_id__isnull=False).count() == saved
    assert not Authorization.objects.exists()

    monkeypatch.setattr(account_services, "alias_import", real)
    report = run_import(batch_size=5)
    assert report.tables["users"].created == 0 and report.tables["gen_email"].created > 0
    assert state() == expected
    assert run_import().changed == 0


def test_what_changed_in_2019_since_the_last_import_is_brought_over_and_nothing_else(
    run_import, small_copy, client, production_hashers
):
    run_import(small_copy)
    alice = User.objects.get(email="alice@example.com")
    account_services.user_update_name(user=alice, name="Alice Here")  # changed here, not in 2019: kept
    change_2019(small_copy, "UPDATE users SET password = ? WHERE id = 1", [bcrypt_hash("alice-new-password")])
    change_2019(small_copy, "UPDATE users SET name = 'Trial Renamed' WHERE id = 2")
    change_2019(small_copy, "UPDATE gen_email SET enabled = 0 WHERE id = 1")
    change_2019(small_copy, "UPDATE client SET oauth_client_secret = 'rotated-in-2019-secret' WHERE id = 1")
    change_2019(
        small_copy,
        "INSERT INTO redirect_uri (id, created_at, client_id, uri) VALUES (9999, '2019-12-01 10:00:00', 1, 'https://app2019.example/second')",
    )

    report = run_import(small_copy)

    assert {name: (table.created, table.updated) for name, table in report.tables.items()} == {
        "users": (0, 2),
        "client": (0, 1),
        "gen_email": (0, 1),
        "client_user": (0, 1),
        "partner": (0, 0),
    }
    alice.refresh_from_db()
    assert alice.name == "Alice Here"
    assert (
        client.post("/accounts/login/", {"login": "alice@example.com", "password": "alice-new-password"})["Location"]
        == "/dashboard/"
    )
    assert User.objects.get(email="trial@example.com").name == "Trial Renamed"
    assert Authorization.objects.get(sub="2").name == "Trial Renamed"  # 2019 showed apps the current name
    assert not Alias.objects.get(email="brave_lion@sl.local").enabled
    app = Client.objects.get(client_id="app-2019")
    assert check_password("rotated-in-2019-secret", app.client_secret)
    assert app.redirect_uris.split() == ["https://app2019.example/callback", "https://app2019.example/second"]
    assert run_import(small_copy).changed == 0


def test_what_was_deleted_here_is_not_brought_back(run_import):
    run_import()
    account_services.alias_delete(alias=Alias.objects.get(email="brave_lion@sl.local"))
    account_services.user_delete(user=User.objects.get(email="trial@example.com"))

    report = run_import()

    assert report.changed == 0
    assert report.tables["users"].examples[("skipped", "deleted here since the last import")] == ["users#2"]
    assert "gen_email#1" in report.tables["gen_email"].examples[("skipped", "deleted here since the last import")]
    assert not User.objects.filter(email="trial@example.com").exists()
    assert not Alias.objects.filter(email="brave_lion@sl.local").exists()
    assert DeletedAlias.objects.filter(email="brave_lion@sl.local").exists()


def test_a_held_address_goes_to_its_owner_once_the_2019_duplicate_is_resolved(run_import, small_copy, small_data):
    run_import(small_copy)
    assert DeletedAlias.objects.filter(email="held_for_dup@sl.local").exists()
    assert Client.objects.get(client_id="orphan-app").user is None
    change_2019(small_copy, "DELETE FROM users WHERE id = 4")  # the operator keeps dup@ and removes DUP@

    report = run_import(small_copy)

    dup = User.objects.get(email="dup@example.com")
    assert Alias.objects.get(email="held_for_dup@sl.local").user == dup
    assert not DeletedAlias.objects.filter(email="held_for_dup@sl.local").exists()
    assert Authorization.objects.get(user=dup, client__client_id="app-2019").sub == "3"
    assert Client.objects.get(client_id="orphan-app").user == dup
    owned = [row for row in small_data.rows["client"] if row["user_id"] == 3]
    consents = [row for row in small_data.rows["client_user"] if row["user_id"] == 3]
    assert (report.tables["users"].created, report.tables["client"].updated, report.tables["client_user"].created) == (
        1,
        len(owned),
        len(consents),
    )
    assert report.tables["gen_email"].created == len(
        [row for row in small_data.rows["gen_email"] if row["user_id"] == 3]
    )


def test_someone_who_signed_up_here_first_is_not_merged_with_the_2019_account(run_import):
    newcomer = UserFactory(email="trial@example.com")
    report = run_import()
    assert report.tables["users"].refused["an account with this address signed up here already: not merged"] == 1
    assert not Authorization.objects.filter(user=newcomer).exists()
    assert User.objects.get(email="trial@example.com") == newcomer


def test_avatars_and_icons_come_later_when_the_bucket_is_given_on_a_later_run(run_import, legacy_bucket, settings):
    first = run_import(files_from=None)
    assert first.tables["users"].notes["avatar not imported: no --files-from folder was given (run again with it)"] == 3
    assert not User.objects.get(email="alice@example.com").avatar

    second = run_import(files_from=legacy_bucket)

    assert (second.tables["users"].updated, second.tables["client"].updated) == (1, 1)
    assert User.objects.get(email="alice@example.com").avatar
    assert Client.objects.get(client_id="app-2019").icon
    assert not User.objects.get(email="escape@example.com").avatar  # "../outside.png" is outside the bucket: never read
    assert second.tables["users"].notes["avatar not imported: its 2019 file is not under --files-from"] == 1
    assert run_import(files_from=legacy_bucket).changed == 0


def test_rows_deleted_in_2019_after_an_import_are_reported_not_deleted_here(run_import, small_copy):
    run_import(small_copy)
    change_2019(small_copy, "DELETE FROM gen_email WHERE id = 2")

    report = run_import(small_copy)

    assert report.changed == 0
    reason = "imported earlier, no longer in the 2019 database: kept here (delete it here if it should go)"
    assert report.tables["gen_email"].examples[("notes", reason)] == ["gen_email#2"]
    assert Alias.objects.filter(email="sleepy_owl@sl.local").exists()


def test_operators_can_read_the_import_ledger_in_the_admin(client, django_user_model):
    from accounts.models import LegacyRecord

    admin = django_user_model.objects.create_superuser(email="root@example.com", password="x")
    LegacyRecord.objects.create(table=LegacyRecord.Table.USERS, legacy_id=7, target_id=admin.pk, pending="avatar")
    client.force_login(admin)
    page = client.get("/admin/accounts/legacyrecord/?pending__isempty=0").content.decode()
    assert "avatar" in page and ">7<" in page
    assert client.get("/admin/accounts/legacyrecord/add/").status_code == 403
