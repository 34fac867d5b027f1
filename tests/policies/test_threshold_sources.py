"""Every threshold says where its default comes from, and README's table of them is the catalogue's."""

from __future__ import annotations

import re
from pathlib import Path

from apdr.policies.catalogue import THRESHOLDS, thresholds_markdown

README = Path(__file__).parents[2] / "README.md"
# The documents a default may cite; anything else is apdr's own choice and must say so.
DOCUMENTS = (
    "Code of Practice",
    "SEND Regulations",
    "Children and Families Act",
    "EEF",
    "Core Standard Five",
    "Brooks",
    "DfE",
    "UK GDPR",
    "Education (Pupil Information)",
)
OWN = "apdr's default: "


def test_given_the_catalogue_then_every_threshold_cites_a_document_or_says_it_is_apdrs_default() -> None:
    unsourced = {
        name: t.source
        for name, t in THRESHOLDS.items()
        if not (
            (t.source.startswith(OWN) and len(t.source) > len(OWN) + 10)
            or any(document in t.source for document in DOCUMENTS)
        )
    }

    assert unsourced == {}


def test_given_the_readme_then_its_thresholds_table_is_the_catalogues() -> None:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- thresholds: begin -->\n(.*?)\n<!-- thresholds: end -->", text, re.S)

    assert found, "README.md has no thresholds table between its markers"
    assert found.group(1) == thresholds_markdown(), (
        "README's thresholds table differs from the catalogue: paste the output of "
        '`python -c "from apdr.policies.catalogue import thresholds_markdown as t; print(t())"`'
    )
