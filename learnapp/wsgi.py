import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learnapp.settings")
application = get_wsgi_application()
# Import the URLconf and every view now, as a gunicorn worker boots, rather than in its first request: ~0.1 s of CPU
# that request would wait for, again after each recycle (--max-requests; docs/performance.md, session 12).
get_resolver().url_patterns  # noqa: B018
