"""One URL namespace, `quizzes:`, gathered from the domains' own urls.py."""

from django.urls import include, path

from . import privacy, views

app_name = "quizzes"
urlpatterns = [
    path("", views.home, name="home"),
    # Tried in this order on every request: each domain whose routes all fail costs a request a few µs. The quizzes'
    # and the study's (every quiz question, review and rating) before the bank's two, which are rarely asked for. No
    # two routes of different domains match one path, so the order changes no page (tests/test_url_order.py).
    path("", include("quizzes.quizzing.urls")),
    path("", include("quizzes.study.urls")),
    path("", include("quizzes.bank.urls")),
    path("", include("quizzes.teaching.urls")),
    path("", include("quizzes.deriving.urls")),
    path("", include("quizzes.accounts.urls")),
    path("accounts/export/", privacy.export, name="export_data"),
    path("accounts/delete/", privacy.delete_account, name="delete_account"),
]
