"""The installed package is the whole of src/: a folder of modules missing from pyproject.toml's
list installs in the editable checkout the tests use, and vanishes from the Docker image."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_given_the_source_folders_when_pyproject_is_read_then_every_package_is_installed() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    source = ROOT / "src"

    # src/ itself is apdr; every folder below it with an __init__.py is a package of its own.
    folders = {"apdr"} | {
        ".".join(("apdr", *init.parent.relative_to(source).parts)) for init in source.rglob("__init__.py")
    }

    assert config["package-dir"] == {"apdr": "src"}
    assert set(config["packages"]) == folders
