"""Portal pages of the dealers app."""

app_name = "dealers"
urlpatterns = []
