"""The web server's access log, without query strings: a search may carry a pupil's name."""

from __future__ import annotations

import logging


class WithoutQueryString(logging.Filter):
    """Cuts the query string from uvicorn's access log lines, which it logs as
    ``'%s - "%s %s HTTP/%s" %d'`` with (client, method, path and query, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, target, version, status = record.args
            record.args = (client, method, str(target).split("?", 1)[0], version, status)
        return True


def install() -> None:
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, WithoutQueryString) for f in logger.filters):
        logger.addFilter(WithoutQueryString())
