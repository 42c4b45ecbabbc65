"""Portal pages of the dealers app."""

from django.urls import path

from dealers import views

app_name = "dealers"
urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("apply/thanks/", views.apply_thanks, name="apply_thanks"),
    path(
        "dealer-applications/documents/<int:pk>/",
        views.application_document,
        name="application_document",
    ),
    path("dealer/", views.profile, name="profile"),
    path("dealer/agreement/", views.agreement, name="agreement"),
    path("dealer/agreements/<str:number>/", views.agreement_print, name="agreement_print"),
    path("dealer/agreements/<str:number>/sign/", views.agreement_sign, name="agreement_sign"),
    path("dealer/territories/", views.territories, name="territories"),
    path("dealer/members/", views.members, name="members"),
    path("dealer/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("dealer/members/<int:pk>/role/", views.member_role, name="member_role"),
    path("dealer/tier/", views.tier, name="tier"),
    path("dealer/certifications/", views.certifications, name="certifications"),
]
