"""Portal pages of the inventory app."""

app_name = "inventory"
urlpatterns = []
