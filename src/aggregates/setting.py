"""A setting (a school) and its calendar; and the key that signs its users' tokens."""

from __future__ import annotations

import itertools
import re
import secrets
from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from apdr.aggregates.rules import copy_one_level, must_have_text
from apdr.aggregates.school_year import Term, academic_year_of
from apdr.errors import InvalidInput

URN = re.compile(r"^\d{6}$")


class Setting(Aggregate):
    """Identified by its DfE Unique Reference Number, so a URN is registered once."""

    # A session's calendar comes from its setting: a deep copy of the terms and closures
    # of every year was half the time of recording a session.
    __deepcopy__ = copy_one_level

    @staticmethod
    def create_id(urn: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/settings/{urn}")

    @classmethod
    def register(cls, *, urn: str, name: str, recorded_by: str) -> Setting:
        urn = urn.strip()
        if not URN.match(urn):
            raise InvalidInput("urn", f"a URN is the six-digit DfE Unique Reference Number; {urn!r} is not")
        return cls(urn=urn, name=must_have_text("name", name), recorded_by=recorded_by)

    @event("Registered")
    def __init__(self, urn: str, name: str, recorded_by: str) -> None:
        self.urn = urn
        self.name = name
        # academic year -> terms, and closures (INSET days, bank holidays)
        self.terms: dict[int, list[dict[str, Any]]] = {}
        self.closures: dict[int, list[date]] = {}
        self.thresholds: dict[str, Any] = {}

    def set_term_dates(
        self, *, academic_year: int, terms: list[dict[str, Any]], closures: list[date], recorded_by: str
    ) -> None:
        checked = sorted(
            (self._term(i, t, academic_year) for i, t in enumerate(terms)), key=lambda t: t.starts_on
        )
        if not checked:
            raise InvalidInput("terms", "give at least one term")
        for earlier, later in itertools.pairwise(checked):
            if later.starts_on <= earlier.ends_on:
                raise InvalidInput("terms", f"the {earlier.name} and {later.name} terms overlap")
        for i, day in enumerate(closures):
            if academic_year_of(day) != academic_year:
                raise InvalidInput(f"closures[{i}]", f"{day} is not in the academic year {academic_year}")
        self._term_dates_set(
            academic_year=academic_year,
            terms=[vars(t) | {} for t in checked],
            closures=sorted(set(closures)),
            recorded_by=recorded_by,
        )

    @staticmethod
    def _term(i: int, raw: dict[str, Any], academic_year: int) -> Term:
        term = Term(
            name=must_have_text(f"terms[{i}].name", raw.get("name")),
            starts_on=raw["starts_on"],
            ends_on=raw["ends_on"],
            half_term_starts_on=raw.get("half_term_starts_on"),
            half_term_ends_on=raw.get("half_term_ends_on"),
        )
        if term.ends_on <= term.starts_on:
            raise InvalidInput(f"terms[{i}].ends_on", "a term ends after it starts")
        if (
            academic_year_of(term.starts_on) != academic_year
            or academic_year_of(term.ends_on) != academic_year
        ):
            raise InvalidInput(
                f"terms[{i}]",
                f"the {term.name} term is not within the academic year "
                f"{academic_year}-{academic_year + 1 - 2000:02d}",
            )
        half = (term.half_term_starts_on, term.half_term_ends_on)
        if (half[0] is None) != (half[1] is None):
            raise InvalidInput(f"terms[{i}]", "give both the start and the end of the half-term, or neither")
        if (
            half[0] is not None
            and half[1] is not None
            and not (term.starts_on < half[0] <= half[1] < term.ends_on)
        ):
            raise InvalidInput(f"terms[{i}].half_term_starts_on", "the half-term falls within the term")
        return term

    @event("TermDatesSet")
    def _term_dates_set(
        self, academic_year: int, terms: list[dict[str, Any]], closures: list[date], recorded_by: str
    ) -> None:
        self.terms[academic_year] = terms
        self.closures[academic_year] = closures

    def configured_terms(self) -> list[Term]:
        return [Term(**t) for year in sorted(self.terms) for t in self.terms[year]]

    def configured_closures(self) -> list[date]:
        return [d for year in sorted(self.closures) for d in self.closures[year]]

    def set_thresholds(self, *, thresholds: dict[str, Any], recorded_by: str) -> None:
        if not thresholds:
            raise InvalidInput("body", "give at least one threshold")
        self._thresholds_set(thresholds=thresholds, recorded_by=recorded_by)

    @event("ThresholdsSet")
    def _thresholds_set(self, thresholds: dict[str, Any], recorded_by: str) -> None:
        self.thresholds = {**self.thresholds, **thresholds}


class SigningKey(Aggregate):
    """The key that signs access tokens: kept in the event store so that every
    API worker shares it and it survives restarts."""

    ID = uuid5(NAMESPACE_URL, "/apdr/signing-key")

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(id=cls.ID, key=secrets.token_urlsafe(48))

    @event("Generated")
    def __init__(self, id: UUID, key: str) -> None:
        self.key = key
        self.previous: list[str] = []

    # Keys are rotated outside the database now (APDR_TOKEN_PREVIOUS_KEYS); a rotation
    # recorded before then still reads.
    @event("Rotated")
    def _rotated(self, key: str) -> None:
        self.previous = [self.key, *self.previous][:1]
        self.key = key
