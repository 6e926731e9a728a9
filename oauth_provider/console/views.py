"""Pages of the developer console, playground, discover and "apps I use"."""

import functools
import logging
from urllib.parse import parse_qsl

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.selectors import alias_list
from oauth_provider import selectors, services
from oauth_provider.console import playground
from oauth_provider.console.forms import (
    AuthorizationAliasForm,
    ClientForm,
    PlaygroundForm,
    PlaygroundRefreshForm,
)
from oauth_provider.console.loopback import DISCOVERY_PATH, provider_metadata
from oauth_provider.exceptions import ClientError, ConsentError, PlaygroundError
from oauth_provider.models import Client

log = logging.getLogger(__name__)
ALIAS_CHOICES_MAX = 500  # newest aliases offered on /apps/ (plus the one each app has)


def developer_required(view):
    """Signed in and a developer; others get the page explaining how to become one."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_developer:
            return render(request, "oauth_provider/console/become.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _owned_client(request, client_id: str) -> Client:
    try:
        return selectors.client_get_for_owner(user=request.user, client_id=client_id)
    except Client.DoesNotExist:
        raise Http404(_("No such client.")) from None


# --- console -----------------------------------------------------------------------------------------------


@login_required
@require_GET
def console(request):
    """The developer's clients, or how to become a developer."""
    if not request.user.is_developer:
        return render(request, "oauth_provider/console/become.html")
    return render(
        request, "oauth_provider/console/console.html", {"clients": selectors.client_list_for_owner(user=request.user)}
    )


def _secret_page(request, client: Client, secret: str, *, created: bool):
    """The only page that ever shows a secret in clear."""
    response = render(
        request, "oauth_provider/console/secret.html", {"client": client, "secret": secret, "created": created}
    )
    response["Cache-Control"] = "no-store"
    return response


@developer_required
@require_http_methods(["GET", "POST"])
def client_create(request):
    """Register a client; its secret is shown once."""
    form = ClientForm(request.POST or None, request.FILES or None, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            client, secret = services.client_create(
                owner=request.user,
                data=form.client_settings(),
                icon=form.cleaned_data.get("icon"),
                public=form.cleaned_data["client_type"] == Client.CLIENT_PUBLIC,
            )
        except ValidationError as error:
            form.add_error("icon", error)
        except ClientError as error:
            form.add_error("redirect_uris", str(error))
        else:
            if not secret:
                messages.success(request, _("%(name)s is registered.") % {"name": client.name})
                return redirect("developer_client", client_id=client.client_id)
            return _secret_page(request, client, secret, created=True)
    return render(request, "oauth_provider/console/client_new.html", {"form": form}, status=400 if form.errors else 200)


def _client_page(request, client: Client, form=None, status=200):
    metadata = provider_metadata()
    context = {
        "client": client,
        "form": form or ClientForm(initial=ClientForm.initial_for(client), creating=False),
        "stats": selectors.client_stats(client=client),
        "metadata": metadata,
        "discovery_url": f"{metadata['issuer']}{DISCOVERY_PATH}",
        "curl_commands": playground.curl_commands(
            client=client,
            metadata=metadata,
            redirect_uri=(client.redirect_uris.split() or ["https://example.com/callback"])[0],
        ),
        "is_public": client.client_type == Client.CLIENT_PUBLIC,
    }
    return render(request, "oauth_provider/console/client.html", context, status=status)


@developer_required
@require_GET
def client_detail(request, client_id: str):
    """A client's settings, ids, numbers and curl commands."""
    return _client_page(request, _owned_client(request, client_id))


@developer_required
@require_POST
def client_update(request, client_id: str):
    """Save a client's settings."""
    client = _owned_client(request, client_id)
    form = ClientForm(request.POST, request.FILES, creating=False)
    if form.is_valid():
        try:
            services.client_update(
                client=client,
                data=form.client_settings(),
                published=form.cleaned_data["published"],
                icon=form.cleaned_data.get("icon"),
                icon_remove=form.cleaned_data.get("icon_remove", False),
            )
        except ValidationError as error:
            form.add_error("icon", error)
        except ClientError as error:
            form.add_error("redirect_uris", str(error))
        else:
            messages.success(request, _("The settings are saved."))
            return redirect("developer_client", client_id=client.client_id)
    client.refresh_from_db()
    return _client_page(request, client, form=form, status=400)


@developer_required
@require_POST
@reauthentication_required
def client_secret_rotate(request, client_id: str):
    """Replace the secret; the new one is shown once, the old one stops working."""
    client = _owned_client(request, client_id)
    try:
        secret = services.client_secret_rotate(client=client)
    except ClientError as error:
        messages.error(request, str(error))
        return redirect("developer_client", client_id=client.client_id)
    return _secret_page(request, client, secret, created=False)


@developer_required
@require_http_methods(["GET", "POST"])
@reauthentication_required(allow_get=True)
def client_delete(request, client_id: str):
    """Confirm (GET), then delete the client and revoke everything it holds (POST)."""
    client = _owned_client(request, client_id)
    if request.method == "POST":
        name = client.name
        services.client_delete(client=client)
        messages.success(request, _("%(name)s is deleted; its tokens no longer work.") % {"name": name})
        return redirect("developer_console")
    return render(
        request,
        "oauth_provider/console/client_delete.html",
        {"client": client, "stats": selectors.client_stats(client=client)},
    )


# --- playground --------------------------------------------------------------------------------------------


@developer_required
@require_POST
def playground_uri_add(request, client_id: str):
    """Register the playground callback URI on the client in one click."""
    client = _owned_client(request, client_id)
    if services.client_redirect_uri_add(client=client, uri=playground.playground_callback_uri()):
        messages.success(
            request,
            _("%(uri)s is now a redirect URI of %(name)s.")
            % {"uri": playground.playground_callback_uri(), "name": client.name},
        )
    return redirect("developer_playground", client_id=client.client_id)


@developer_required
@require_http_methods(["GET", "POST"])
def playground_start(request, client_id: str):
    """Choose response_type, scopes and PKCE; then shows the authorize URL to follow."""
    client = _owned_client(request, client_id)
    form = PlaygroundForm(request.POST or None, client=client)
    context = {
        "client": client,
        "form": form,
        "playground_uri": playground.playground_callback_uri(),
        "playground_ready": playground.playground_callback_uri() in client.redirect_uris.split(),
    }
    if request.method == "POST" and form.is_valid() and context["playground_ready"]:
        data = form.cleaned_data
        context["authorize_url"] = playground.playground_start(
            session=request.session,
            client=client,
            response_type=data["response_type"],
            scopes=data["scopes"],
            pkce=data["pkce"],
            response_mode=data["response_mode"],
            prompt=data["prompt"],
            client_secret=data.get("client_secret", ""),
        )
    status = 400 if form.errors or (request.method == "POST" and not context["playground_ready"]) else 200
    return render(request, "oauth_provider/console/playground.html", context, status=status)


@csrf_exempt  # form_post answers come from the authorize page; the state bound to the session protects it (RFC 6749 10.12)
@developer_required
@require_http_methods(["GET", "POST"])
def playground_callback(request):
    """The playground's redirect URI: query, form_post, or the fragment re-posted by developer_playground.js."""
    params = request.GET if request.method == "GET" else request.POST
    if "fragment" in params:
        params = dict(parse_qsl(params["fragment"].lstrip("#"), keep_blank_values=True))
    params = {key: value for key, value in params.items() if key != "csrfmiddlewaretoken"}
    if not params:
        return render(request, "oauth_provider/console/playground_fragment.html")
    try:
        result = playground.playground_finish(session=request.session, user=request.user, params=params)
    except PlaygroundError as error:
        return render(
            request,
            "oauth_provider/console/playground_result.html",
            {"problem": str(error), "callback": sorted(params.items())},
            status=400,
        )
    return _playground_result(request, result)


def _playground_result(request, result: dict, *, refresh_form=None, status=200):
    client = result["client"]
    can_refresh = playground.playground_can_refresh(session=request.session, client=client)
    response = render(
        request,
        "oauth_provider/console/playground_result.html",
        {
            "result": result,
            "client": client,
            "refresh_form": (refresh_form or PlaygroundRefreshForm(client=client)) if can_refresh else None,
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@developer_required
@require_POST
def playground_refresh(request, client_id: str):
    """Use the refresh token of the last playground sign-in and show the new tokens."""
    client = _owned_client(request, client_id)
    form = PlaygroundRefreshForm(request.POST, client=client)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect("developer_playground", client_id=client.client_id)
    try:
        result = playground.playground_refresh(
            session=request.session, client=client, client_secret=form.cleaned_data.get("client_secret", "")
        )
    except PlaygroundError as error:
        messages.error(request, str(error))
        return redirect("developer_playground", client_id=client.client_id)
    return _playground_result(request, result)


# --- discover -------------------------------------------------------------------------------------------


@require_GET
def discover(request):
    """Published apps: icon, name and a link to their home page (public)."""
    return render(request, "oauth_provider/console/discover.html", {"clients": selectors.client_list_published()})


# --- apps I use --------------------------------------------------------------------------------------------


def _apps_page(request, *, forms=None, status=200):
    aliases = list(alias_list(user=request.user)[:ALIAS_CHOICES_MAX])
    rows = []
    for authorization in selectors.authorization_list_for_user(user=request.user):
        form = (forms or {}).get(authorization.client.client_id) or AuthorizationAliasForm(
            user=request.user,
            aliases=aliases,
            current=authorization.alias,
            prefix=authorization.client.client_id,
            initial={"address": str(authorization.alias_id) if authorization.alias_id else AuthorizationAliasForm.REAL},
        )
        rows.append((authorization, form))
    return render(request, "oauth_provider/console/apps.html", {"rows": rows}, status=status)


def _authorization_or_404(request, client_id: str):
    client = selectors.client_get_by_client_id(client_id=client_id)
    authorization = selectors.authorization_get(user=request.user, client=client) if client else None
    if authorization is None:
        raise Http404(_("You have not authorized this app."))
    return authorization


@login_required
@require_GET
def apps(request):
    """Every app the person authorized: what it received, when it was used."""
    return _apps_page(request)


@login_required
@require_POST
def app_alias(request, client_id: str):
    """Change which address an app receives."""
    authorization = _authorization_or_404(request, client_id)
    aliases = alias_list(user=request.user)[:ALIAS_CHOICES_MAX]
    form = AuthorizationAliasForm(
        request.POST, user=request.user, aliases=aliases, current=authorization.alias, prefix=client_id
    )
    if form.is_valid():
        try:
            services.authorization_change_alias(authorization=authorization, alias_id=form.alias_id())
        except ConsentError as error:
            form.add_error("address", str(error))
        else:
            messages.success(
                request,
                _("%(name)s now receives %(email)s.")
                % {
                    "name": authorization.client.name,
                    "email": authorization.alias.email if authorization.alias_id else request.user.email,
                },
            )
            return redirect("apps")
    return _apps_page(request, forms={client_id: form}, status=400)


@login_required
@require_POST
def app_revoke(request, client_id: str):
    """Withdraw an app's access: its tokens stop working and the next sign-in asks for consent again."""
    authorization = _authorization_or_404(request, client_id)
    name = authorization.client.name
    services.authorization_revoke(authorization=authorization)
    messages.success(request, _("%(name)s no longer has access to your account.") % {"name": name})
    return redirect("apps")
