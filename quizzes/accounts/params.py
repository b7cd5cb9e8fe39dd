"""Ids read from a request (a query string, a form, a list of ticked boxes).

A value that is not a number, or a number past what the database can store, is the client's mistake:
a 400 (`BadRequest`) or a form error, never a 500 from the database driver (SQLite raises
OverflowError past 64 bits, PostgreSQL refuses NUL characters).
"""

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.db import connection
from django.http import QueryDict


def as_id(value) -> int | None:
    """`value` as a primary key the database can hold, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not text.isascii() or not text.isdigit() or len(text) > 20:
            return None
        number = int(text)
    _low, high = connection.ops.integer_field_range("AutoField")
    return number if 0 < number <= (high or number) else None


def id_param(data: QueryDict, name: str) -> int | None:
    """An optional id parameter: None when absent or empty, a 400 when it is not an id."""
    value = data.get(name, "")
    if value == "":
        return None
    number = as_id(value)
    if number is None:
        raise BadRequest(f"{name}: not an id")
    return number


def id_list_param(data: QueryDict, name: str) -> list[int]:
    """Every value of a repeated id parameter (ticked boxes); a 400 if one is not an id."""
    numbers = [as_id(value) for value in data.getlist(name)]
    if None in numbers:
        raise BadRequest(f"{name}: not an id")
    return numbers


class ModelMultipleIdsField(forms.ModelMultipleChoiceField):
    """Django's field, but an id past the database's range is a form error: Django checks each id
    alone (where an out-of-range number finds nothing) and then runs `pk__in`, which crashes on it."""

    def _check_values(self, value):
        if not self.to_field_name:
            for pk in value if isinstance(value, (list, tuple)) else [value]:
                if as_id(pk) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                    )
        return super()._check_values(value)
