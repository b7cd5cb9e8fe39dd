"""A URLconf for tests/test_middleware_stack.py: a page under language prefixes (i18n_patterns), with the app's."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import include, path
from django.utils.translation import get_language


def hello(request):
    return HttpResponse(f"hello in {get_language()}")


urlpatterns = [*i18n_patterns(path("hello/", hello)), path("", include("learnapp.urls"))]
