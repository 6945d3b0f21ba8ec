"""The classroom page's computations and its server, without a browser (tests/web/test_browser.py has one)."""

import asyncio
import json
import pickle

import httpx
import numpy as np
import pytest

from sim.analysis import classroom
from sim.engine import load_scenario
from sim.engine.outputs import ceasefire_by_month
from sim.engine.run import run_scenario
from sim.scenario import ScenarioError, UserError
from sim.scenario.paths import scalar_paths
from sim.web.app import Classroom, create_app, find_scenarios
from sim.web.export import grid_for, js_text
from tests.conftest import ROOT, SCENARIOS

OPTIMISM = "actors.russia.beliefs.victory"


def test_every_control_is_a_value_of_the_scenario_and_links_to_a_lesson_that_exists(baseline):
    controls = classroom.controls(baseline.scenario)
    paths = scalar_paths(baseline.scenario)
    for control in controls:
        if control.choices:
            assert control.written in control.choices
        else:
            assert control.key in paths, control.key
            assert control.low <= control.written <= control.high
        assert (ROOT / "docs" / "teaching" / control.lesson).is_file(), control.lesson
    keys = {c.key for c in controls}
    # the documented channels: Europe's offers, Russia's optimism and a red line are on the page;
    # the US, which does not control the guarantees, has no troop offer
    assert {"actors.europe.levers.troop_offer", "actors.europe.levers.relief_offer", OPTIMISM,
            "actors.russia.red_lines.0.kind"} <= keys
    assert "actors.us.levers.troop_offer" not in keys


def test_only_moved_controls_become_overrides_and_unknown_or_bad_ones_are_refused(baseline):
    s = baseline.scenario
    written = {c.key: c.written for c in classroom.controls(s)}
    assert classroom.overrides_for(s, written) == {}  # a prior stays a prior until its slider moves
    assert classroom.overrides_for(s, {OPTIMISM: 0.2}) == {OPTIMISM: 0.2}
    with pytest.raises(UserError, match="no control 'actors.russia.beliefs.victor'"):
        classroom.overrides_for(s, {"actors.russia.beliefs.victor": 0.2})
    with pytest.raises(UserError, match="one of hard, audience"):
        classroom.overrides_for(s, {"actors.russia.red_lines.0.kind": "soft"})
    with pytest.raises(UserError, match="expected a number"):
        classroom.overrides_for(s, {OPTIMISM: "high"})
    with pytest.raises(ScenarioError, match=r"probability in \[0, 1\], found 3") as error:
        classroom.with_settings(baseline, {OPTIMISM: 3})
    assert error.value.key == OPTIMISM and error.value.line is not None


def test_forecast_is_the_run_with_the_same_set_values_against_the_run_as_written(baseline):
    worlds = 300
    found = classroom.forecast(baseline, {OPTIMISM: 0.2, "actors.russia.red_lines.0.kind": "hard"}, worlds=worlds)
    by_cli = run_scenario(load_scenario(SCENARIOS / "baseline.yaml",
                                        {OPTIMISM: 0.2, "actors.russia.red_lines.0.kind": "hard"}), worlds=worlds)
    as_written = run_scenario(baseline, worlds=worlds)
    assert found["current"]["p"] == ceasefire_by_month(by_cli).tolist()
    assert found["defaults"]["p"] == ceasefire_by_month(as_written).tolist()
    first = by_cli.first_ceasefire_month
    assert found["peace_worlds"] == np.flatnonzero(first > 0)[:classroom.PEACE_WORLDS].tolist()
    low, p, high = (np.array(found["current"][k]) for k in ("low", "p", "high"))
    assert np.all(low <= p + 1e-12) and np.all(p <= high + 1e-12)  # Wilson's low at p = 0 is 0 to rounding


def test_the_written_settings_differ_from_the_defaults_by_exactly_nothing(baseline):
    found = classroom.forecast(baseline, {}, worlds=200)
    assert found["current"] == found["defaults"]
    assert found["difference"]["mean"] == [0.0] * baseline.scenario.horizon_months


def test_less_russian_optimism_brings_more_ceasefires_on_common_random_numbers(baseline):
    # Fearon: a smaller belief in victory lowers Russia's value of fighting, widening the bargaining
    # range. Paired over the same worlds, the 95% interval of the month-24 difference excludes zero.
    found = classroom.forecast(baseline, {OPTIMISM: 0.1}, worlds=400)
    assert found["difference"]["low"][-1] > 0


def test_bargain_picture_is_the_teaching_view_as_numbers(baseline):
    from sim.analysis.teaching import bargain_view

    picture = classroom.bargain(baseline, {}, ["territory", "guarantees"], month=3)
    view = bargain_view(baseline.scenario, ["territory", "guarantees"], month=3)
    nx, ny = len(picture["x"]), len(picture["y"])
    zone = np.array([c == "1" for c in picture["zone"]]).reshape(nx, ny)
    assert np.array_equal(zone, view.zone) and picture["has_zone"] == bool(view.zone.any())
    assert set(picture["accept"]) == {"russia", "ukraine"}  # the deciders under supporter_veto: terms
    with pytest.raises(UserError, match="two issues"):
        classroom.bargain(baseline, {}, ["territory"])
    with pytest.raises(UserError, match=r"month in \[1, 24\]"):
        classroom.bargain(baseline, {}, ["territory", "nato"], month=30)


def test_user_errors_cross_process_boundaries_with_their_place():
    error = ScenarioError("expected a share", path="a.yaml", line=3, key="x.y")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is ScenarioError and str(copy) == str(error) == "a.yaml, line 3, at 'x.y': expected a share"


def test_export_grid_keys_are_written_as_javascript_writes_numbers(baseline):
    assert [js_text(v) for v in (2.0, 0.3, 0.0, 1e-7, "hard")] == ["2", "0.3", "0", "1e-07", "hard"]
    grid = grid_for(classroom.controls(baseline.scenario), None)
    assert grid["actors.us.levers.sanctions"] == [0.0, 0.15, 0.3, 1.15, 2.0]   # ends, written, midpoints
    with pytest.raises(UserError, match="no control"):
        grid_for(classroom.controls(baseline.scenario), {"actors.us.levers.nothing": [1]})


@pytest.fixture(scope="module")
def room():
    scenarios = find_scenarios(SCENARIOS)
    return Classroom(scenarios, "baseline.yaml", lessons=ROOT / "docs" / "teaching", workers=0)


async def _post(app, url, body):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        return await client.post(url, json=body)


def post(room, url, body):
    return asyncio.run(_post(create_app(room), url, body))


def test_the_picker_offers_scenarios_and_not_game_or_evidence_files(room):
    assert "baseline.yaml" in room.scenarios and "teaching/no_optimism.yaml" in room.scenarios
    assert not any(name.startswith(("games/", "evidence/", "bdm/")) for name in room.scenarios)


@pytest.mark.parametrize("body, message", [
    ({"scenario": "baseline.yaml", "values": {OPTIMISM: 3}},
     "at 'actors.russia.beliefs.victory': expected a probability in [0, 1], found 3"),
    ({"scenario": "baseline.yaml", "values": {"nope": 1}}, "the page has no control 'nope'"),
    ({"scenario": "baseline.yaml", "worlds": 0}, "expected a number of worlds in [1, 20,000], found 0"),
    ({"scenario": "baseline.yaml", "worlds": "many"}, "at 'worlds': Input should be a valid integer"),
    ({"scenario": "../secret.yaml"}, "no scenario '../secret.yaml' here"),
])
def test_bad_values_from_the_page_get_a_message_and_no_traceback(room, body, message):
    response = post(room, "/api/forecast", body)
    assert response.status_code == 400
    text = response.json()["error"]
    assert message in text and "Traceback" not in text and "File \"" not in text


def test_the_server_answers_what_the_analysis_computes(room, baseline):
    body = {"scenario": "baseline.yaml", "values": {OPTIMISM: 0.3}, "worlds": 100}
    served = post(room, "/api/forecast", body).json()
    assert served["current"] == classroom.forecast(baseline, {OPTIMISM: 0.3}, worlds=100)["current"]
    assert served["overrides"] == {OPTIMISM: 0.3}
    story = post(room, "/api/story", {"scenario": "baseline.yaml", "values": {OPTIMISM: 0.3}, "world": 2}).json()
    assert story["text"].startswith("Scenario 'baseline', world 2 (seed 20250301)")


@pytest.mark.slow
def test_thirty_concurrent_requests_each_get_their_own_answer():
    # A class of 30 browsers at once, in two worker processes: six settings, each asked five times
    # (computed once); every answer equals the same request computed alone.
    room = Classroom(find_scenarios(SCENARIOS), "baseline.yaml", workers=2)
    app = create_app(room)
    settings = [{OPTIMISM: round(0.05 + 0.15 * k, 2)} for k in range(6)]
    bodies = [{"scenario": "baseline.yaml", "values": settings[k % 6], "worlds": 100} for k in range(30)]

    async def all_at_once():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1", timeout=300) as client:
            return await asyncio.gather(*(client.post("/api/forecast", json=b) for b in bodies))

    try:
        answers = asyncio.run(all_at_once())
    finally:
        room.stop()
    loaded = load_scenario(SCENARIOS / "baseline.yaml")
    alone = [classroom.forecast(loaded, s, worlds=100)["current"]["p"] for s in settings]
    assert [a.json()["current"]["p"] for a in answers] == [alone[k % 6] for k in range(30)]
    assert len({tuple(p) for p in alone}) == 6  # the settings really differ


def test_serve_refuses_a_taken_port_and_an_export_folder_with_one_paragraph(tmp_path, capsys):
    import socket

    from sim.cli import main

    scenario = str(SCENARIOS / "baseline.yaml")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        assert main(["serve", scenario, "--port", str(taken.getsockname()[1])]) == 2
    assert "cannot listen on 127.0.0.1" in capsys.readouterr().err
    assert main(["serve", scenario, "--export", str(tmp_path)]) == 2
    assert "is a folder; --export names the HTML file" in capsys.readouterr().err
    assert main(["serve", scenario, "--export", str(tmp_path / "p.html"), "--vary", "actors.us.levers.sanctions"]) == 2
    assert "--vary expects KEY=V1,V2" in capsys.readouterr().err
    assert not (tmp_path / "p.html").exists()


def _send(room, method, url, body=None, headers=None, content=None):
    async def go():
        transport = httpx.ASGITransport(app=create_app(room))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            return await client.request(method, url, json=body, headers=headers, content=content)
    return asyncio.run(go())


@pytest.mark.parametrize("body, status, fragment", [
    ({"scenario": "baseline.yaml", "issues": ["nato", "territory"], "world": -1}, 400, "at 'world'"),
    ({"scenario": "baseline.yaml", "issues": ["nato", "territory"], "world": 10 ** 12}, 400, "at 'world'"),
    ({"scenario": "baseline.yaml", "issues": ["nato", "territory"], "month": 0}, 400, "at 'month'"),
    ({"scenario": "x" * 5_000_000, "issues": ["nato"]}, 413, "larger than 64,000 bytes"),
    ({"scenario": "y" * 50_000, "issues": ["nato"]}, 400, "at 'scenario'"),
])
def test_the_servers_edges_are_bounded(room, body, status, fragment):
    """Issue 33: world -1 was a 500, world 10^12 a 200, and a 50 MB name came back whole."""
    response = _send(room, "POST", "/api/bargain", body)
    assert response.status_code == status, response.text[:300]
    assert fragment in response.json()["error"] and len(response.content) < 1_000


def test_a_request_for_another_host_is_refused(room):
    """A page on another site that resolves its own name to 127.0.0.1 (DNS rebinding) is refused."""
    response = _send(room, "GET", "/api/scenarios", headers={"host": "evil.example:8000"})
    assert response.status_code == 400
    assert _send(room, "GET", "/api/scenarios", headers={"host": "localhost:8000"}).status_code == 200


@pytest.mark.slow
def test_no_request_the_schema_allows_gets_a_server_error(room):
    """Hypothesis over the request schema of every endpoint: 400 or 200, never 500."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    names = st.sampled_from(["baseline.yaml", "early_2026.yaml", "nope.yaml", "../x", ""])
    numbers = st.one_of(st.integers(-10 ** 15, 10 ** 15), st.floats(allow_nan=True, allow_infinity=True),
                        st.text(max_size=5), st.none())
    values = st.dictionaries(st.sampled_from([OPTIMISM, "actors.us.levers.sanctions", "nope", ""]), numbers, max_size=3)
    bodies = st.fixed_dictionaries({"scenario": names}, optional={
        "values": values, "worlds": numbers, "world": numbers, "month": numbers,
        "issues": st.lists(st.sampled_from(["nato", "territory", "guarantees", "nope"]), max_size=3)})
    app = create_app(room)

    @settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(url=st.sampled_from(["/api/forecast", "/api/bargain", "/api/story"]), body=bodies)
    def check(url, body):
        if "worlds" in body and isinstance(body["worlds"], int) and body["worlds"] > 300:
            body["worlds"] = 300      # a legitimate forecast of many worlds is slow, not an error
        async def go():
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
                return await client.post(url, content=json.dumps(body, allow_nan=True),
                                         headers={"content-type": "application/json"})
        response = asyncio.run(go())
        assert response.status_code in (200, 400), (url, body, response.text[:300])

    check()


def test_an_exported_slider_has_five_stops_on_its_step(baseline):
    """Both ends, the value as written and the midpoints, each a multiple of the step from the low end
    (three stops made the exported sliders jump from end to end)."""
    from sim.web.export import default_values

    controls = {c.key: c for c in classroom.controls(baseline.scenario)}
    grid = grid_for(list(controls.values()), None)
    assert len(grid) == 3 and all(len(values) == 5 for values in grid.values())
    for key, values in grid.items():
        c = controls[key]
        assert values == default_values(c) == sorted(values)
        assert values[0] == c.low and values[-1] == c.high and c.written in values
        assert all(abs((v - c.low) / c.step - round((v - c.low) / c.step)) < 1e-9 for v in values)


def test_the_exported_page_packs_its_scripts_and_is_the_same_bytes_each_time():
    import base64
    import gzip
    import re

    from sim.web.app import page_html

    data = {"results": {"a": [0.25] * 1000}}
    first, second = page_html(live=False, data=data), page_html(live=False, data=data)
    assert first == second
    packed = re.search(r'id="negsim-data">([^<]+)<', first).group(1)
    assert json.loads(gzip.decompress(base64.b64decode(packed))) == data
