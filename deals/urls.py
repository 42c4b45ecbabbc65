"""deals portal pages."""

urlpatterns = []
