"""Routes of the OpenID Connect provider."""

urlpatterns = []
