"""Nothing lost on the study settings form: a refused value comes back with everything typed."""

import re

from quizzes.models import StudySettings
from tests.markup import input_value


def test_study_settings_keep_what_was_typed(client, learner):
    client.force_login(learner)
    data = {
        "desired_retention": "0.99",
        "new_per_day": "33",
        "reviews_per_day": "444",
        "timezone": "Europe/Paris",
        "rollover_hour": "5",
    }
    page = client.post("/study/settings/", data).content.decode()
    assert input_value(page, "desired_retention") == "0.99"
    assert input_value(page, "new_per_day") == "33" and input_value(page, "reviews_per_day") == "444"
    assert '<option value="Europe/Paris" selected>' in page
    assert re.search(r'class="errorlist[^"]*"[^>]*>\s*<li>', page)
    assert StudySettings.for_user(learner).new_per_day != 33
