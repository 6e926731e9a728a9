"""Signed-in pages of accounts: the dashboard and the settings page."""

from allauth.account.internal.flows.email_verification import send_verification_email_to_address
from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services
from accounts.forms import AvatarForm, DeleteAccountForm, NameForm, ResendVerificationForm
from billing.selectors import membership_get


@login_required
def dashboard(request):
    """The person's home page."""
    return render(request, "accounts/dashboard.html", {"aliases": request.user.aliases.all()})


def _settings_page(request, **forms):
    context = {
        "name_form": NameForm(initial={"name": request.user.name}),
        "avatar_form": AvatarForm(),
        "delete_form": DeleteAccountForm(user=request.user),
        "membership": membership_get(user=request.user),
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
    messages.success(request, "Your name is updated.")
    return redirect("settings")


@login_required
@require_POST
def settings_avatar(request):
    """Upload or remove the avatar."""
    if "remove" in request.POST:
        services.user_remove_avatar(user=request.user)
        messages.success(request, "Your avatar is removed.")
        return redirect("settings")
    form = AvatarForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.user_update_avatar(user=request.user, upload=form.cleaned_data["avatar"])
        except ValidationError as error:
            form.add_error("avatar", error)
    if not form.is_valid():
        return _settings_page(request, avatar_form=form)
    messages.success(request, "Your avatar is updated.")
    return redirect("settings")


@login_required
@require_POST
def settings_delete(request):
    """Delete the account after the password is re-entered."""
    form = DeleteAccountForm(request.POST, user=request.user)
    if not form.is_valid():
        return _settings_page(request, delete_form=form)
    user = request.user
    logout(request)
    services.user_delete(user=user)
    messages.success(request, "Your account and all its data are deleted.")
    return redirect("account_login")


@require_http_methods(["GET", "POST"])
def resend_verification(request):
    """Send a new verification link; answers the same whether or not the address is known."""
    form = ResendVerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        address = EmailAddress.objects.filter(email__iexact=form.cleaned_data["email"], verified=False).first()
        if address is not None:
            send_verification_email_to_address(request, address)
        messages.info(request, "If an unverified account uses this address, a new verification link is on its way.")
        return redirect("account_login")
    return render(request, "account/resend_verification.html", {"form": form}, status=400 if form.errors else 200)
