from django.urls import path

from . import views

app_name = "quizzes"
urlpatterns = [
    path("", views.home, name="home"),
    path("sets/<slug:key>/", views.quizset, name="quizset"),
    path("sources/<slug:key>/", views.source, name="source"),
    path("questions/<slug:external_id>/preview/", views.preview, name="preview"),
    path("accounts/signup/", views.signup, name="signup"),
]
