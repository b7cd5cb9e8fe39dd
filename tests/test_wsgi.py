"""learnapp.wsgi: a server's worker loads the app's URLconf and views when it loads the application, so that its first
request does not pay for them (about 0.1 s of CPU, and every worker is recycled after --max-requests:
docs/performance.md, session 12)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_loading_the_application_loads_the_views():
    probe = (
        "import sys, learnapp.wsgi; "
        "print(all(m in sys.modules for m in ('quizzes.study.views', 'quizzes.quizzing.views', 'quizzes.views')))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "learnapp.settings"}
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
