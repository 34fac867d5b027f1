"""The DfE's Common Transfer File (CTF): pupils read from one, and a pupil's SEN
record written as one for their next school.

The parts used, as MIS suppliers write them: a ``CTfile`` of a ``Header``
(``DateTime``: when the file was made) and ``CTFpupilData``, with a ``Pupil``
per pupil: ``UPN``, ``Surname``, ``Forename``, ``DOB``, ``BasicDetails/NCyearActual``,
``SENhistory`` (``SEN`` with ``StartDate``, ``EndDate`` and ``SENprovision``, repeated
for each period since CTF 17; ``SENneeds/SENneed`` with ``SENtypeRank`` and
``SENtype``) and ``SchoolHistory/School`` (``URN``, ``EntryDate``, ``LeavingDate``).
Elements are matched by name wherever they sit and whatever namespace a
supplier gives them; everything else a CTF holds (addresses, contacts,
attendance, assessments) is left unread.

XML is parsed by defusedxml with DTDs forbidden: a CTF never declares one, and
a file that does (external entities, entity expansion bombs) is refused before
anything in it is read.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from itertools import pairwise
from xml.etree import ElementTree as ET  # builds the export only; reading goes through defusedxml

import defusedxml
from defusedxml import ElementTree as SafeET

from apdr.aggregates.codes import NeedType, SenProvision
from apdr.aggregates.pupil import Pupil
from apdr.aggregates.school_year import academic_year_of, year_group
from apdr.transfer.records import (
    Fields,
    NotAPupilFile,
    PupilFile,
    SenPeriod,
    TransferredPupil,
    parse_day,
    with_duplicates_refused,
)

# --- reading --------------------------------------------------------------------------


MOST_ELEMENTS_HELD = 200_000
"""Elements held at once while reading: one pupil's, as an MIS writes them, are a few hundred."""


def read_ctf(data: bytes, *, urn: str) -> PupilFile:
    """Every pupil of a CTF, with the problems of those that cannot be read. ``urn``
    is the importing setting's: a pupil's admission date is their entry to it.

    Read as a stream, each pupil let go once read, so a file's size does not decide
    the memory it takes; a file holding more than ``MOST_ELEMENTS_HELD`` elements
    at once (no CTF does) is refused."""
    file = PupilFile(kind="ctf")
    pupils: list[TransferredPupil] = []
    every_upn: list[tuple[int | None, str]] = []
    own_file = found_pupil_data = False
    path: list[ET.Element] = []
    held = 0
    for event, element in _events(data):
        if event == "start":
            if not path and element.tag != "CTfile":
                raise NotAPupilFile(
                    f"the file is XML but not a Common Transfer File: its root is <{element.tag}>, "
                    "where a CTF has <CTfile> holding <Header> and <CTFpupilData>"
                )
            path.append(element)
            held += 1
            if held > MOST_ELEMENTS_HELD:
                raise NotAPupilFile(
                    f"the file holds more than {MOST_ELEMENTS_HELD:,} elements at once: not a CTF"
                )
            continue
        path.pop()
        if len(path) == 1:  # a part of the file: its header, its pupils, or something else
            if element.tag == "Header":
                made = _text(element, "DateTime")
                file.made_on = parse_day(made) if made else None
                own_file = _text(_first(element, "SourceSchool"), "URN") == urn
            found_pupil_data = found_pupil_data or element.tag == "CTFpupilData"
        elif len(path) == 2 and path[1].tag == "CTFpupilData" and element.tag == "Pupil":
            every_upn.append((None, _text(element, "UPN").upper()))
            pupil = _pupil(element, len(every_upn), urn=urn, own_file=own_file)
            if isinstance(pupil, TransferredPupil):
                pupils.append(pupil)
            else:
                file.problems.extend(pupil.problems)
        else:
            continue
        path[-1].remove(element)  # read: let it go
        held = len(path)
    if not found_pupil_data:
        raise NotAPupilFile("the file is a <CTfile> with no <CTFpupilData>: there are no pupils in it")
    file.pupils = with_duplicates_refused(pupils, file.problems, every_upn)
    return file


def _events(data: bytes) -> Iterator[tuple[str, ET.Element]]:
    """The parser's start and end events, with what makes a file unreadable as one error."""
    try:
        for event, element in SafeET.iterparse(io.BytesIO(data), events=("start", "end"), forbid_dtd=True):
            if event == "start" and element.tag[0] == "{":
                element.tag = element.tag.rsplit("}", 1)[1]
            yield event, element
    except defusedxml.DefusedXmlException:
        raise NotAPupilFile(
            "the file declares a DTD or entities, which a CTF never does: it was refused unread"
        ) from None
    except ET.ParseError as error:
        line, column = error.position
        raise NotAPupilFile(f"the file is not well-formed XML (line {line}, column {column})") from None
    except (LookupError, ValueError):  # an encoding Python does not know, or bytes not in it
        raise NotAPupilFile("the file's characters are not in the encoding it declares (use UTF-8)") from None


# Elements are found by their own names: ``_events`` takes off any namespace a supplier gives.
def _all(parent: ET.Element | None, name: str) -> Iterable[ET.Element]:
    return parent.iterfind(name) if parent is not None else ()


def _first(parent: ET.Element | None, name: str) -> ET.Element | None:
    return parent.find(name) if parent is not None else None


def _text(parent: ET.Element | None, name: str) -> str:
    return (parent.findtext(name) or "").strip() if parent is not None else ""


def _pupil(element: ET.Element, number: int, *, urn: str, own_file: bool) -> TransferredPupil | Fields:
    upn_text = _text(element, "UPN")
    fields = Fields(None, upn_text.upper() or f"(pupil {number} of the file has no UPN)")
    upn = fields.upn_of(upn_text)
    family_name = fields.text("family_name", _text(element, "Surname"), "the surname (<Surname>)")
    given_name = fields.text("given_name", _text(element, "Forename"), "the forename (<Forename>)")
    date_of_birth = fields.day("date_of_birth", _text(element, "DOB"), "the date of birth (<DOB>)")
    admitted_on = _admitted_on(fields, element, urn=urn, own_file=own_file)
    history = _first(element, "SENhistory")
    sen = None if history is None else _periods(fields, history)
    needs = None if history is None else _needs(fields, history)
    if fields.problems or date_of_birth is None:
        return fields
    return TransferredPupil(
        row=None,
        upn=upn,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        class_name=None,
        joins_class=_class_of(_text(_first(element, "BasicDetails"), "NCyearActual")),
        admitted_on=admitted_on,
        sen=sen,
        needs=needs,
    )


def _class_of(nc_year: str) -> str:
    """A CTF carries no class, only the national curriculum year: a new pupil joins
    the year's name ("Year 4", "Reception") until the school gives them a class."""
    if nc_year.upper() == "R":
        return "Reception"
    if nc_year.upper().startswith("N"):
        return "Nursery"
    return f"Year {nc_year}" if nc_year.isdigit() else "Not yet in a class"


def _admitted_on(fields: Fields, element: ET.Element, *, urn: str, own_file: bool) -> date | None:
    """Entry to this setting: its own entry in the school history (by URN), or, in a
    file from this setting's own MIS, the school the pupil has not left. A CTF from
    a previous school has neither: the pupil is admitted the day they are imported."""
    schools = list(_all(_first(element, "SchoolHistory"), "School"))
    ours = [s for s in schools if _text(s, "URN") == urn] or (
        [s for s in schools if not _text(s, "LeavingDate")] if own_file else []
    )
    if not ours:
        return None
    return fields.day(
        "admitted_on", _text(ours[-1], "EntryDate"), "the entry date (<EntryDate>)", required=False
    )


def _periods(fields: Fields, history: ET.Element) -> tuple[SenPeriod, ...]:
    """The SEN periods in date order; one that begins before an earlier one ended is a
    problem (which of the two held then is for a person to say)."""
    periods = []
    for sen in _all(history, "SEN"):
        provision = fields.provision("sen_provision", _text(sen, "SENprovision"))
        if provision is None and not _text(sen, "SENprovision"):
            fields.problem("sen_provision", "an <SEN> period has no <SENprovision> (N, K or E)")
        starts_on = fields.day("sen_start_date", _text(sen, "StartDate"), "the SEN start date (<StartDate>)")
        ends_on = fields.day(
            "sen_end_date", _text(sen, "EndDate"), "the SEN end date (<EndDate>)", required=False
        )
        if ends_on and starts_on and ends_on < starts_on:
            fields.problem("sen_end_date", f"the SEN end date {ends_on} is before its start date {starts_on}")
        elif provision and starts_on:
            periods.append(SenPeriod(provision, starts_on, ends_on))
    periods.sort(key=lambda p: p.starts_on or date.min)
    for earlier, later in pairwise(periods):
        if earlier.ends_on and later.starts_on and later.starts_on < earlier.ends_on:
            fields.problem(
                "sen_start_date",
                f"the SEN period from {later.starts_on} begins before the one from {earlier.starts_on} "
                f"ended ({earlier.ends_on})",
            )
    return tuple(periods)


def _needs(fields: Fields, history: ET.Element) -> tuple[NeedType, ...]:
    ranked: dict[int, NeedType] = {}
    for need in _all(_first(history, "SENneeds"), "SENneed"):
        rank_text = _text(need, "SENtypeRank")
        if rank_text not in ("1", "2"):
            fields.problem("rank", f"<SENtypeRank> is 1 (primary need) or 2 (secondary), not {rank_text!r}")
            continue
        need_type = fields.need("need_type", _text(need, "SENtype"))
        if need_type is None and not _text(need, "SENtype"):
            fields.problem("need_type", f"the need of rank {rank_text} has no <SENtype>")
        if int(rank_text) in ranked:
            fields.problem(
                "rank", f"two needs are ranked {rank_text}: a pupil has one primary and one secondary"
            )
        elif need_type is not None:
            ranked[int(rank_text)] = need_type
    if 2 in ranked and 1 not in ranked:
        fields.problem("rank", "a secondary need (rank 2) is given without a primary need (rank 1)")
    return tuple(ranked[rank] for rank in sorted(ranked))


# --- writing --------------------------------------------------------------------------


def pupil_ctf(
    *,
    pupil: Pupil,
    school_name: str,
    urn: str,
    destination: str | None,
    made_at: datetime,
) -> bytes:
    """One pupil's CTF for their next school: who they are, their SEN history and
    needs, and their time at this school. ``destination`` is the next school's
    LA and establishment number (seven digits), if known."""
    p = pupil
    root = ET.Element("CTfile")
    header = ET.SubElement(root, "Header")
    year = academic_year_of(made_at.date())
    _add(header, "DocumentName", "Common Transfer File")
    _add(header, "CTFversion", f"{(year + 1) % 100:02d}.0")
    _add(header, "DateTime", made_at.replace(tzinfo=None, microsecond=0).isoformat())
    _add(header, "DocumentQualifier", "partial")
    _add(header, "DataDescriptor", "SEN record")
    _add(header, "SupplierID", "apdr")
    source = ET.SubElement(header, "SourceSchool")
    _add(source, "URN", urn)
    _add(source, "SchoolName", school_name)
    _add(source, "AcademicYear", str(year))
    dest = ET.SubElement(header, "DestSchool")
    _add(dest, "LEA", destination[:3] if destination else "MMM")
    _add(dest, "Estab", destination[3:] if destination else "MMMM")
    element = ET.SubElement(ET.SubElement(root, "CTFpupilData"), "Pupil")
    _add(element, "UPN", p.upn)
    _add(element, "Surname", p.family_name)
    _add(element, "Forename", p.given_name)
    _add(element, "DOB", p.date_of_birth.isoformat())
    basic = ET.SubElement(element, "BasicDetails")
    _add(basic, "NCyearActual", _nc_year(year_group(p.date_of_birth, made_at.date())))
    history = ET.SubElement(element, "SENhistory")
    for period in sen_periods(p.sen_history):
        sen = ET.SubElement(history, "SEN")
        _add(sen, "StartDate", period.starts_on.isoformat() if period.starts_on else "")
        if period.ends_on:
            _add(sen, "EndDate", period.ends_on.isoformat())
        _add(sen, "SENprovision", period.provision.value)
    needs = ET.SubElement(history, "SENneeds")
    for rank in sorted(p.needs):
        need = ET.SubElement(needs, "SENneed")
        _add(need, "SENtypeRank", str(rank))
        _add(need, "SENtype", p.needs[rank]["need_type"].value)
    school = ET.SubElement(ET.SubElement(element, "SchoolHistory"), "School")
    _add(school, "URN", urn)
    _add(school, "SchoolName", school_name)
    _add(school, "EntryDate", p.admitted_on.isoformat())
    if p.left_on:
        _add(school, "LeavingDate", p.left_on.isoformat())
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def sen_periods(history: Iterable[tuple[SenProvision, date]]) -> list[SenPeriod]:
    """Each span of SEN support or an EHC plan from a pupil's changes of status,
    ended by the change that followed it."""
    changes = list(history)
    periods = []
    for i, (provision, since) in enumerate(changes):
        if provision is SenProvision.no_sen:
            continue
        until = changes[i + 1][1] if i + 1 < len(changes) else None
        if until != since:  # a status that gave way the same day was never in force
            periods.append(SenPeriod(provision, since, until))
    return periods


def _nc_year(group: int) -> str:
    return "R" if group == 0 else (f"N{3 + group}" if group < 0 else str(group))


def _add(parent: ET.Element, name: str, text: str) -> None:
    ET.SubElement(parent, name).text = text
