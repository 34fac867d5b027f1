"""What the benchmarks share: their arguments, a fresh database, synthetic
history, an API served on a local port, percentiles, and the table of figures.

Every benchmark is run as ``python benchmarks/<name>.py --database sqlite|postgresql
--size small|full [--check]``. It prints its figures and the ratio against the
bare reference it measured in the same run; with ``--check`` it exits 1 when a
bar in DESIGN.md is not met (CI runs ``--size small`` without it, so that the
scripts cannot rot). Figures also go, as JSON, to ``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import json
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from eventsourcing.application import Application
from psycopg import sql

from apdr.config import Config
from apdr.demo.synthetic import (
    SYNTHETIC_PASSWORD,
    SYNTHETIC_TODAY,
    GeneratedHistory,
    Plan,
    SettingSpec,
    generate,
    plan_for,
)
from apdr.persistence import event_store_env, register_transcodings
from apdr.runtime import Apdr

HERE = Path(__file__).resolve().parent
RESULTS = Path(os.environ.get("APDR_BENCHMARK_RESULTS") or HERE / "results")
POSTGRES_URL = os.environ.get("APDR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
TODAY: date = SYNTHETIC_TODAY


# -- arguments --------------------------------------------------------------------


def arguments(description: str, add: Callable[[argparse.ArgumentParser], None] | None = None) -> Any:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--size", choices=["small", "full"], default="small")
    parser.add_argument("--check", action="store_true", help="exit 1 if a bar is not met")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic history")
    parser.add_argument(
        "--cache",
        action="store_true",
        help="SQLite only: keep the generated event log in benchmarks/results/cache and reuse it",
    )
    if add:
        add(parser)
    args = parser.parse_args()
    load = machine()["load_average_at_start"]
    if load > (os.cpu_count() or 1) / 2 and not getattr(args, "child", None):
        print(
            f"warning: the machine is busy (load average {load:.1f}): timings will be noisy", file=sys.stderr
        )
    return args


# -- databases ----------------------------------------------------------------------


def fast_settings(**values: Any) -> Config:
    """Configuration with a cheap password hash (signing in is not what is measured), and
    today pinned at the synthetic history's today (as ``APDR_TODAY`` pins it)."""
    return Config(**{"password_hash_memory_kib": 64, "password_hash_iterations": 1, "today": TODAY, **values})


def postgres_problem() -> str | None:
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=3):
            return None
    except psycopg.Error as error:
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {str(error).strip()[:160]}"


@contextlib.contextmanager
def database(kind: str) -> Iterator[Config]:
    """Configuration for a new, empty database: an SQLite file in a temporary
    directory, or a new schema in the local test database (dropped afterwards)."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="apdr-bench-") as directory:
            yield fast_settings(database_url=f"sqlite:///{directory}/apdr.sqlite3")
        return
    problem = postgres_problem()
    if problem:
        raise SystemExit(problem)
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        with tempfile.TemporaryDirectory(prefix="apdr-bench-") as directory:
            key_file = Path(directory) / "token.key"
            yield fast_settings(database_url=POSTGRES_URL, database_schema=schema, token_key_file=key_file)
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


def sqlite_path(settings: Config) -> Path | None:
    url = settings.database_url
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


class Bare(Application):
    """The bare library a benchmark's reference runs on: an eventsourcing ``Application``
    with apdr's transcodings (dates, enumerations) and nothing else."""

    name = "bare"

    def register_transcodings(self, transcoder: Any) -> None:
        super().register_transcodings(transcoder)
        register_transcodings(transcoder)


def bare_beside(settings: Config) -> Bare:
    """The bare library on the same kind of database as ``settings``: a file of its own beside
    apdr's on SQLite (which does not prefix table names); its own tables in PostgreSQL's schema."""
    if settings.database_url.startswith("sqlite:///"):
        settings = settings.model_copy(
            update={"database_url": settings.database_url.replace("apdr.sqlite3", "bare.sqlite3")}
        )
    return Bare(env=event_store_env(settings))


# -- synthetic history ----------------------------------------------------------------


@dataclass
class Loaded:
    apdr: Apdr
    history: GeneratedHistory
    generation_seconds: float
    cached: bool = False


def load(
    settings: Config, plan: Plan, seed: int, *, cache: bool = False, say: Callable[[str], None] = print
) -> Loaded:
    """Open apdr on ``settings`` and write ``plan``'s history into it.

    With ``cache`` (SQLite only), a log generated before from the same plan,
    seed and generator is copied in instead of being generated again."""
    path = sqlite_path(settings)
    key = _cache_key(plan, seed)
    cached_file = RESULTS / "cache" / f"{key}.sqlite3"
    if cache and path is not None and cached_file.exists():
        shutil.copyfile(cached_file, path)
        history = GeneratedHistory(
            **json.loads((RESULTS / "cache" / f"{key}.json").read_text(), object_hook=_revive)
        )
        say(f"reusing the generated log {cached_file.name}: {history.events:,} events")
        return Loaded(Apdr.open(settings), history, history.seconds, cached=True)
    record_only = Apdr.open(settings)
    say(f"generating {plan.name}: {len(plan.settings)} setting(s), {plan.years} years ...")
    started = time.perf_counter()
    history = generate(
        record_only.record,
        plan,
        seed=seed,
        today=TODAY,
        password_hash=record_only.record.passwords.hash(SYNTHETIC_PASSWORD),
    )
    seconds = time.perf_counter() - started
    say(f"  {history.summary()}")
    if cache and path is not None:
        record_only.close()
        (RESULTS / "cache").mkdir(parents=True, exist_ok=True)
        _checkpoint(path)
        shutil.copyfile(path, cached_file)
        (RESULTS / "cache" / f"{key}.json").write_text(json.dumps(_plain(history)))
        record_only = Apdr.open(settings)
    return Loaded(record_only, history, seconds)


@contextlib.contextmanager
def loaded_history(args: Any, plan_for_size: Callable[[str], Plan]) -> Iterator[tuple[Config, Loaded]]:
    """The database a benchmark's ``--database`` asks for, holding the history that its
    ``--size``, ``--seed`` and ``--cache`` ask for; apdr is closed at the end."""
    with database(args.database) as settings:
        loaded = load(settings, plan_for_size(args.size), args.seed, cache=args.cache)
        try:
            yield settings, loaded
        finally:
            loaded.apdr.close()


def _checkpoint(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _cache_key(plan: Plan, seed: int) -> str:
    package = Path(__file__).resolve().parent.parent / "src" / "demo" / "synthetic"
    generator = b"".join(path.read_bytes() for path in sorted(package.glob("*.py")))
    text = repr((plan, seed, TODAY)) + hashlib.sha256(generator).hexdigest()
    return f"{plan.name}-{hashlib.sha256(text.encode()).hexdigest()[:12]}"


def _plain(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return {
            "__dc__": type(value).__name__,
            **{k: _plain(getattr(value, k)) for k in value.__dataclass_fields__},
        }
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, uuid.UUID):
        return {"__uuid__": str(value)}
    if isinstance(value, date):
        return {"__date__": value.isoformat()}
    if hasattr(value, "value"):
        return {"__enum__": type(value).__name__, "value": value.value}
    return value


def _revive(obj: dict[str, Any]) -> Any:
    from apdr.aggregates.codes import Delivery
    from apdr.demo.synthetic import GeneratedSetting, RunningIntervention

    if "__uuid__" in obj:
        return uuid.UUID(obj["__uuid__"])
    if "__date__" in obj:
        return date.fromisoformat(obj["__date__"])
    if "__enum__" in obj:
        return Delivery(obj["value"])
    kind = obj.pop("__dc__", None)
    if kind == "RunningIntervention":
        return RunningIntervention(**obj)
    if kind == "GeneratedSetting":
        return GeneratedSetting(**obj)
    return obj


# -- the API on a local port ------------------------------------------------------------


def bound_socket() -> socket.socket:
    """A socket on a port of the system's choosing, bound until the server
    closes it (a port only picked, then bound later, can be taken meanwhile)."""
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    # As uvicorn sets it on the sockets it makes itself: without it, a small
    # response waits on the client's delayed acknowledgement (about 40 ms).
    listening.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return listening


@contextlib.contextmanager
def served(apdr: Apdr) -> Iterator[str]:
    """The real API over ``apdr``, served by uvicorn in a thread, with today fixed at TODAY."""
    import uvicorn

    from apdr.api import create_app

    # Not app.dependency_overrides: with any override set, FastAPI inspects every
    # dependency of every request again (about 10 ms a request), which production never pays.
    if apdr.today() != TODAY:
        raise RuntimeError(f"the API's today is {apdr.today()}, not {TODAY}: open it with fast_settings()")
    app = create_app(apdr=apdr)
    listening = bound_socket()
    port = listening.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the API did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextlib.contextmanager
def serving(settings: Config) -> Iterator[str]:
    """The real API on ``settings``' database in a process of its own, as an API
    worker runs (``apdr serve --no-worker``), with today fixed at TODAY.

    The process binds a port of its own choosing and reports it: a port picked
    here and bound there could be taken by a benchmark running alongside."""
    import httpx

    values = {"database_url": settings.database_url, "database_schema": settings.database_schema}
    if settings.token_key_file is not None:  # the run's own key, not one left in the working directory
        values["token_key_file"] = str(settings.token_key_file)
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "serve", json.dumps(values)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        announced = process.stdout.readline()
        if not announced.startswith("port "):
            raise RuntimeError(f"the API process exited with status {process.wait()}")
        url = f"http://127.0.0.1:{int(announced.split()[1])}"
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the API process exited with status {process.returncode}")
            try:
                if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the API process did not start")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _serve(values: str) -> None:
    import uvicorn

    from apdr.api import create_app

    listening = bound_socket()
    print(f"port {listening.getsockname()[1]}", flush=True)
    config = uvicorn.Config(
        create_app(fast_settings(**json.loads(values))), log_level="warning", access_log=False
    )
    uvicorn.Server(config).run(sockets=[listening])


def sign_in(http: Any, email: str) -> dict[str, str]:
    response = http.post("/api/v1/auth/token", data={"username": email, "password": SYNTHETIC_PASSWORD})
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


# -- figures ---------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0-100) by linear interpolation between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def school_or_small(name: str, urn: str = "709001", pupils: int = 105) -> Callable[[str], Plan]:
    """The plan a benchmark generates: the school-size history at full size; at small
    size, one small primary school for a year."""

    def plan(size: str) -> Plan:
        if size == "full":
            return plan_for("school")
        return Plan(f"{name}-small", (SettingSpec(urn, "Small Primary School", "primary", pupils),), years=1)

    return plan


def latencies(action: Callable[[], Any], times: int, warm: int = 3) -> list[float]:
    """Seconds each of ``times`` runs of ``action`` took, after ``warm`` runs not counted."""
    for _ in range(warm):
        action()
    return [timed(action)[0] for _ in range(times)]


def summary(values: list[float]) -> str:
    return f"p50 {ms(percentile(values, 50))}, p95 {ms(percentile(values, 95))}, max {ms(max(values))}"


@dataclass
class Bar:
    name: str
    measured: str
    required: str
    met: bool | None  # None: could not be measured
    note: str = ""


@dataclass
class Report:
    """The figures of one run, printed as a table and saved as JSON."""

    benchmark: str
    args: Any
    rows: list[tuple[str, str, str]] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def row(self, what: str, value: str, note: str = "") -> None:
        self.rows.append((what, value, note))

    def history(self, loaded: Loaded, seed: int, also: str = "") -> None:
        """The row that says what history the figures are of (the first setting's)."""
        generated = loaded.history.settings[0]
        self.row(
            "history",
            f"{loaded.history.events:,} events",
            f"{generated.on_roll} pupils on roll, {generated.on_register} on the register, "
            f"{generated.interventions} interventions, {generated.sessions:,} sessions, "
            f"{loaded.history.plan} plan, seed {seed}{also}",
        )

    def bar(self, name: str, measured: str, required: str, met: bool | None, note: str = "") -> None:
        self.bars.append(Bar(name, measured, required, met, note))

    def finish(self) -> int:
        """Print everything; answer the exit status."""
        from rich.console import Console
        from rich.table import Table

        console = Console(width=max(120, Console().width))
        title = f"{self.benchmark} on {self.args.database}, size {self.args.size}"
        table = Table(title=title, title_justify="left", show_lines=False)
        for column in ("measure", "figure", "note"):
            table.add_column(column)
        for what, value, note in self.rows:
            table.add_row(what, value, note)
        console.print(table)
        bars = Table(title="bars (DESIGN.md)", title_justify="left")
        for column in ("bar", "measured", "required", "met", "note"):
            bars.add_column(column)
        for b in self.bars:
            met = {True: "[green]met[/green]", False: "[red]NOT MET[/red]", None: "[yellow]n/a[/yellow]"}[
                b.met
            ]
            bars.add_row(b.name, b.measured, b.required, met, b.note)
        console.print(bars)
        console.print(f"machine: {machine_line()}")
        self._save()
        failed = [b for b in self.bars if b.met is not True]
        if self.args.check and failed:
            console.print(f"[red]{len(failed)} bar(s) not met[/red]")
            return 1
        return 0

    def _save(self) -> None:
        with contextlib.suppress(OSError):
            RESULTS.mkdir(parents=True, exist_ok=True)
            name = f"{self.benchmark}-{self.args.database}-{self.args.size}.json"
            (RESULTS / name).write_text(
                json.dumps(
                    {
                        "benchmark": self.benchmark,
                        "database": self.args.database,
                        "size": self.args.size,
                        "seed": self.args.seed,
                        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
                        "machine": machine(),
                        "rows": self.rows,
                        "bars": [vars(b) for b in self.bars],
                        "data": self.data,
                    },
                    indent=2,
                    default=str,
                )
            )


_MACHINE: dict[str, Any] = {}


def machine() -> dict[str, Any]:
    if _MACHINE:
        return _MACHINE
    from importlib.metadata import version

    import sqlalchemy

    memory = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    cpu = ""
    with contextlib.suppress(OSError):
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            "",
        )
    postgres = ""
    with contextlib.suppress(psycopg.Error), psycopg.connect(POSTGRES_URL, connect_timeout=3) as conn:
        postgres = str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
    _MACHINE.update(
        {
            "cpus": os.cpu_count(),
            "cpu": cpu,
            "memory": memory,
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "postgresql": postgres or "unreachable",
            "eventsourcing": version("eventsourcing"),
            "sqlalchemy": sqlalchemy.__version__,
            "platform": platform.platform(),
            "load_average_at_start": os.getloadavg()[0],
            "code": _code_version(),
        }
    )
    return _MACHINE


def _code_version() -> str:
    """The commit the figures were measured on, and whether the work tree differed from it."""
    try:
        run = functools.partial(
            subprocess.run, capture_output=True, text=True, cwd=HERE.parent, timeout=10, check=True
        )
        commit = run(["git", "rev-parse", "--short", "HEAD"]).stdout.strip()
        dirty = bool(run(["git", "status", "--porcelain", "--", "src"]).stdout.strip())
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit + (" with uncommitted changes to src/" if dirty else "")


def machine_line() -> str:
    m = machine()
    return (
        f"{m['cpus']} CPU(s) {m['cpu']}, {m['memory']}, Python {m['python']}, SQLite {m['sqlite']}, "
        f"PostgreSQL {m['postgresql']}, eventsourcing {m['eventsourcing']}; "
        f"load average {m['load_average_at_start']:.1f} at the start; code {m['code']}"
    )


if __name__ == "__main__" and sys.argv[1:2] == ["serve"]:
    _serve(sys.argv[2])
