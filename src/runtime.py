"""One running apdr: the application, its read models and their database.

A process makes one ``Apdr`` and keeps it (the eventsourcing application's
connection pool closes when the object is garbage-collected). The API keeps it
on ``app.state``; the CLI makes one per command.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from apscheduler.schedulers.base import BaseScheduler

from apdr.application import SenRecord
from apdr.config import Config
from apdr.persistence import read_model_engine
from apdr.policies.scheduler import start_scheduler
from apdr.projections import all_projections
from apdr.projections.runner import ReadModels


@contextmanager
def _setting_up(engine: sa.Engine, settings: Config) -> Iterator[None]:
    """One process at a time creates the tables. PostgreSQL refuses two
    concurrent ``CREATE TABLE IF NOT EXISTS`` of the same table ("tuple
    concurrently updated"), and a trust's API workers and worker all start at
    once; SQLite's own write lock already takes them in turn."""
    if engine.dialect.name != "postgresql":
        yield
        return
    key = f"apdr setup {settings.database_schema}"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("SELECT pg_advisory_lock(hashtext(:key))"), {"key": key})
        try:
            yield
        finally:
            conn.execute(sa.text("SELECT pg_advisory_unlock(hashtext(:key))"), {"key": key})


@dataclass
class Apdr:
    settings: Config
    record: SenRecord
    engine: sa.Engine
    read_models: ReadModels
    _threads: list[threading.Thread] = field(default_factory=list)
    _scheduler: BaseScheduler | None = None

    @classmethod
    def open(cls, settings: Config | None = None) -> Apdr:
        # Here, not at the top: apdr.api imports this module.
        from apdr.api import throttle

        settings = settings or Config()
        engine = read_model_engine(settings)
        with _setting_up(engine, settings):
            record = SenRecord(settings)
            read_models = ReadModels(
                record, engine, all_projections(), batch_size=settings.projection_batch_size
            )
            read_models.create_tables()
            read_models.project_inline()
            throttle.create_table(engine)
        return cls(settings, record, engine, read_models)

    def start_worker(self) -> None:
        """Follow the log in a background thread, and run the daily policies
        (the single-process deployment)."""
        thread = threading.Thread(
            target=self.read_models.follow,
            kwargs={"poll_seconds": self.settings.projection_poll_seconds},
            name="apdr-read-models",
            daemon=True,
        )
        thread.start()
        self._threads.append(thread)
        self.start_scheduler()

    def today(self) -> date:
        """Today at school, or the day ``APDR_TODAY`` pins."""
        return self.settings.current_date()

    def start_scheduler(self) -> None:
        """Run the policies daily, in the one process that follows the log, as of
        the day before today (the last day whose history is complete)."""
        if self._scheduler is None:
            self._scheduler = start_scheduler(
                self.record, self.read_models, as_of=lambda: self.today() - timedelta(days=1)
            )

    def close(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
        self.read_models.stop()
        for thread in self._threads:
            thread.join(timeout=10)
        self.engine.dispose()
        self.record.close()
