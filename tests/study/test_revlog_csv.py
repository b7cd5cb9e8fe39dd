"""quizzes.study.revlog: the FSRS optimizer's CSV schema, read whole or refused with every bad line named."""

import io
from datetime import UTC, datetime

import pytest
from fsrs import Card, Rating, Scheduler

from quizzes.study.revlog import MAX_BYTES, Review, RevlogInvalid, read_revlog, write_revlog
from tests.study.test_evaluation import generated_log

T0 = 1_735_732_800_000  # 2025-01-01 12:00:00 UTC in epoch milliseconds


def errors_of(text: str | bytes, name: str = "log.csv") -> list[str]:
    with pytest.raises(RevlogInvalid) as exc:
        read_revlog(text.encode() if isinstance(text, str) else text, name)
    return exc.value.errors


class TestRead:
    def test_a_full_file(self):
        text = (
            "card_id,review_time,review_rating,review_duration,review_state\n"
            f"7,{T0 + 86_400_000},3,4200,2\n"
            f"7,{T0},4,,\n"
            f"3,{T0},1,950,0\n"
        )
        assert read_revlog(text.encode(), "log.csv") == [
            Review(3, datetime(2025, 1, 1, 12, tzinfo=UTC), 1, 950, 0),
            Review(7, datetime(2025, 1, 1, 12, tzinfo=UTC), 4, None, None),
            Review(7, datetime(2025, 1, 2, 12, tzinfo=UTC), 3, 4200, 2),
        ]

    def test_times_are_utc_as_py_fsrs_wants(self):
        [review] = read_revlog(f"card_id,review_time,review_rating\n1,{T0 + 1},2\n".encode(), "x")
        assert review.review_time.tzinfo is UTC  # i.e. timezone.utc, which py-fsrs checks by identity
        Scheduler().review_card(Card(card_id=1), Rating.Hard, review.review_time)
        assert review.review_time.microsecond == 1000

    def test_column_order_extra_columns_bom_crlf_and_blank_lines(self):
        text = f"\ufeffreview_rating, Card_ID ,note,review_time\r\n\r\n2,5,hello,{T0}\r\n  \r\n"
        assert read_revlog(text.encode(), "x") == [Review(5, datetime(2025, 1, 1, 12, tzinfo=UTC), 2)]

    def test_optional_columns_may_be_missing(self):
        reviews = read_revlog(f"card_id,review_time,review_rating\n1,{T0},4\n".encode(), "x")
        assert reviews == [Review(1, datetime(2025, 1, 1, 12, tzinfo=UTC), 4, None, None)]

    def test_equal_times_keep_card_order(self):
        text = f"card_id,review_time,review_rating\n9,{T0},3\n2,{T0},3\n2,{T0},1\n"
        assert [(r.card_id, r.rating) for r in read_revlog(text.encode(), "x")] == [(2, 3), (2, 1), (9, 3)]


class TestTimestampForms:
    def test_iso_8601_with_an_offset_or_z_is_the_same_instant_as_epoch_ms(self):
        text = (
            "card_id,review_time,review_rating\n"
            "1,2025-01-01T13:00:00+01:00,3\n"
            "2,2025-01-01T12:00:00Z,3\n"
            "3,2025-01-01 12:00:00.000+00:00,3\n"
            f"4,{T0},3\n"
        )
        assert {r.review_time for r in read_revlog(text.encode(), "x")} == {datetime(2025, 1, 1, 12, tzinfo=UTC)}

    def test_a_time_without_its_offset_is_refused(self):
        assert errors_of("card_id,review_time,review_rating\n1,2025-01-01T12:00:00,3\n") == [
            "log.csv:2: review_time: '2025-01-01T12:00:00' is neither epoch milliseconds nor an ISO 8601 time with "
            "an offset (2026-09-01T09:00:00+02:00)"
        ]

    def test_an_anki_package_is_read_from_its_revlog(self):
        from tests.bank.formats.anki_packages import apkg, basic

        day = 86_400_000
        rows = [
            (T0, 0, 3, 5000, 0),
            (T0 + 600_000, 0, 3, 4000, 0),
            (T0 + 2 * day, 0, 2, 3000, 1),
            (T0 + 3 * day, 0, 0, 0, 4),
        ]
        package = apkg([basic("front", "back")], revlog=rows)
        reviews = read_revlog(package, "deck.apkg")
        card = reviews[0].card_id
        assert reviews == [
            Review(card, datetime(2025, 1, 1, 12, tzinfo=UTC), 3, 5000, 0),
            Review(card, datetime(2025, 1, 1, 12, 10, tzinfo=UTC), 3, 4000, 1),
            Review(card, datetime(2025, 1, 3, 12, tzinfo=UTC), 2, 3000, 2),
        ]

    def test_a_damaged_anki_package_is_refused(self):
        assert errors_of(b"PK\x03\x04 broken", "deck.apkg") == ["deck.apkg: not an Anki package (.apkg is a zip file)"]


class TestErrors:
    def test_every_bad_row_is_listed_with_its_line(self):
        text = (
            "card_id,review_time,review_rating,review_duration,review_state\n"
            f"1,{T0},3,1000,2\n"
            f"1,{T0},5,1000,2\n"
            f"1,2025-01-01,3,,\n"
            "\n"
            f"1,{T0},3,-20,7\n"
            f"x1,{T0 / 1000},,,\n"
            f"2,{T0}\n"
        )
        assert errors_of(text) == [
            "log.csv:3: review_rating: 5 is out of range (1 to 4)",
            "log.csv:4: review_time: '2025-01-01' is neither epoch milliseconds nor an ISO 8601 time "
            "with an offset (2026-09-01T09:00:00+02:00)",
            "log.csv:6: review_duration: -20 is out of range (must not be negative)",
            "log.csv:6: review_state: 7 is out of range (0 to 3)",
            "log.csv:7: card_id: 'x1' is not an integer",
            "log.csv:7: review_time: '1735732800.0' is neither epoch milliseconds nor an ISO 8601 time "
            "with an offset (2026-09-01T09:00:00+02:00)",
            "log.csv:7: review_rating: missing value",
            "log.csv:8: review_rating: missing value",
        ]

    def test_at_most_fifty_errors_then_a_count(self):
        text = "card_id,review_time,review_rating\n" + "".join(f"{i},{T0},9\n" for i in range(80))
        errors = errors_of(text)
        assert len(errors) == 51
        assert errors[0] == "log.csv:2: review_rating: 9 is out of range (1 to 4)"
        assert errors[49].startswith("log.csv:51: ")
        assert errors[50] == "log.csv: … and 30 more errors"

    def test_a_missing_column(self):
        assert errors_of(f"card_id,time,review_rating\n1,{T0},3\n") == [
            "log.csv:1: header: missing column(s) review_time (found: card_id, time, review_rating)"
        ]

    def test_an_empty_file(self):
        assert errors_of(b"") == [
            "log.csv: the file is empty (expected a header: card_id, review_time, review_rating, review_duration, "
            "review_state)"
        ]

    def test_not_utf8(self):
        assert errors_of(f"card_id,review_time,review_rating\n1,{T0},3\n\xff".encode("latin-1")) == [
            "log.csv:3: the file is not UTF-8 text"
        ]

    def test_too_large(self):
        assert errors_of(b"x" * (MAX_BYTES + 1)) == ["log.csv: the file is larger than 20 MiB"]

    def test_out_of_range_times_and_ids(self):
        text = f"card_id,review_time,review_rating\n-1,-5,3\n{2**63},{10**15},3\n"
        assert errors_of(text) == [
            "log.csv:2: card_id: -1 is out of range (must not be negative)",
            "log.csv:2: review_time: -5 is out of range (epoch milliseconds, 0 to year 9999)",
            f"log.csv:3: card_id: {2**63} is out of range (must not be negative)",
            f"log.csv:3: review_time: {10**15} is out of range (epoch milliseconds, 0 to year 9999)",
        ]


class TestWrite:
    def test_round_trip(self):
        reviews = list(generated_log())
        out = io.StringIO()
        write_revlog(reviews, out)
        assert out.getvalue().startswith("card_id,review_time,review_rating,review_duration,review_state\n")
        assert read_revlog(out.getvalue().encode(), "x") == reviews

    def test_empty_optional_values(self):
        review = Review(4, datetime(2025, 1, 1, 12, 0, 0, 123000, tzinfo=UTC), 1, None, 3)
        out = io.StringIO()
        write_revlog([review], out)
        assert out.getvalue().splitlines()[1] == f"4,{T0 + 123},1,,3"
        assert read_revlog(out.getvalue().encode(), "x") == [review]
