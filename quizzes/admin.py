"""Django admin: each domain registers its own models; this module (found by autodiscovery) loads them."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .bank import admin as bank_admin  # noqa: F401
from .quizzing import admin as quizzing_admin  # noqa: F401
from .teaching import admin as teaching_admin  # noqa: F401

admin.site.site_header = _("learnapp administration")
admin.site.site_title = _("learnapp admin")
admin.site.index_title = _("Question bank")
admin.site.site_url = "/"
