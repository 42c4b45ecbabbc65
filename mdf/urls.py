"""mdf portal pages."""

urlpatterns = []
