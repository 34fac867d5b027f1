"""The interactive API docs at /docs: Swagger UI served from an installed package,
so the page works where a school's network blocks CDNs, and its Content-Security-Policy
needs no other origin and no inline script."""

from __future__ import annotations

import html
from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

DOCS = "/docs"
ASSETS = f"{DOCS}/assets"
INIT = f"{DOCS}/init.js"

SWAGGER_UI = str(files("fastapi_offline") / "static")
"""swagger-ui-bundle.js, swagger-ui.css and a favicon, as the fastapi-offline package ships them."""

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="{root}{assets}/favicon.png">
<link rel="stylesheet" href="{root}{assets}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi}"></div>
<script src="{root}{assets}/swagger-ui-bundle.js"></script>
<script src="{root}{init}"></script>
</body>
</html>
"""

INIT_JS = """\
// Swagger UI over the schema the page names. validatorUrl: null keeps it from
// sending the schema's address to the public validator for a badge.
const element = document.getElementById("swagger-ui");
window.ui = SwaggerUIBundle({
  url: element.dataset.openapiUrl,
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
});
"""


def install(app: FastAPI) -> None:
    """/docs, its script and Swagger UI's files; the app is made with ``docs_url=None``.

    Plain Starlette routes, as FastAPI adds its own docs: they are no part of the API, and
    the tests that read every API route for the roles it declares do not see them."""

    async def page(request: Request) -> HTMLResponse:
        root = html.escape(request.scope.get("root_path", ""))
        return HTMLResponse(
            PAGE.format(
                title=html.escape(f"{app.title}: API"),
                root=root,
                assets=ASSETS,
                init=INIT,
                openapi=root + html.escape(app.openapi_url or ""),
            )
        )

    async def init(request: Request) -> Response:
        return Response(INIT_JS, media_type="text/javascript")

    app.add_route(DOCS, page, include_in_schema=False)
    app.add_route(INIT, init, include_in_schema=False)
    app.mount(ASSETS, StaticFiles(directory=SWAGGER_UI), name="docs-assets")
