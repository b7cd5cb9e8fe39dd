"""Learners created from a CSV roster (username, name, email, class): checked as a whole, written all or nothing."""

import csv
import io
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from ..accounts.roles import Role, grant_role
from .models import Classroom, Enrollment

COLUMNS = ["username", "name", "email", "class"]
MAX_ROWS = 5000


class RosterInvalid(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class Row:
    line: int
    username: str
    first_name: str
    last_name: str
    email: str
    classroom: Classroom | None


def parse_roster(data: bytes) -> list[Row]:
    """Every row, or RosterInvalid listing every problem with its line number (the header is line 1)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterInvalid([_("The file is not UTF-8 text: save it from your spreadsheet as “CSV UTF-8”.")]) from None
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in French (and other) locales save CSV with semicolons: the header line says which.
    delimiter = next((d for d in (",", ";", "\t") if d in first_line), ",")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    if header != COLUMNS:
        raise RosterInvalid([_("line 1: the columns must be %(columns)s") % {"columns": ", ".join(COLUMNS)}])
    User = get_user_model()
    validate_username = UnicodeUsernameValidator()
    classes = {}
    for c in Classroom.objects.filter(archived=False).select_related("teacher"):
        classes.setdefault(c.join_code.lower(), []).append(c)
        classes.setdefault(c.name.strip().lower(), []).append(c)
    rows, errors, seen_names, seen_emails = [], [], {}, {}
    for line, fields in enumerate(reader, start=2):
        if not any(f.strip() for f in fields):
            continue
        if len(rows) + len(errors) >= MAX_ROWS:
            errors.append(_("line %(n)s: at most %(max)s learners per file") % {"n": line, "max": MAX_ROWS})
            break
        if len(fields) != len(COLUMNS):
            errors.append(_("line %(n)s: %(count)s columns instead of 4") % {"n": line, "count": len(fields)})
            continue
        username, name, email, class_name = (f.strip() for f in fields)
        problems = []
        try:
            validate_username(username)
            if not username or len(username) > 150:
                raise ValidationError("length")
        except ValidationError:
            problems.append(
                _("“%(u)s” is not a valid username (letters, digits and @.+-_, at most 150)") % {"u": username}
            )
        else:
            if username.lower() in seen_names:
                problems.append(
                    _("username %(u)s is also on line %(other)s")
                    % {"u": username, "other": seen_names[username.lower()]}
                )
            elif User.objects.filter(username__iexact=username).exists():
                problems.append(_("username %(u)s is taken") % {"u": username})
            seen_names.setdefault(username.lower(), line)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(_("%(e)s is not an email address") % {"e": email})
            else:
                if email.lower() in seen_emails:
                    problems.append(
                        _("email %(e)s is also on line %(other)s") % {"e": email, "other": seen_emails[email.lower()]}
                    )
                elif User.objects.filter(email__iexact=email).exists():
                    problems.append(_("email %(e)s is used by another account") % {"e": email})
                seen_emails.setdefault(email.lower(), line)
        classroom = None
        if class_name:
            found = classes.get(class_name.lower(), [])
            if not found:
                problems.append(_("no class named or coded “%(c)s”") % {"c": class_name})
            elif len(found) > 1:
                problems.append(_("several classes are named “%(c)s”: use the class's join code") % {"c": class_name})
            else:
                classroom = found[0]
        first, _sep, last = name.partition(" ")
        if len(first) > 150 or len(last) > 150:
            problems.append(_("the name is longer than 150 characters"))
        errors += [_("line %(n)s: %(problem)s") % {"n": line, "problem": p} for p in problems]
        if not problems:
            rows.append(Row(line, username, first, last, email, classroom))
    if errors:
        raise RosterInvalid(errors)
    if not rows:
        raise RosterInvalid([_("The file has no learners after its header line.")])
    return rows


def create_learners(rows: list[Row]) -> list:
    """The learners of the roster, in one transaction. Each gets a random password: they set theirs
    from the mail (password reset link) or their teacher resets it."""
    User = get_user_model()
    with transaction.atomic():
        users = []
        for row in rows:
            user = User(username=row.username, first_name=row.first_name, last_name=row.last_name, email=row.email)
            user.set_password(secrets.token_urlsafe(24))
            user.save()
            grant_role(user, Role.LEARNER)
            if row.classroom is not None:
                Enrollment.objects.create(classroom=row.classroom, learner=user)
            users.append(user)
    return users
