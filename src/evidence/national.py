"""National figures a school's own are read beside: data, with the year and the source.

Governors and inspectors read a school's SEN register against England as a whole
(a school far above or below the national proportions is asked why). Each figure
names the publication it is taken from, so a reader can check it, and the year it
describes, so that a report says how old the comparison is. When the DfE publishes
a new year, add it here; the report uses ``ENGLAND``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class NationalFigures:
    """The proportions of pupils in England with SEN support and with an EHC plan."""

    academic_year: str
    sen_support_percent: float
    ehc_plan_percent: float
    source: str
    published: str
    url: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


ENGLAND_2024_25 = NationalFigures(
    academic_year="2024/25",
    # All pupils in schools in England, January 2025 census: 14.2% on SEN support, 5.3% with an EHC plan.
    sen_support_percent=14.2,
    ehc_plan_percent=5.3,
    source='Department for Education, "Special educational needs in England", academic year 2024/25',
    published="June 2025",
    url="https://explore-education-statistics.service.gov.uk/find-statistics/special-educational-needs-in-england",
)

ENGLAND = ENGLAND_2024_25
"""The latest national figures for England."""
