"""Pages of accounts: the dashboard, the settings page (with API keys) and the partner programme."""

import logging

from allauth.account.decorators import reauthentication_required
from allauth.core import ratelimit
from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, services
from accounts.exceptions import AliasError, ApiKeyError, InvalidAliasPrefix, PartnerCodeError
from accounts.forms import (
    AliasFilterForm,
    ApiKeyForm,
    AvatarForm,
    CustomAliasForm,
    DeleteAccountForm,
    EndOtherSessionsForm,
    LanguageForm,
    NameForm,
    PartnerApplicationForm,
    PartnerCodeForm,
    ResendVerificationForm,
)
from accounts.forwarding.selectors import alias_stats_for_aliases
from accounts.models import Alias, ApiKey
from billing.selectors import billing_enabled, membership_get, trial_days_left, user_can_create_custom_alias

log = logging.getLogger(__name__)


def _alias_or_404(request, alias_id: int) -> Alias:
    try:
        return selectors.alias_get_for_user(user=request.user, alias_id=alias_id)
    except Alias.DoesNotExist:
        raise Http404(_("No such alias.")) from None


ALIASES_PER_PAGE = 25


def _wants_json(request) -> bool:
    """The dashboard's script (static/js/dashboard.js) asks for JSON; a plain form post gets a redirect."""
    return "application/json" in request.headers.get("Accept", "")


def _dashboard_page(request, *, custom_form=None, status=200):
    filters = AliasFilterForm(request.GET, auto_id="alias-%s")
    paginator = Paginator(selectors.alias_list(user=request.user, **filters.criteria()), ALIASES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    aliases = list(page.object_list)
    stats = alias_stats_for_aliases(aliases=aliases)
    for alias in aliases:
        alias.mail_stats = stats[alias.pk]
    context = {
        "aliases": aliases,
        "page": page,
        "filters": filters,
        "filtered": filters.is_filtered(),
        "custom_form": custom_form or CustomAliasForm(),
        "can_create_custom": user_can_create_custom_alias(user=request.user),
        "quota_left": selectors.alias_quota_left(user=request.user),
        "trial_days_left": trial_days_left(user=request.user),
        "membership": membership_get(user=request.user),
        "billing_enabled": billing_enabled(),
    }
    return render(request, "accounts/dashboard.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def dashboard(request):
    """The person's aliases, 25 a page: search, filter, sort, create, switch forwarding, note, test email, delete."""
    return _dashboard_page(request)


@login_required
@require_POST
def alias_create_random(request):
    """Create a random alias in one click."""
    try:
        alias = services.alias_create_random(user=request.user)
    except AliasError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Alias %(email)s has been created.") % {"email": alias.email})
    return redirect("dashboard")


@login_required
@require_POST
def alias_create_custom(request):
    """Create a custom alias from the typed prefix (premium)."""
    form = CustomAliasForm(request.POST)
    if form.is_valid():
        try:
            alias = services.alias_create_custom(user=request.user, prefix=form.cleaned_data["prefix"])
        except InvalidAliasPrefix as error:
            form.add_error("prefix", str(error))
        except AliasError as error:
            messages.error(request, str(error))
            return redirect("dashboard")
        else:
            messages.success(request, _("Alias %(email)s has been created.") % {"email": alias.email})
            return redirect("dashboard")
    return _dashboard_page(request, custom_form=form, status=400)


@login_required
@require_POST
def alias_toggle(request, alias_id: int):
    """Switch forwarding of one alias on or off."""
    alias = services.alias_toggle(alias=_alias_or_404(request, alias_id))
    if alias.enabled:
        message = _("Forwarding for %(email)s is now on.") % {"email": alias.email}
    else:
        message = _("Forwarding for %(email)s is now off.") % {"email": alias.email}
    if _wants_json(request):
        return JsonResponse({"enabled": alias.enabled, "message": message})
    messages.success(request, message)
    return redirect("dashboard")


@login_required
@require_POST
def alias_note(request, alias_id: int):
    """Save the note of one alias."""
    alias = _alias_or_404(request, alias_id)
    try:
        services.alias_update_note(alias=alias, note=request.POST.get("note", ""))
    except AliasError as error:
        if _wants_json(request):
            return JsonResponse({"error": str(error)}, status=400)
        messages.error(request, str(error))
    else:
        message = _("The note of %(email)s is saved.") % {"email": alias.email}
        if _wants_json(request):
            return JsonResponse({"note": alias.note, "message": message})
        messages.success(request, message)
    return redirect("dashboard")


@login_required
@require_http_methods(["GET", "POST"])
def alias_delete(request, alias_id: int):
    """Confirm (GET) then delete (POST) an alias, naming the apps that lose it."""
    alias = _alias_or_404(request, alias_id)
    if request.method == "POST":
        email = alias.email
        services.alias_delete(alias=alias)
        messages.success(request, _("Alias %(email)s has been deleted.") % {"email": email})
        return redirect("dashboard")
    authorizations = alias.authorizations.select_related("client").order_by("client__name")
    return render(request, "accounts/alias_delete.html", {"alias": alias, "authorizations": authorizations})


@login_required
@require_POST
def alias_test_email(request, alias_id: int):
    """Send a test email to one alias."""
    alias = _alias_or_404(request, alias_id)
    if not ratelimit.consume(request, action="alias_test_email", user=request.user):
        messages.error(request, _("Too many test emails. Please try again in an hour."))
        return redirect("dashboard")
    try:
        services.alias_send_test_email(alias=alias)
    except OSError:
        log.exception("alias test email failed alias_id=%s", alias.pk)
        messages.error(request, _("The test email could not be sent right now. Please try again later."))
    else:
        if alias.enabled:
            messages.success(
                request, _("A test email has been sent to %(email)s. Please check your inbox.") % {"email": alias.email}
            )
        else:
            messages.warning(
                request,
                _(
                    "A test email has been sent to %(email)s, but forwarding is off: it is blocked and will not "
                    "reach your inbox. Turn forwarding on to receive it."
                )
                % {"email": alias.email},
            )
    return redirect("dashboard")


def _settings_page(request, **forms):
    context = {
        "name_form": NameForm(initial={"name": request.user.name}),
        "language_form": LanguageForm(initial={"language": request.user.language}),
        "avatar_form": AvatarForm(),
        "membership": membership_get(user=request.user),
        "api_keys": list(selectors.api_key_list(user=request.user)),
        "api_key_form": ApiKeyForm(),
        "mfa_types": selectors.user_second_factors(user=request.user),
        "pending_email": selectors.email_pending_get(user=request.user),
    }
    context.update(forms)
    status = 400 if forms else 200
    return render(request, "accounts/settings.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def settings_page(request):
    """Profile, avatar, password and account deletion."""
    return _settings_page(request)


@login_required
@require_POST
def settings_name(request):
    """Change the default name."""
    form = NameForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, name_form=form)
    services.user_update_name(user=request.user, name=form.cleaned_data["name"])
    messages.success(request, _("Your name is updated."))
    return redirect("settings")


@login_required
@require_POST
def settings_language(request):
    """Choose the language of pages and mails; this browser remembers it after log out too."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, language_form=form)
    language = form.cleaned_data["language"]
    services.user_update_language(user=request.user, language=language)
    translation.activate(language or translation.get_language_from_request(request))
    messages.success(request, _("Your language is saved."))
    response = redirect("settings")
    if language:
        response.set_cookie(
            django_settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=django_settings.LANGUAGE_COOKIE_AGE,
            secure=django_settings.LANGUAGE_COOKIE_SECURE,
            httponly=django_settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=django_settings.LANGUAGE_COOKIE_SAMESITE,
        )
    else:
        response.delete_cookie(django_settings.LANGUAGE_COOKIE_NAME, samesite=django_settings.LANGUAGE_COOKIE_SAMESITE)
    return response


@login_required
@require_POST
def settings_avatar(request):
    """Upload or remove the avatar."""
    if "remove" in request.POST:
        services.user_remove_avatar(user=request.user)
        messages.success(request, _("Your avatar is removed."))
        return redirect("settings")
    form = AvatarForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.user_update_avatar(user=request.user, upload=form.cleaned_data["avatar"])
        except ValidationError as error:
            form.add_error("avatar", error)
    if not form.is_valid():
        return _settings_page(request, avatar_form=form)
    messages.success(request, _("Your avatar is updated."))
    return redirect("settings")


@login_required
@require_http_methods(["GET"])
def settings_export(request):
    """Serve "Download my data": the person's data as a JSON file (an attachment)."""
    data = selectors.user_data_export(user=request.user)
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    filename = f"simplelogin-data-{timezone.now():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
@reauthentication_required(allow_get=True)
def settings_delete(request):
    """Its own page (so a wrong password shows at the form), offering the data download; POST deletes the account."""
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=request.user)
    if not form.is_valid():
        return render(request, "accounts/delete_account.html", {"form": form}, status=400 if form.errors else 200)
    user = request.user
    logout(request)
    services.user_delete(user=user)
    messages.success(request, _("Your account and all its data are deleted."))
    return redirect("account_login")


@require_http_methods(["GET", "POST"])
def resend_verification(request):
    """Send a new verification link; answers the same whether or not the address is known."""
    form = ResendVerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.email_verification_resend(request=request, email=form.cleaned_data["email"])
        messages.info(request, _("If an unverified account uses this address, a new verification link is on its way."))
        return redirect("account_login")
    return render(request, "account/resend_verification.html", {"form": form}, status=400 if form.errors else 200)


# --- personal API keys (a section of the settings page) -------------------------------------------------


@never_cache
@login_required
@require_POST
@reauthentication_required
def api_key_create(request):
    """Create a key and show it once on its own page; errors show at the key form of the settings page."""
    form = ApiKeyForm(request.POST)
    if form.is_valid():
        try:
            api_key, raw_key = services.api_key_create(user=request.user, name=form.cleaned_data["name"])
        except ApiKeyError as error:
            form.add_error("name", str(error))
    if not form.is_valid():
        return _settings_page(request, api_key_form=form)
    return render(request, "accounts/api_key_created.html", {"api_key": api_key, "raw_key": raw_key}, status=201)


@login_required
@require_http_methods(["GET", "POST"])
def api_key_delete(request, api_key_id: int):
    """Confirm (GET), then delete (POST) one of the person's keys; it stops working at once."""
    try:
        api_key = selectors.api_key_get_for_user(user=request.user, api_key_id=api_key_id)
    except ApiKey.DoesNotExist:
        raise Http404(_("No such API key.")) from None
    if request.method == "GET":
        return render(request, "accounts/api_key_delete.html", {"api_key": api_key})
    services.api_key_delete(api_key=api_key)
    messages.success(request, _("The API key “%(name)s” is deleted; it no longer works.") % {"name": api_key.name})
    return redirect("settings")


# --- where you're signed in (allauth.usersessions, in our look) ----------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def usersessions(request):
    """The person's sessions: device, IP, last seen; POST signs out every other one (and, if ticked, the apps)."""
    sessions = selectors.usersession_list(user=request.user, current_session_key=request.session.session_key)
    form = EndOtherSessionsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        others = [session for session in sessions if not session.current]
        revoke_apps = form.cleaned_data["revoke_apps"]
        count = services.usersessions_end(request=request, user=request.user, sessions=others, revoke_apps=revoke_apps)
        text = ngettext(
            "You are signed out of %(count)d other session.", "You are signed out of %(count)d other sessions.", count
        ) % {"count": count}
        messages.success(request, f"{text} {_('Every app must ask you to sign in again.')}" if revoke_apps else text)
        return redirect("usersessions_list")
    return render(request, "usersessions/usersession_list.html", {"sessions": sessions, "form": form})


@login_required
@require_POST
def usersession_end(request, session_id: int):
    """Sign out of one session (another browser, or this one)."""
    from allauth.usersessions.models import UserSession

    try:
        session = selectors.usersession_get_for_user(user=request.user, session_id=session_id)
    except UserSession.DoesNotExist:
        raise Http404(_("No such session.")) from None
    current = session.session_key == request.session.session_key
    services.usersessions_end(request=request, user=request.user, sessions=[session])
    if current:
        return redirect("account_login")
    device = selectors.user_agent_describe(user_agent=session.user_agent)
    messages.success(request, _("That session (%(device)s) is signed out.") % {"device": device})
    return redirect("usersessions_list")


# --- the partner programme (who is a developer) ------------------------------------------------------------


PARTNER_APPLICATION_SESSION_KEY = "partner_application_id"


def _partner_page(request, *, application_form=None, code_form=None, status=200):
    user = request.user
    initial = {"email": user.email, "name": user.name} if user.is_authenticated else {}
    pending = selectors.partner_application_pending(
        user=user, application_id=request.session.get(PARTNER_APPLICATION_SESSION_KEY)
    )
    return render(
        request,
        "accounts/partner.html",
        {
            "application_form": application_form or PartnerApplicationForm(initial=initial),
            "code_form": code_form or PartnerCodeForm(),
            "pending_application": None if application_form else pending,
            "partner_codes_exist": selectors.partner_codes_exist() or code_form is not None,  # errors stay visible
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def partner(request):
    """The partner programme: apply with the form (anyone) or use a partner code (signed in)."""
    if request.method == "GET":
        return _partner_page(request)
    form = PartnerApplicationForm(request.POST)
    if not form.is_valid():
        return _partner_page(request, application_form=form, status=400)
    if not ratelimit.consume(request, action="partner_apply"):
        return render(request, "429.html", status=429)
    application = services.partner_application_submit(
        user=request.user if request.user.is_authenticated else None, **form.cleaned_data
    )
    request.session[PARTNER_APPLICATION_SESSION_KEY] = application.pk
    messages.success(request, _("Thank you! Your application is sent; we will answer by email."))
    return redirect("partner")


@login_required
@require_POST
def partner_code(request):
    """A valid partner code makes the person a developer at once."""
    form = PartnerCodeForm(request.POST)
    if not ratelimit.consume(request, action="partner_code", user=request.user):
        form.add_error(None, _("Too many partner codes tried; please wait an hour or apply with the form."))
    elif form.is_valid():
        try:
            services.partner_code_redeem(user=request.user, code=form.cleaned_data["code"])
        except PartnerCodeError as error:
            form.add_error("code", str(error))
        else:
            messages.success(request, _("You are now a developer: register your first app."))
            return redirect("developer_console")
    return _partner_page(request, code_form=form, status=400)
