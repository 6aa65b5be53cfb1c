import cProfile
import pstats
import time

import pytest

from rcp.minutes import render_minute, render_minutes_html
from rcp.models import Decision
from rcp.services import validate_decision
from tests.rcp.test_decisions import case, meeting  # noqa: F401

pytestmark = pytest.mark.django_db


def test_profile(chair, case):  # noqa: F811
    draft = Decision.objects.create(case=case, proposals={"surveillance": {}}, conforms=True)
    minute = validate_decision(decision=draft, user=chair)
    render_minute(minute.snapshot)
    for _ in range(3):
        t = time.perf_counter()
        render_minute(minute.snapshot)
        print("warm", time.perf_counter() - t)
    t = time.perf_counter()
    html = render_minutes_html([minute.snapshot])
    print("html", time.perf_counter() - t, len(html), "svg", len(minute.snapshot["skeleton_svg"]))
    s = dict(minute.snapshot)
    s["skeleton_svg"] = ""
    t = time.perf_counter()
    render_minute(s)
    print("no svg", time.perf_counter() - t)
    p = cProfile.Profile()
    p.enable()
    render_minute(minute.snapshot)
    p.disable()
    pstats.Stats(p).sort_stats("cumulative").print_stats(35)
