"""`assign()`: a set assigned to a class, due in a week unless said otherwise (the fixtures `bank`,
`classroom` and `alice` that go with it are in conftest.py)."""

from datetime import timedelta

from django.utils import timezone

from quizzes.models import Assignment


def assign(classroom, quizset, **kwargs) -> Assignment:
    kwargs.setdefault("due_at", timezone.now() + timedelta(days=7))
    return Assignment.objects.create(classroom=classroom, quizset=quizset, **kwargs)
