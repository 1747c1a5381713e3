"""A solve job's time limit is a deadline for the whole solve: reading the day (road times included) comes out of it."""

import time

from dispatch.jobs.queue import MIN_SEARCH_S, within_deadline


def test_the_search_gets_what_reading_the_day_left():
    document = {"options": {"time_limit_s": 30}, "visits": []}
    cut = within_deadline(document, time.monotonic() - 1.5)
    assert 28.3 <= cut["options"]["time_limit_s"] <= 28.5
    assert document["options"]["time_limit_s"] == 30  # the stored problem keeps the limit asked for


def test_a_day_that_took_its_whole_limit_to_read_still_gets_a_short_search():
    cut = within_deadline({"options": {"time_limit_s": 5}}, time.monotonic() - 9)
    assert cut["options"]["time_limit_s"] == MIN_SEARCH_S
