"""The classroom server's response times: one user moving a slider, then 30 browsers at once.

Starts ``negsim serve`` as a teacher would (one worker process per core), then times a page
update (forecast, bargain picture and story, asked together as the page asks them):

* one user: a slider moved to 8 new places, one after the other;
* 30 clients at once, each with its own setting (nothing shared, nothing cached);
* 30 clients at once with the same setting (a class told "move it to 0.1").

    .venv/bin/python benchmarks/serve.py [--worlds 400] [--clients 30]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
OPTIMISM = "actors.russia.beliefs.victory"


def update(url: str, values: dict, worlds: int, pictures: list | None = None) -> float:
    """One page update, as the page asks it: forecast and bargain together (the page draws them
    then; their time goes to ``pictures``), then the story. Returns the whole update's time."""
    body = {"scenario": "baseline.yaml", "values": values}
    began = time.perf_counter()
    with httpx.Client(base_url=url, timeout=600) as client, ThreadPoolExecutor(2) as both:
        forecast = both.submit(client.post, "/api/forecast", json={**body, "worlds": worlds})
        bargain = both.submit(client.post, "/api/bargain", json={**body, "issues": ["territory", "guarantees"]})
        for response in (forecast.result(), bargain.result()):
            response.raise_for_status()
        if pictures is not None:
            pictures.append(time.perf_counter() - began)
        client.post("/api/story", json={**body, "world": 0}).raise_for_status()
    return time.perf_counter() - began


def summary(times: list[float]) -> str:
    return (f"median {statistics.median(times):.2f} s, min {min(times):.2f} s, max {max(times):.2f} s "
            f"(n = {len(times)})")


def at_once(url: str, settings: list[dict], worlds: int) -> tuple[list[float], float]:
    began = time.perf_counter()
    with ThreadPoolExecutor(len(settings)) as pool:
        times = list(pool.map(lambda v: update(url, v, worlds), settings))
    return times, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--worlds", type=int, default=400)
    parser.add_argument("--clients", type=int, default=30)
    args = parser.parse_args()
    server = subprocess.Popen([sys.executable, "-m", "sim.cli", "serve", "scenarios/baseline.yaml"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = server.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        print(line.strip())
        update(url, {}, args.worlds)  # the defaults, computed once for everyone
        pictures: list[float] = []
        one = [update(url, {OPTIMISM: round(0.1 + 0.05 * k, 2)}, args.worlds, pictures) for k in range(8)]
        print(f"one user, {args.worlds} worlds: the curve and the bargain redrawn after {summary(pictures)}")
        print(f"one user, {args.worlds} worlds: the whole update with the story: {summary(one)}", flush=True)
        distinct = [{OPTIMISM: round(0.01 + 0.9 * k / args.clients, 4)} for k in range(args.clients)]
        times, wall = at_once(url, distinct, args.worlds)
        print(f"{args.clients} clients at once, each its own setting: {summary(times)}; all done in {wall:.1f} s")
        times, wall = at_once(url, [{OPTIMISM: 0.77}] * args.clients, args.worlds)
        print(f"{args.clients} clients at once, one setting (computed once): {summary(times)}; all done in {wall:.1f} s")
    finally:
        server.terminate()
        server.wait(timeout=60)


if __name__ == "__main__":
    main()
