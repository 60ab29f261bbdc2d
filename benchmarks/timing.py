"""The timed request every page benchmark makes, written once."""

import sys
import time


def time_get(client, url, runs):
    """One warm-up, then `runs` timed GETs of `url` through the test client.

    Returns the milliseconds of each run and the queries of the last; stops the
    benchmark when the page does not answer 200.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")
    return timings, queries
