"""Portal pages of quarterly reviews."""

from django.urls import path

from reviews import views

app_name = "reviews"
urlpatterns = [
    path("reviews/", views.review_list, name="review-list"),
    path("reviews/<int:pk>/", views.review_detail, name="review-detail"),
    path("reviews/<int:pk>/acknowledge/", views.review_acknowledge_view, name="review-acknowledge"),
]
