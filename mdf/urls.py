"""Portal pages of marketing funds."""

from django.urls import path

from mdf import views

app_name = "mdf"
urlpatterns = [
    path("mdf/", views.fund_page, name="fund"),
    path("mdf/requests/new/", views.request_new, name="request_new"),
    path("mdf/requests/<int:pk>/claim/", views.claim_new, name="claim_new"),
    path("mdf/requests/<int:pk>/<str:decision>/", views.request_decide, name="request_decide"),
    path("mdf/claims/<int:pk>/<str:decision>/", views.claim_decide, name="claim_decide"),
    path("mdf/proofs/<int:pk>/", views.proof_download, name="proof_download"),
]
