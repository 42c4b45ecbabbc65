"""Portal pages of the conflicts app."""

app_name = "conflicts"
urlpatterns = []
