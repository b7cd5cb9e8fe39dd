"""One URL namespace, `quizzes:`, gathered from the domains' own urls.py."""

from django.urls import include, path

from . import privacy, views

app_name = "quizzes"
urlpatterns = [
    path("", views.home, name="home"),
    path("", include("quizzes.bank.urls")),
    path("", include("quizzes.quizzing.urls")),
    path("", include("quizzes.study.urls")),
    path("", include("quizzes.teaching.urls")),
    path("", include("quizzes.deriving.urls")),
    path("", include("quizzes.accounts.urls")),
    path("accounts/export/", privacy.export, name="export_data"),
    path("accounts/delete/", privacy.delete_account, name="delete_account"),
]
