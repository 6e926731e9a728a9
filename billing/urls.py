"""Routes of billing."""

urlpatterns = []
