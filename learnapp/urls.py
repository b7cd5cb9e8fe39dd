from django.contrib import admin
from django.urls import include, path

from quizzes import views

urlpatterns = [
    path("", include("quizzes.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("favicon.ico", views.favicon),
    path("healthz", views.healthz, name="healthz"),
]
