"""The API key section of the settings page: create (the key is shown once) and delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from api import selectors, services
from api.forms import ApiKeyForm
from api.models import ApiKey


@never_cache
@login_required
@require_POST
def api_key_create(request):
    """Create a key and show it once on its own page; errors go back to the settings page."""
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("name", ["Give the key a name."])))
        return redirect("settings")
    try:
        api_key, raw_key = services.api_key_create(user=request.user, name=form.cleaned_data["name"])
    except services.ApiKeyError as error:
        messages.error(request, str(error))
        return redirect("settings")
    return render(request, "api/api_key_created.html", {"api_key": api_key, "raw_key": raw_key}, status=201)


@login_required
@require_POST
def api_key_delete(request, api_key_id: int):
    """Delete one of the person's keys; it stops working at once."""
    try:
        api_key = selectors.api_key_get_for_user(user=request.user, api_key_id=api_key_id)
    except ApiKey.DoesNotExist:
        raise Http404("No such API key.") from None
    services.api_key_delete(api_key=api_key)
    messages.success(request, f"The API key “{api_key.name}” is deleted; it no longer works.")
    return redirect("settings")
