"""Rebuild of every read model from the whole log, against the bare event store.

The bar (DESIGN.md): every projection rebuilds from a log of at least a
million events at no less than half the rate at which the bare event store
reads and decodes the same events.

For each read model, as ``apdr projections rebuild NAME`` does it: its tables
dropped and built again from the start of the log. Its bare reference is the
library reading, in pages, the notifications of the same topics
(``recorder.select_notifications(topics=...)``) and decoding each
(``mapper.to_domain_event``): the same events, with nothing done with them,
measured just before its rebuild. The ratio is bare seconds / rebuild seconds
(1.0: the rebuild costs nothing beyond reading; 0.5: the bar). Also reported:
the whole log read and decoded, and every read model rebuilt one after another.

    python benchmarks/rebuild.py --database postgresql --size full
    python benchmarks/rebuild.py --database postgresql --size full --log school --only provision_map
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from apdr.demo.synthetic import Plan, SettingSpec, plan_for
from harness import Report, arguments, loaded_history, timed

BAR_RATIO = 0.5


def plan(size: str) -> Plan:
    if size == "full":
        return plan_for("la")
    return Plan(
        "rebuild-small",
        (
            SettingSpec("709101", "Small Primary School", "primary", 140),
            SettingSpec("709102", "Small Secondary", "secondary", 150, establishment="4101"),
        ),
        years=2,
    )


def bare_read(app: Any, page: int, topics: list[str] | None = None) -> tuple[float, int]:
    """Seconds to read and decode every event of these topics (or all), and how many there were."""
    recorder, to_event = app.recorder, app.mapper.to_domain_event
    started = time.perf_counter()
    position, count = 0, 0
    while True:
        notifications = recorder.select_notifications(
            start=position, limit=page, topics=topics or (), inclusive_of_start=False
        )
        for notification in notifications:
            to_event(notification)
        count += len(notifications)
        if len(notifications) < page:
            break
        position = notifications[-1].id
    return time.perf_counter() - started, count


def school_log(size: str) -> Plan:
    """``--log school``: the school's history at full size (a quicker check than the la log)."""
    return plan_for("school") if size == "full" else plan(size)


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--log",
        choices=["la", "school"],
        default="la",
        help="the full size's log: la (the bar's million events) or school (112,000 events, minutes quicker)",
    )
    parser.add_argument("--only", nargs="+", metavar="NAME", help="rebuild only these read models")


def main() -> int:
    args = arguments(__doc__.split("\n\n")[0], _options)
    report = Report("rebuild", args)
    with loaded_history(args, school_log if args.log == "school" else plan) as (_settings, loaded):
        models = loaded.apdr.read_models
        page = models.batch_size
        events = models.last_notification_id()
        report.row(
            "log",
            f"{events:,} events",
            f"{len(loaded.history.settings)} settings, {loaded.history.plan} plan",
        )
        if not loaded.cached:
            report.row(
                "generation",
                f"{loaded.history.events_per_second:,.0f} events/s",
                f"{loaded.history.events:,} events in {loaded.generation_seconds:.1f} s",
            )
        whole, count = bare_read(loaded.apdr.record, page)
        report.row("bare read and decode, whole log", f"{count / whole:,.0f} events/s", f"{whole:.1f} s")
        ratios: dict[str, float] = {}
        seconds_of: dict[str, float] = {}
        for name, projection in models.projections.items():
            if args.only and name not in args.only:
                continue
            bare, n = bare_read(loaded.apdr.record, page, projection.topics())
            seconds, applied = timed(lambda name=name: models.rebuild(name))
            ratios[name], seconds_of[name] = bare / seconds, seconds
            report.row(
                f"rebuild {name}",
                f"{applied / seconds:,.0f} events/s",
                f"{applied:,} events in {seconds:.1f} s; bare {n / bare:,.0f} events/s; "
                f"ratio {bare / seconds:.2f}",
            )
    total = sum(seconds_of.values())
    report.row(
        "these read models, one after another" if args.only else "every read model, one after another",
        f"{events / total:,.0f} log events/s",
        f"{total:.1f} s; {events / total / (count / whole):.2f} x the whole log's bare rate",
    )
    slowest = min(ratios, key=lambda n: ratios[n])
    report.bar(
        "each rebuild >= 0.5 x bare read of its events",
        f"lowest {ratios[slowest]:.2f} x ({slowest})",
        ">= 0.50 x, log >= 1,000,000 events",
        ratios[slowest] >= BAR_RATIO and (events >= 1_000_000 or args.size == "small"),
        ", ".join(f"{n} {r:.2f}" for n, r in ratios.items())
        + ("" if args.size == "full" else "; small size: not the bar's million events"),
    )
    report.data.update(
        events=events,
        bare_events_per_second=count / whole,
        rebuild_seconds=seconds_of,
        ratios=ratios,
        generation_events_per_second=loaded.history.events_per_second,
    )
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
