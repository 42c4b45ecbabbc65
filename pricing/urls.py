"""pricing portal pages."""

urlpatterns = []
