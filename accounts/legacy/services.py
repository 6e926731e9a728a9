"""The import of a 2019 SimpleLogin database: one pass per table, in batches, idempotent through the LegacyRecord ledger.

Each 2019 row is matched first by the ledger (its 2019 id), then by its natural key (email, client id, alias address,
person × app) so that nothing made here is merged blindly. The ledger keeps a digest of every imported 2019 value:
a row is "updated" when one of those values changed in 2019 since the last run, and only those values are written.
"""

import json
import logging
import re
import secrets
from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.crypto import salted_hmac

from accounts import services as account_services
from accounts.exceptions import AliasUnavailable, LegacyImportError
from accounts.images import image_normalize
from accounts.legacy.report import ImportReport, TableReport
from accounts.legacy.source import LegacySource, Row
from accounts.models import Alias, DeletedAlias, LegacyRecord, PartnerApplication, User
from billing import services as billing_services
from billing.models import Plan
from billing.selectors import billing_enabled
from billing.stripe_gateway import GatewayError
from oauth_provider import services as provider_services
from oauth_provider.models import Authorization, Client, redirect_uri_problem

log = logging.getLogger(__name__)

Table = LegacyRecord.Table
BCRYPT_HASH = re.compile(r"\$2[abxy]\$\d\d\$[./A-Za-z0-9]{53}")
PLANS = {"free": Plan.FREE, "trial": Plan.TRIAL, "monthly": Plan.MONTHLY, "yearly": Plan.YEARLY}
CLIENT_ID_MAX_LENGTH = Client._meta.get_field("client_id").max_length
UNCHANGED = "unchanged since the last import"
DELETED_HERE = "deleted here since the last import"
http_url = URLValidator(schemes=["http", "https"])


class ImportInterrupted(LegacyImportError):
    """The run stopped on an unexpected error; the batches saved before it stay, and a new run continues."""


class _Refused(Exception):
    """The row is not imported, for the reason given."""


class _Skipped(Exception):
    """The row needs nothing, for the reason given."""


class _Held(Exception):
    """The row is refused for now but remembered in the ledger (`pending`), to be retried by the next run."""

    def __init__(self, reason: str, pending: str):
        super().__init__(reason)
        self.pending = pending


class _DryRun(Exception):
    """Rolls the whole dry run back."""


@dataclass
class _Run:
    """What every table's import needs: the source, the options and the report of the table at hand."""

    source: LegacySource
    report: ImportReport
    dry_run: bool
    files_from: Path | None
    stripe: bool
    duplicate_emails: set = field(default_factory=set)
    first_alias: dict = field(default_factory=dict)
    table: TableReport | None = None
    row_id: int | None = None
    new_records: list = field(default_factory=list)

    def note(self, reason: str) -> None:
        """Tell the operator something about the current row."""
        self.table.note(self.row_id, reason)


def _digest(value) -> str:
    """Keyed with SECRET_KEY, so the ledger tells nothing about an email, a secret or a password hash."""
    return salted_hmac("accounts.legacy.fingerprint", json.dumps(value, default=str, sort_keys=True)).hexdigest()[:32]


def _valid_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _valid_http_url(value: str) -> bool:
    try:
        http_url(value)
    except ValidationError:
        return False
    return True


def _targets(table: Table, legacy_ids, model) -> dict:
    """2019 id → the object it became here, for the ids of `table` that were imported and still exist."""
    pairs = dict(
        LegacyRecord.objects.filter(table=table, legacy_id__in=set(legacy_ids), target_id__isnull=False).values_list(
            "legacy_id", "target_id"
        )
    )
    objects = model.objects.in_bulk(set(pairs.values()))
    return {legacy_id: objects[target] for legacy_id, target in pairs.items() if target in objects}


def _file_paths(run: _Run, rows: list[Row], column: str) -> dict:
    """2019 `file` id → its storage path, for the files these rows point at."""
    ids = {row[column] for row in rows if row.get(column)}
    return {row["id"]: row["path"] for row in run.source.rows_where_in("file", "id", ids)} if ids else {}


def _file_find(run: _Run, path: str) -> Path | None:
    """The 2019 file inside --files-from, or None (missing, or a path that leaves the folder)."""
    root = run.files_from.resolve()
    candidate = (root / path.lstrip("/")).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


def _image(run: _Run, path: str | None, what: str) -> tuple[str, object]:
    """("none" | "pending" | "invalid" | "ok", re-encoded content or None) for a 2019 avatar or icon."""
    if not path:
        return "none", None
    if run.files_from is None:
        run.note(f"{what} not imported: no --files-from folder was given (run again with it)")
        return "pending", None
    found = _file_find(run, path)
    if found is None:
        run.note(f"{what} not imported: its 2019 file is not under --files-from")
        return "pending", None
    try:
        with found.open("rb") as handle:
            content = image_normalize(upload=File(handle), name=secrets.token_hex(8))
    except ValidationError:
        run.note(f"{what} not imported: the 2019 file is not a valid image")
        return "invalid", None
    return "ok", content


def _pending(*parts: str) -> str:
    return " ".join(part for part in parts if part)


class _Importer:
    """One 2019 table: the values carried over, how a row is created here and how a change in 2019 is applied."""

    table: Table
    model: type

    def prepare(self, run: _Run, rows: list[Row]) -> None:
        """Load what this batch of rows refers to."""

    def values(self, run: _Run, row: Row) -> dict:
        """The 2019 values brought over (their digests go to the ledger); _Refused when the row cannot be."""
        raise NotImplementedError

    def create(self, run: _Run, row: Row, values: dict, record: LegacyRecord | None) -> tuple[int, str]:
        """Create the row here; returns (its primary key, what is still pending)."""
        raise NotImplementedError

    def update(self, run: _Run, row: Row, values: dict, target, changed: set, pending: set) -> tuple[bool, str]:
        """Apply the values that changed in 2019 and retry what was pending; returns (anything written, still pending)."""
        raise NotImplementedError


class _People(_Importer):
    """`users` → User, its allauth EmailAddress, Membership, promo codes used and avatar."""

    table, model = Table.USERS, User

    def prepare(self, run, rows):
        self.files = _file_paths(run, rows, "profile_picture_id")
        emails = {(row["email"] or "").strip().lower() for row in rows}
        self.taken = set(
            User.objects.annotate(address=Lower("email")).filter(address__in=emails).values_list("address", flat=True)
        )

    def values(self, run, row):
        email = (row["email"] or "").strip().lower()
        if not _valid_email(email):
            raise _Refused("not a valid email address")
        if email in run.duplicate_emails:
            raise _Refused(
                "2019 accounts whose addresses differ only in letter case: not merged (keep one in 2019, run again)"
            )
        codes = sorted({code.strip().upper() for code in (row["promo_codes"] or "").split(",") if code.strip()})
        return {
            "email": email,
            "name": (row["name"] or "").strip()[:128],
            "password": row["password"] or "",
            "verified": bool(row["activated"]),
            "is_developer": bool(row["is_developer"]),
            "plan": row["plan"],
            "expires_at": row["plan_expiration"],
            "stripe_customer_id": row["stripe_customer_id"] or "",
            "stripe_subscription_id": row["stripe_subscription_id"] or "",
            "promo_codes": codes,
            "avatar": self.files.get(row["profile_picture_id"]),
        }

    def _password(self, run, values) -> str:
        if BCRYPT_HASH.fullmatch(values["password"]):
            return f"bcrypt${values['password']}"
        run.note("no bcrypt password hash: imported without a password (they use 'Forgot password')")
        return ""

    def _membership(self, run, user, values) -> str:
        plan, expires_at = PLANS.get(values["plan"], Plan.FREE), values["expires_at"]
        if plan == Plan.TRIAL and expires_at is None:
            run.note("trial without an end date: imported as free")
            plan = Plan.FREE
        billing_services.membership_import(
            user=user,
            plan=plan,
            expires_at=None if plan == Plan.FREE else expires_at,
            stripe_customer_id=values["stripe_customer_id"],
            stripe_subscription_id=values["stripe_subscription_id"],
        )
        return self._stripe(run, user, values)

    def _stripe(self, run, user, values) -> str:
        if not (values["stripe_customer_id"] or values["stripe_subscription_id"]):
            return ""
        if not run.stripe:
            return ""  # stored as in 2019; Stripe's webhooks and expire_plans take over once billing is configured
        if run.dry_run:
            return ""
        try:
            billing_services.membership_import_stripe(user=user)
        except GatewayError:
            run.note("Stripe could not be read: plan and Stripe ids kept as in 2019, retried next run")
            return "stripe"
        return ""

    def _avatar(self, run, user, values) -> tuple[bool, str]:
        state, content = _image(run, values["avatar"], "avatar")
        if state != "ok" or run.dry_run:
            return False, "avatar" if state == "pending" else ""
        account_services.user_import_avatar(user=user, content=content)
        return True, ""

    def create(self, run, row, values, record):
        if values["email"] in self.taken:
            raise _Refused("an account with this address signed up here already: not merged")
        user = account_services.user_import(
            email=values["email"],
            name=values["name"],
            password=self._password(run, values),
            verified=values["verified"],
            is_developer=values["is_developer"],
            created_at=row["created_at"],
        )
        stripe_pending = self._membership(run, user, values)
        billing_services.promo_redemptions_import(user=user, codes=values["promo_codes"])
        if row["is_admin"]:
            run.note("2019 admin: imported without admin rights (make them staff in the admin if they should be)")
        _done, avatar_pending = self._avatar(run, user, values)
        return user.pk, _pending(avatar_pending, stripe_pending)

    def update(self, run, row, values, user, changed, pending):
        changes = {name: values[name] for name in ("email", "name", "verified", "is_developer") if name in changed}
        if "email" in changes and User.objects.filter(email__iexact=values["email"]).exclude(pk=user.pk).exists():
            raise _Refused("email changed in 2019 to an address another account uses here: not applied")
        if "password" in changed:
            changes["password"] = self._password(run, values)
        if changes:
            account_services.user_import_update(user=user, **changes)
        written = bool(changes)
        stripe_pending = ""
        if changed & {"plan", "expires_at", "stripe_customer_id", "stripe_subscription_id"}:
            stripe_pending = self._membership(run, user, values)
            written = True
        elif "stripe" in pending:
            stripe_pending = self._stripe(run, user, values)
            written = written or not stripe_pending
        if "promo_codes" in changed:
            written = bool(billing_services.promo_redemptions_import(user=user, codes=values["promo_codes"])) or written
        avatar_pending = ""
        if "avatar" in changed or "avatar" in pending:
            done, avatar_pending = self._avatar(run, user, values)
            written = written or done
        return written, _pending(avatar_pending, stripe_pending)


class _Clients(_Importer):
    """`client` and its `redirect_uri` rows → Client (same id, same secret hashed, icon, owner)."""

    table, model = Table.CLIENT, Client

    def prepare(self, run, rows):
        self.files = _file_paths(run, rows, "icon_id")
        self.owners = _targets(Table.USERS, [row["user_id"] for row in rows], User)
        ids = {(row["oauth_client_id"] or "").strip() for row in rows}
        self.taken = set(Client.objects.filter(client_id__in=ids).values_list("client_id", flat=True))
        self.uris = defaultdict(list)
        for uri_row in run.source.rows_where_in("redirect_uri", "client_id", [row["id"] for row in rows]):
            uri = (uri_row["uri"] or "").strip()
            if uri and uri not in self.uris[uri_row["client_id"]]:
                self.uris[uri_row["client_id"]].append(uri)

    def values(self, run, row):
        client_id = (row["oauth_client_id"] or "").strip()
        if not client_id or len(client_id) > CLIENT_ID_MAX_LENGTH or any(c.isspace() for c in client_id):
            raise _Refused(f"client id empty, with spaces or longer than {CLIENT_ID_MAX_LENGTH} characters")
        if not row["oauth_client_secret"]:
            raise _Refused("no client secret")
        return {
            "client_id": client_id,
            "secret": row["oauth_client_secret"],
            "name": (row["name"] or client_id)[:255],
            "home_url": (row["home_url"] or "").strip(),
            "published": bool(row["published"]),
            "owner": row["user_id"],
            "redirect_uris": self.uris.get(row["id"], []),
            "icon": self.files.get(row["icon_id"]),
        }

    def _redirect_uris(self, run, values) -> list[str]:
        kept = []
        for uri in values["redirect_uris"]:
            problem = "it contains whitespace" if any(c.isspace() for c in uri) else redirect_uri_problem(uri)
            if problem:
                run.note(f"redirect URI refused, client imported without it: {problem}")
                log.info(
                    "legacy redirect uri refused client_id=%s uri=%s problem=%s", values["client_id"], uri, problem
                )
            else:
                kept.append(uri)
        if not kept:
            run.note("no usable redirect URI: nobody can sign in to it until its developer adds one")
        return kept

    def _owner(self, run, row):
        owner = self.owners.get(row["user_id"])
        if owner is None:
            run.note("its 2019 owner was not imported: client imported without an owner for now (retried next run)")
        return owner

    def _home_url(self, run, values) -> str:
        if values["home_url"] and not _valid_http_url(values["home_url"]):
            run.note("home URL is not an http(s) URL: dropped")
            return ""
        return values["home_url"]

    def _icon(self, run, client, values) -> tuple[bool, str]:
        state, content = _image(run, values["icon"], "icon")
        if state != "ok" or run.dry_run:
            return False, "icon" if state == "pending" else ""
        provider_services.client_import_icon(client=client, content=content)
        return True, ""

    def create(self, run, row, values, record):
        if values["client_id"] in self.taken:
            raise _Refused("a client with this client id was registered here already: not merged")
        owner = self._owner(run, row)
        client = provider_services.client_import(
            client_id=values["client_id"],
            secret=values["secret"],
            name=values["name"],
            owner=owner,
            home_url=self._home_url(run, values),
            published=values["published"],
            redirect_uris=self._redirect_uris(run, values),
            created_at=row["created_at"],
        )
        _done, icon_pending = self._icon(run, client, values)
        return client.pk, _pending(icon_pending, "owner" if owner is None else "")

    def update(self, run, row, values, client, changed, pending):
        changes = {name: values[name] for name in ("secret", "name", "published") if name in changed}
        if "home_url" in changed:
            changes["home_url"] = self._home_url(run, values)
        if "redirect_uris" in changed:
            changes["redirect_uris"] = self._redirect_uris(run, values)
        owner_pending = ""
        if "owner" in changed or "owner" in pending:
            owner = self.owners.get(row["user_id"])
            if owner is not None or "owner" in changed:
                changes.update(owner=owner, owner_changed=True)
            owner_pending = "owner" if owner is None else ""
        if changes:
            provider_services.client_import_update(client=client, **changes)
        written, icon_pending = bool(changes), ""
        if "icon" in changed or "icon" in pending:
            done, icon_pending = self._icon(run, client, values)
            written = written or done
        return written, _pending(icon_pending, owner_pending)


class _Aliases(_Importer):
    """`gen_email` → Alias with its enabled flag; an address whose owner is not here is held by a tombstone."""

    table, model = Table.GEN_EMAIL, Alias

    def prepare(self, run, rows):
        self.owners = _targets(Table.USERS, [row["user_id"] for row in rows], User)
        emails = {(row["email"] or "").strip().lower() for row in rows}
        self.taken = set(Alias.objects.filter(email__in=emails).values_list("email", flat=True))
        self.tombstoned = set(DeletedAlias.objects.filter(email__in=emails).values_list("email", flat=True))

    def values(self, run, row):
        email = (row["email"] or "").strip().lower()
        if not _valid_email(email):
            raise _Refused("not a valid email address")
        if run.first_alias.get(email, row["id"]) != row["id"]:
            raise _Refused("same address as an earlier 2019 alias apart from letter case: the earlier one is kept")
        return {"email": email, "owner": row["user_id"], "enabled": bool(row["enabled"])}

    def create(self, run, row, values, record):
        email, owner = values["email"], self.owners.get(row["user_id"])
        held_by_us = record is not None and record.pending == "owner"
        if email in self.taken:
            raise _Refused("address already used here by another account")
        if owner is None:
            if held_by_us or account_services.alias_address_reserve(email=email):
                raise _Held(
                    "its owner was not imported: the address is held for them (tombstone) until they are", "owner"
                )
            raise _Refused("its owner was not imported, and the address was deleted here")
        if email in self.tombstoned:
            if not held_by_us:
                raise _Refused("address was deleted here: it stays deleted")
            account_services.alias_address_release(email=email)
        try:
            alias = account_services.alias_import(
                user=owner, email=email, enabled=values["enabled"], created_at=row["created_at"]
            )
        except AliasUnavailable:
            raise _Refused("address already used here by another account") from None
        if email.rpartition("@")[2] != settings.EMAIL_DOMAIN:
            run.note(
                f"not on EMAIL_DOMAIN ({settings.EMAIL_DOMAIN}): kept for the apps that know it; mail to it is not received here"
            )
        return alias.pk, ""

    def update(self, run, row, values, alias, changed, pending):
        if changed & {"email", "owner"}:
            raise _Refused("address or owner changed in 2019 since the last import: not applied")
        if "enabled" in changed:
            account_services.alias_import_update(alias=alias, enabled=values["enabled"])
            return True, ""
        return False, ""


class _Consents(_Importer):
    """`client_user` → Authorization with the alias shared (or the real email) and the 2019 subject."""

    table, model = Table.CLIENT_USER, Authorization

    def prepare(self, run, rows):
        self.users = _targets(Table.USERS, [row["user_id"] for row in rows], User)
        self.clients = _targets(Table.CLIENT, [row["client_id"] for row in rows], Client)
        self.aliases = _targets(Table.GEN_EMAIL, [row["gen_email_id"] for row in rows], Alias)
        self.people = {
            person["id"]: person for person in run.source.rows_where_in("users", "id", [row["user_id"] for row in rows])
        }
        consents = Authorization.objects.filter(client__in=self.clients.values())
        self.subs = set(consents.filter(sub__in=[str(row["id"]) for row in rows]).values_list("client_id", "sub"))
        self.pairs = set(consents.filter(user__in=self.users.values()).values_list("user_id", "client_id"))

    def values(self, run, row):
        person = self.people.get(row["user_id"]) or {}
        return {
            "user": row["user_id"],
            "client": row["client_id"],
            "alias": row["gen_email_id"],
            # 2019 showed every app the person's current name and picture
            "name": (person.get("name") or "").strip()[:128],
            "share_avatar": bool(person.get("profile_picture_id")),
        }

    def create(self, run, row, values, record):
        user, client = self.users.get(row["user_id"]), self.clients.get(row["client_id"])
        if user is None:
            raise _Refused("its person was not imported")
        if client is None:
            raise _Refused("its client was not imported")
        alias = None
        if row["gen_email_id"] is not None:
            alias = self.aliases.get(row["gen_email_id"])
            if alias is None:
                raise _Refused(
                    "the alias it shared was not imported: the person chooses an address at their next sign-in"
                )
            if alias.user_id != user.pk:
                raise _Refused("the alias it shared belongs to another person")
        sub = str(row["id"])  # the `sub` 2019 put in id_tokens: apps keyed their users on it
        if (client.pk, sub) in self.subs:
            raise _Refused("another consent to this client has this subject here")
        if (user.pk, client.pk) in self.pairs:
            raise _Skipped("the person consented to this client here already: that consent is kept")
        authorization = provider_services.authorization_import(
            user=user,
            client=client,
            alias=alias,
            name=values["name"],
            share_avatar=values["share_avatar"],
            sub=sub,
            created_at=row["created_at"],
        )
        return authorization.pk, ""

    def update(self, run, row, values, authorization, changed, pending):
        if changed & {"user", "client", "alias"}:
            raise _Refused("person, client or alias changed in 2019 since the last import: not applied")
        changes = {name: values[name] for name in ("name", "share_avatar") if name in changed}
        if changes:
            provider_services.authorization_import_update(authorization=authorization, **changes)
        return bool(changes), ""


class _Partners(_Importer):
    """`partner` → PartnerApplication (approved when its person was a 2019 developer)."""

    table, model = Table.PARTNER, PartnerApplication

    def prepare(self, run, rows):
        self.users = _targets(Table.USERS, [row["user_id"] for row in rows], User)

    def values(self, run, row):
        website = (row["website"] or "").strip()
        return {
            "email": (row["email"] or "").strip().lower(),
            "name": (row["name"] or "").strip()[:128],
            "website": website if _valid_http_url(website) else "",
            "additional_information": (row["additional_information"] or "").strip()[:5000],
            "user": row["user_id"],
        }

    def create(self, run, row, values, record):
        user = self.users.get(row["user_id"])
        email = values["email"] or (user.email if user else "")
        if not _valid_email(email):
            raise _Refused("no valid email address")
        approved = user is not None and user.is_developer
        application = account_services.partner_application_import(
            user=user,
            email=email,
            name=values["name"],
            website=values["website"],
            additional_information=values["additional_information"],
            approved_at=(row["updated_at"] or row["created_at"]) if approved else None,
            created_at=row["created_at"],
        )
        return application.pk, ""

    def update(self, run, row, values, application, changed, pending):
        changes = {
            name: values[name] for name in ("email", "name", "website", "additional_information") if name in changed
        }
        if changes.get("email") == "":
            changes.pop("email")
        if changes:
            account_services.partner_application_import_update(application=application, **changes)
        return bool(changes), ""


IMPORTERS = (_People, _Clients, _Aliases, _Consents, _Partners)


def _record_save(
    *,
    run: "_Run",
    record: LegacyRecord | None,
    table: Table,
    legacy_id: int,
    target_id,
    fingerprints: dict,
    pending: str,
):
    """Remember what the row became; new records are written with the rest of the batch (one INSERT)."""
    if record is None:
        run.new_records.append(
            LegacyRecord(
                table=table, legacy_id=legacy_id, target_id=target_id, fingerprints=fingerprints, pending=pending
            )
        )
        return
    record.target_id, record.fingerprints, record.pending = target_id, fingerprints, pending
    record.save(update_fields=["target_id", "fingerprints", "pending", "updated_at"])


def _import_row(
    run: _Run, importer: _Importer, row: Row, record: LegacyRecord | None, targets: dict
) -> tuple[str, str]:
    """Create, update or leave one 2019 row (in its own savepoint); returns (outcome, reason)."""
    try:
        values = importer.values(run, row)
    except _Refused as refusal:
        return "refused", str(refusal)
    fingerprints = {name: _digest(value) for name, value in values.items()}
    imported = record is not None and record.target_id is not None
    if imported:
        target = targets.get(record.target_id)
        if target is None:
            return "skipped", DELETED_HERE
        changed = {name for name, digest in fingerprints.items() if record.fingerprints.get(name) != digest}
        if not changed and not record.pending:
            return "skipped", UNCHANGED
    held = None
    try:
        with transaction.atomic():
            try:
                if imported:
                    written, pending = importer.update(run, row, values, target, changed, set(record.pending.split()))
                    target_id = record.target_id
                else:
                    target_id, pending = importer.create(run, row, values, record)
            except _Held as error:  # refused for now, but what it did (a tombstone) stays and the ledger remembers it
                held, target_id, pending = error, None, error.pending
            if not (
                record and (record.target_id, record.pending, record.fingerprints) == (target_id, pending, fingerprints)
            ):
                _record_save(
                    run=run,
                    record=record,
                    table=importer.table,
                    legacy_id=row["id"],
                    target_id=target_id,
                    fingerprints=fingerprints,
                    pending=pending,
                )
    except _Refused as refusal:
        return "refused", str(refusal)
    except _Skipped as skip:
        return "skipped", str(skip)
    except IntegrityError:
        log.warning("legacy row conflicts table=%s legacy_id=%s", importer.table, row["id"])
        return "refused", "conflicts with a row written here meanwhile: run again"
    if held is not None:
        return "refused", str(held)
    if imported:
        return ("updated", "") if written else ("skipped", UNCHANGED)
    return "created", ""


def _import_table(run: _Run, importer: _Importer, *, batch_size: int, progress) -> None:
    """One pass over a 2019 table, one transaction per batch of rows."""
    report = run.report.table(importer.table.value)
    run.table = report
    report.rows = run.source.count(importer.table.value)
    done, seen = 0, set()
    for rows in run.source.batches(importer.table.value, batch_size=batch_size):
        seen.update(row["id"] for row in rows)
        try:
            with transaction.atomic():
                importer.prepare(run, rows)
                records = {
                    record.legacy_id: record
                    for record in LegacyRecord.objects.filter(
                        table=importer.table, legacy_id__in=[row["id"] for row in rows]
                    )
                }
                targets = importer.model.objects.in_bulk(
                    [r.target_id for r in records.values() if r.target_id is not None]
                )
                run.new_records = []
                for row in rows:
                    run.row_id = row["id"]
                    outcome, reason = _import_row(run, importer, row, records.get(row["id"]), targets)
                    report.add(outcome, row["id"], reason)
                LegacyRecord.objects.bulk_create(run.new_records)
        except Exception as error:
            log.exception("legacy import interrupted table=%s legacy_id=%s", importer.table, run.row_id)
            saved = (
                "Nothing was written (dry run)."
                if run.dry_run
                else ("Every batch before it is saved: run the command again to continue.")
            )
            raise ImportInterrupted(
                f"The import stopped at {importer.table.value}#{run.row_id} ({type(error).__name__}: {error}). {saved}"
            ) from error
        done += len(rows)
        if progress:
            progress(importer.table.value, done, report.rows)
    imported = LegacyRecord.objects.filter(table=importer.table, target_id__isnull=False).order_by("legacy_id")
    for legacy_id in imported.values_list("legacy_id", flat=True).iterator(chunk_size=2000):
        if legacy_id not in seen:
            report.note(
                legacy_id,
                "imported earlier, no longer in the 2019 database: kept here (delete it here if it should go)",
            )


def _case_duplicates(source: LegacySource) -> set[str]:
    """Lowercased 2019 emails that more than one 2019 account has (2019 compared emails case-sensitively)."""
    seen: dict[str, int] = defaultdict(int)
    for row in source.column_values("users", ("email",)):
        seen[(row["email"] or "").strip().lower()] += 1
    return {email for email, count in seen.items() if count > 1}


def _first_alias_by_address(source: LegacySource) -> dict[str, int]:
    """Lowercased alias address → the id of the first 2019 alias with it."""
    first: dict[str, int] = {}
    for row in source.column_values("gen_email", ("id", "email")):
        first.setdefault((row["email"] or "").strip().lower(), row["id"])
    return first


def legacy_import(
    *,
    database_url: str,
    dry_run: bool = False,
    batch_size: int = 200,
    files_from: Path | None = None,
    progress=None,
) -> ImportReport:
    """Bring people, clients, aliases, consents and partner applications over from the 2019 database at `database_url`.

    A dry run does the same work in one transaction rolled back at the end, without files or Stripe calls.
    LegacyImportError when the database cannot be read or the run stops on an unexpected error.
    """
    if files_from is not None and not Path(files_from).is_dir():
        raise LegacyImportError(f"--files-from {files_from} is not a folder.")
    source = LegacySource.open(database_url)
    try:
        return _import_all(
            source=source,
            dry_run=dry_run,
            batch_size=batch_size,
            files_from=Path(files_from) if files_from else None,
            progress=progress,
        )
    finally:
        source.close()


def _import_all(
    *, source: LegacySource, dry_run: bool, batch_size: int, files_from: Path | None, progress
) -> ImportReport:
    run = _Run(
        source=source,
        report=ImportReport(source=source.description, dry_run=dry_run),
        dry_run=dry_run,
        files_from=files_from,
        stripe=billing_enabled(),
        duplicate_emails=_case_duplicates(source),
        first_alias=_first_alias_by_address(source),
    )
    started = datetime.now()
    try:
        with transaction.atomic() if dry_run else nullcontext():
            for importer in IMPORTERS:
                _import_table(run, importer(), batch_size=batch_size, progress=progress)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    log.info(
        "legacy import finished dry_run=%s changed=%s seconds=%.1f",
        dry_run,
        run.report.changed,
        (datetime.now() - started).total_seconds(),
    )
    return run.report
