"""The pages: server-rendered HTML under ``/`` for the people who keep the record
in a browser (a teaching assistant's day, the SENCO's desk, a pupil's page).

They call the same ``SenRecord`` commands and read-model queries as the API
(``apdr.api``), check roles with its role lists and parse forms with its body
models: no rule is written twice. htmx (vendored in ``static/vendor`` by
``scripts/vendor-htmx.sh``) swaps parts of a page; there is no build step."""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from apdr.web import errors
from apdr.web.routes import desk, forms, imports, interventions, pupils, reports, signin, today


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=str(files("apdr.web") / "static")), name="static")
    errors.install(app)
    # forms and imports before pupils: /pupils/new and /pupils/import are pages, not a pupil's id
    for module in (signin, today, desk, forms, imports, interventions, pupils, reports):
        app.include_router(module.router)
