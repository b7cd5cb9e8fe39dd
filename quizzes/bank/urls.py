from django.urls import path

from . import views

urlpatterns = [
    path("sources/<slug:key>/", views.source, name="source"),
    path("questions/<slug:external_id>/preview/", views.preview, name="preview"),
]
