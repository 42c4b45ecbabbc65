"""Portal pages of the commissions app."""

from django.urls import path

from commissions import views

app_name = "commissions"
urlpatterns = [
    path("statements/", views.statement_list, name="statement-list"),
    path("statements/<int:pk>/", views.statement_detail, name="statement-detail"),
    path("statements/<int:pk>/decide/", views.statement_decide, name="statement-decide"),
    path("statements/<int:pk>/csv/", views.statement_csv, name="statement-csv"),
    path("statements/<int:pk>/print/", views.statement_print, name="statement-print"),
    path("commissions/what-if/", views.whatif_panel, name="whatif"),
    path("sales/upload/", views.sales_upload, name="sales-upload"),
]
