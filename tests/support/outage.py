"""Database outages staged for real, to test how the service answers one and mends after it.

PostgreSQL: the app reaches the server through ``DatabaseProxy``, a TCP relay in the test
process that can refuse new connections and cut the open ones, and whose connections the
server can be told to terminate. SQLite: another connection holds the write lock, or every
connection of the event store is taken, as requests queued behind such a lock take them.
"""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from apdr.application import SenRecord
from apdr.config import Config

CHUNK = 65536


class _Link:
    """One client connection relayed to the server: two sockets, one pump each way."""

    def __init__(self, client: socket.socket, server: socket.socket, closed: Callable[[_Link], None]) -> None:
        self.client, self.server = client, server
        self.server_port: int = server.getsockname()[1]
        self._closed = closed
        for source, sink in ((client, server), (server, client)):
            threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(CHUNK):
                sink.sendall(data)
        self.close()

    def close(self) -> None:
        for sock in (self.client, self.server):
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._closed(self)


class DatabaseProxy:
    """A TCP relay on 127.0.0.1 to a PostgreSQL server, bound to a port of its own
    choosing in this process. ``refuse()`` closes its port, so a new connection is
    refused as by a server that is down; ``cut()`` drops the open connections;
    ``restore()`` listens on the same port again."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self._links: set[_Link] = set()
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._accepting: threading.Thread | None = None
        self.port = 0
        self._listen()

    def __enter__(self) -> DatabaseProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.refuse()
        self.cut()

    def settings(self, settings: Config, **overrides: Any) -> Config:
        """``settings`` with the database reached through this proxy."""
        url = make_url(settings.database_url).set(host="127.0.0.1", port=self.port)
        return settings.model_copy(
            update={"database_url": url.render_as_string(hide_password=False), **overrides}
        )

    def _listen(self) -> None:
        listener = socket.socket()
        # The port is taken again after an outage, while the connections cut then linger in TIME_WAIT.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.05)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._accepting = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._accepting.start()

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            client.settimeout(None)
            server.settimeout(None)
            with self._lock:
                self._links.add(_Link(client, server, self._forget))

    def _forget(self, link: _Link) -> None:
        with self._lock:
            self._links.discard(link)

    def refuse(self) -> None:
        """New connections are refused: nothing listens on the port."""
        listener, self._listener = self._listener, None
        if self._accepting is not None:
            self._accepting.join()
        if listener is not None:
            listener.close()

    def cut(self) -> None:
        """Every open connection is dropped, as a network or a server going away drops it."""
        with self._lock:
            links = list(self._links)
        for link in links:
            link.close()

    def restore(self) -> None:
        """The database is back: the same port accepts connections again."""
        if self._listener is None:
            self._listen()

    def server_ports(self) -> list[int]:
        """The local ports of the relayed connections, as the server sees them (``client_port``)."""
        with self._lock:
            return [link.server_port for link in self._links]

    def _on_relayed(self, server_url: str, select: str, where: str = "") -> list[tuple[Any, ...]]:
        """``select`` over the server's rows (``pg_stat_activity``) for the relayed connections."""
        with psycopg.connect(server_url, autocommit=True) as conn:
            return conn.execute(
                f"SELECT {select} FROM pg_stat_activity"
                f" WHERE client_addr = '127.0.0.1' AND client_port = ANY(%s){where}",
                [self.server_ports()],
            ).fetchall()

    def terminate(self, server_url: str) -> int:
        """Have the server terminate every relayed connection (``pg_terminate_backend``),
        as an administrator or a failover would; answers how many it terminated."""
        return len(self._on_relayed(server_url, "pg_terminate_backend(pid)"))

    def listening(self, server_url: str) -> bool:
        """Whether one of the relayed connections LISTENs (a subscription to new events)."""
        return bool(self._on_relayed(server_url, "1", " AND query ILIKE 'LISTEN %%'"))


@contextmanager
def sqlite_write_locked(path: str) -> Iterator[None]:
    """Another connection holds SQLite's write lock (``BEGIN EXCLUSIVE``) until the block ends,
    as a backup, a long migration or a stuck process would."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("BEGIN EXCLUSIVE")
        yield
        conn.execute("ROLLBACK")
    finally:
        conn.close()


@contextmanager
def event_store_connections_taken(record: SenRecord) -> Iterator[int]:
    """Every connection the event store's pool may open is taken until the block ends,
    as requests queued behind a locked or failing database take them. Answers how many."""
    pool: Any = record.recorder.datastore.pool
    if hasattr(pool, "getconn"):  # psycopg_pool, on PostgreSQL
        taken = [pool.getconn() for _ in range(pool.max_size)]
        give_back = pool.putconn
    else:  # the library's own pool, on SQLite
        taken = [pool.get_connection(is_writer=False) for _ in range(pool.pool_size + pool.max_overflow)]
        give_back = pool.put_connection
    try:
        yield len(taken)
    finally:
        for conn in taken:
            give_back(conn)


@contextmanager
def read_model_connections_taken(engine: sa.Engine) -> Iterator[int]:
    """Every connection the read models' pool may open is taken until the block ends. Answers how many."""
    pool: Any = engine.pool
    taken = [engine.connect() for _ in range(pool.size() + pool._max_overflow)]
    try:
        yield len(taken)
    finally:
        for conn in taken:
            conn.close()


def timed(call: Callable[[], Any]) -> tuple[Any, float]:
    """What ``call`` answers, and how many seconds it took."""
    start = time.monotonic()
    answer = call()
    return answer, time.monotonic() - start


def wait_until(condition: Callable[[], bool], seconds: float, every: float = 0.1) -> float:
    """Seconds until ``condition`` held; fails if it did not within ``seconds``."""
    start = time.monotonic()
    while not condition():
        waited = time.monotonic() - start
        assert waited < seconds, f"not so within {seconds} s"
        time.sleep(every)
    return time.monotonic() - start
