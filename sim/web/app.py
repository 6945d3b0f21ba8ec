"""The classroom server: a FastAPI app over :mod:`sim.web.work`, and how ``negsim serve`` runs it.

Why FastAPI and plain JavaScript rather than Mesa's SolaraViz: the page must work offline, and
SolaraViz fetches its front end from a CDN (docs/design.md). Here every asset comes from the
installed packages: the page from ``sim/web/static``, plotly.js from the ``plotly`` package.

Requests run in worker processes (one per core by default): each request builds its own model, so
a class of browsers cannot corrupt each other's results, and two cores serve two requests at once.
Identical requests (a class moving the same slider to the same place) are computed once.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
import logging
import multiprocessing
import os
import socket
from collections import OrderedDict
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field
from starlette.middleware.trustedhost import TrustedHostMiddleware

from sim.analysis import classroom
from sim.engine.loading import load_scenario
from sim.report.plots import ACTOR_COLOURS
from sim.scenario import UserError

from . import work

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("negsim.serve")


def plotly_js() -> Path:
    """plotly.js as shipped inside the ``plotly`` Python package (no CDN)."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.exists():
        raise UserError(f"plotly.js is missing from the installed plotly package ({path}); reinstall plotly")
    return path


def find_scenarios(folder: Path) -> dict[str, Path]:
    """Every file under ``folder`` that loads as a scenario, by its path relative to ``folder``
    (game, evidence and capability files are skipped: they are not scenarios)."""
    found = {}
    for path in sorted(folder.rglob("*.yaml")):
        try:
            load_scenario(path)
        except UserError:
            continue
        found[path.relative_to(folder).as_posix()] = path
    return found


def find_lessons(start: Path) -> Path | None:
    """``docs/teaching`` of the repository the scenarios come from, if there is one."""
    for folder in (start, *start.parents, Path.cwd()):
        if (folder / "docs" / "teaching").is_dir():
            return folder / "docs" / "teaching"
    return None


@dataclass
class Classroom:
    """What the server serves: the scenarios by name, the first one shown, the lessons folder,
    and how requests are computed."""

    scenarios: dict[str, Path]
    first: str
    lessons: Path | None = None
    workers: int = 0                 # 0: compute in threads of this process (tests); else processes
    cache_size: int = 512
    executor: Executor | None = None
    cache: OrderedDict = field(default_factory=OrderedDict)

    def start(self) -> None:
        if self.executor is not None:
            return
        if self.workers:
            context = multiprocessing.get_context("spawn")  # never fork a process that runs an event loop
            self.executor = ProcessPoolExecutor(self.workers, mp_context=context, initializer=work.quiet_worker)
            for future in [self.executor.submit(work.warm_up) for _ in range(self.workers)]:
                future.result()
        else:
            self.executor = ThreadPoolExecutor(4)

    def stop(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(cancel_futures=True)
            self.executor = None

    def path(self, name: str) -> str:
        if name not in self.scenarios:
            raise UserError(f"no scenario {name!r} here; the page offers {', '.join(self.scenarios)}", key="scenario")
        return str(self.scenarios[name])

    async def compute(self, function, *args) -> Any:
        """``function(*args)`` on the executor. Answers are cached by their arguments, and a request
        identical to one still being computed waits for that one (a class moving one slider to the
        same place costs one computation); a failure is not cached."""
        key = json.dumps([function.__name__, *args], sort_keys=True)
        task = self.cache.get(key)
        if task is None:
            self.start()
            task = asyncio.ensure_future(asyncio.get_running_loop().run_in_executor(self.executor, partial(function, *args)))
            if self.cache_size:
                self.cache[key] = task
                while len(self.cache) > self.cache_size:
                    self.cache.popitem(last=False)
        else:
            self.cache.move_to_end(key)
        try:
            return await asyncio.shield(task)
        except BaseException:
            if self.cache.get(key) is task:
                del self.cache[key]
            raise


MAX_WORLD = 999_999
"""The largest world index the page may ask for (a run of a million worlds)."""
MAX_REQUEST_BYTES = 64_000
"""Largest request body read (the page's largest, a forecast with every control moved, is about 3 kB)."""
MAX_MESSAGE = 300
"""Characters of an error message sent back (it may quote what was sent, which could be huge)."""
Name = Annotated[str, Field(max_length=200)]


class Settings(BaseModel):
    """The page's state: a scenario (by its name in the picker) and the controls moved."""

    scenario: Name
    values: dict[Name, float | Name] = Field(default_factory=dict, max_length=200)


class ForecastRequest(Settings):
    """A forecast: the settings and how many worlds."""

    worlds: int = classroom.INTERACTIVE_WORLDS


class BargainRequest(Settings):
    """The bargain picture: the settings, two issues, a month and a world."""

    issues: list[Name] = Field(max_length=2)
    month: int = Field(3, ge=1, le=1_200)
    world: int = Field(0, ge=0, le=MAX_WORLD)


class StoryRequest(Settings):
    """One world's story under the settings."""

    world: int = Field(0, ge=0, le=MAX_WORLD)


def _cut(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE - 1] + "…"


class LimitedBody:
    """ASGI middleware: a request whose body is larger than :data:`MAX_REQUEST_BYTES` gets 413,
    read no further (a declared length is refused before reading, a streamed one once it passes)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_REQUEST_BYTES):
            return await self._too_large(send)
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > MAX_REQUEST_BYTES:
                    raise _TooLarge
            return message

        try:
            return await self.app(scope, limited, send)
        except _TooLarge:
            return await self._too_large(send)

    @staticmethod
    async def _too_large(send):
        body = json.dumps({"error": f"the request is larger than {MAX_REQUEST_BYTES:,} bytes"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


def create_app(room: Classroom) -> FastAPI:
    """The app: the page, its assets, the lessons and four JSON endpoints."""
    app = FastAPI(title="negsim classroom", docs_url=None, redoc_url=None, openapi_url=None)
    # Only this machine's names: a page elsewhere cannot reach the server by DNS rebinding.
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost"])
    app.add_middleware(LimitedBody)

    @app.exception_handler(UserError)
    async def user_error(_request: Request, exc: UserError) -> JSONResponse:
        return JSONResponse({"error": _cut(str(exc))}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def bad_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [f"at '{'.'.join(str(p) for p in e['loc'] if p != 'body')}': {e['msg']}" for e in exc.errors()]
        return JSONResponse({"error": _cut("; ".join(problems))}, status_code=400)

    @app.exception_handler(Exception)
    async def fault(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("request failed")
        return JSONResponse({"error": _cut(f"the computation failed ({type(exc).__name__}: {exc}); the server's "
                                           "terminal has the details")}, status_code=500)

    @app.get("/", response_class=HTMLResponse)
    async def page() -> HTMLResponse:
        return HTMLResponse(page_html(live=True))

    @app.get("/favicon.ico")
    async def favicon() -> Response:
        return Response(status_code=204)  # no icon, and no 404 in the browser's console

    @app.get("/plotly.min.js")
    async def plotly() -> FileResponse:
        return FileResponse(plotly_js(), media_type="text/javascript")

    @app.get("/static/{name}")
    async def static(name: str) -> FileResponse:
        path = STATIC / name
        if name not in {p.name for p in STATIC.iterdir()}:
            return JSONResponse({"error": f"no file {name!r}"}, status_code=404)
        return FileResponse(path)

    @app.get("/lessons/{name}", response_class=PlainTextResponse)
    async def lesson(name: str) -> PlainTextResponse:
        if room.lessons is None or name not in {p.name for p in room.lessons.glob("*.md")}:
            return PlainTextResponse(f"No lesson {name} here.", status_code=404)
        return PlainTextResponse((room.lessons / name).read_text(encoding="utf-8"))

    @app.get("/api/scenarios")
    async def scenarios() -> dict:
        return {"scenarios": list(room.scenarios), "first": room.first, "lessons": room.lessons is not None,
                "interactive_worlds": classroom.INTERACTIVE_WORLDS, "precise_worlds": classroom.PRECISE_WORLDS}

    @app.get("/api/controls")
    async def controls(scenario: str) -> dict:
        loaded = work.scenario(room.path(scenario))
        s = loaded.scenario
        return {"scenario": scenario, "name": s.name, "description": s.description, "horizon": s.horizon_months,
                "seed": s.seed, "issues": list(s.issues), "colours": ACTOR_COLOURS,
                "controls": [c.as_dict() for c in classroom.controls(s)]}

    @app.post("/api/forecast")
    async def forecast(request: ForecastRequest) -> dict:
        path = room.path(request.scenario)
        classroom.check_worlds(request.worlds)
        loaded = work.scenario(path)
        classroom.overrides_for(loaded.scenario, request.values)  # refuse unknown controls before computing
        current, defaults = await asyncio.gather(room.compute(work.first_months, path, request.values, request.worlds),
                                                 room.compute(work.first_months, path, {}, request.worlds))
        result = classroom.forecast_from(np.asarray(current), np.asarray(defaults), loaded.scenario)
        return {**result, "seed": loaded.scenario.seed,
                "overrides": classroom.overrides_for(loaded.scenario, request.values)}

    @app.post("/api/bargain")
    async def bargain(request: BargainRequest) -> dict:
        return await room.compute(work.bargain, room.path(request.scenario), request.values, request.issues,
                                  request.month, request.world)

    @app.post("/api/story")
    async def story(request: StoryRequest) -> dict:
        return await room.compute(work.story, room.path(request.scenario), request.values, request.world)

    return app


PACKED_TYPE = "application/gzip;base64"
"""A script element of this type holds text gzipped and in base64; browsers do not run it."""

UNPACK_AND_RUN = """(async () => {
  // The export's plotly.js, results and page code travel gzipped (a third of the size); the browser's own
  // DecompressionStream unpacks them, and they run in order, as the three plain scripts of the live page do.
  const unpack = async (name) => {
    const text = atob(document.getElementById(`negsim-${name}`).textContent);
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
    return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
  };
  const run = (code) => new Promise((done, failed) => {
    const script = document.createElement("script");
    script.src = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
    script.onload = done;
    script.onerror = failed;
    document.body.append(script);
  });
  await run(await unpack("plotly"));
  window.NEGSIM_STATIC = JSON.parse(await unpack("data"));
  await run(await unpack("page"));
})();"""


def packed(text: str) -> str:
    """``text`` gzipped (no timestamp, so the same page is the same bytes) and in base64, for a
    script element of :data:`PACKED_TYPE`."""
    return base64.b64encode(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)).decode("ascii")


def page_html(live: bool, data: dict | None = None, inline_plotly: bool = False) -> str:
    """The page: ``live`` calls the server; otherwise ``data`` holds precomputed results (the
    export), and plotly.js is inlined with ``inline_plotly`` so the file stands alone; the export's
    scripts are :func:`packed` and run by :data:`UNPACK_AND_RUN`."""
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    if live:
        scripts = '<script src="/plotly.min.js"></script>\n<script src="/static/classroom.js"></script>'
        style = '<link rel="stylesheet" href="/static/classroom.css">'
    else:
        parts = {"plotly": plotly_js().read_text(encoding="utf-8") if inline_plotly else "",
                 "data": json.dumps(data, separators=(",", ":")),
                 "page": (STATIC / "classroom.js").read_text(encoding="utf-8")}
        scripts = "\n".join(f'<script type="{PACKED_TYPE}" id="negsim-{name}">{packed(text)}</script>'
                             for name, text in parts.items()) + f"\n<script>{UNPACK_AND_RUN}</script>"
        style = f"<style>{(STATIC / 'classroom.css').read_text(encoding='utf-8')}</style>"
    return html.replace("<!--STYLE-->", style).replace("<!--SCRIPTS-->", scripts)


def free_socket(port: int = 0) -> socket.socket:
    """A listening socket on 127.0.0.1 (``port`` 0: a free port the system picks)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        sock.close()
        raise UserError(f"cannot listen on 127.0.0.1:{port} ({exc.strerror}); choose another --port or leave it "
                        "out for a free one", key="--port") from None
    # Listening now, not when uvicorn starts serving, so that a browser (or test) that connects as soon as the
    # URL is printed waits in the backlog instead of being refused.
    sock.listen(128)
    return sock


class _Stop(Exception):
    """SIGTERM, turned into an exception so that the worker processes are shut down."""


def _raise_stop(_signum, _frame) -> None:
    raise _Stop


def serve(room: Classroom, sock: socket.socket, on_ready=None) -> None:
    """Run the server on ``sock`` until Ctrl-C or SIGTERM; ``on_ready(url)`` once it listens.

    uvicorn handles both signals and raises them again once it has stopped; the handlers here turn
    that into an exception, so the worker processes are always shut down, never left orphaned.
    """
    import signal

    import uvicorn

    room.start()
    config = uvicorn.Config(create_app(room), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    if on_ready:
        on_ready(f"http://127.0.0.1:{sock.getsockname()[1]}/")
    previous = signal.signal(signal.SIGTERM, _raise_stop)
    try:
        server.run(sockets=[sock])
    except (KeyboardInterrupt, _Stop):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        room.stop()
        sock.close()


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
