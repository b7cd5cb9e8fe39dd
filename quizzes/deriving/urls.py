from django.urls import path

from . import views

urlpatterns = [
    path("texts/new/", views.new_source, name="new_source"),
    path("texts/<slug:key>/derive/", views.derive, name="derive"),
    path("review-queue/", views.queue, name="review_queue"),
    path("review-queue/<int:pk>/", views.review, name="review_candidate"),
    path("review-queue/<int:pk>/edit/", views.edit_candidate, name="edit_candidate"),
]
