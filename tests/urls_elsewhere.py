"""A URLconf for tests/test_base_page.py: the same names at other paths."""

from django.urls import include, path

urlpatterns = [path("elsewhere/", include("quizzes.urls"))]
