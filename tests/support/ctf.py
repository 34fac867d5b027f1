"""Common Transfer Files as an MIS writes them, made by hand here so that the reader is
tested against the specification's structure, not against apdr's own writer."""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape


@dataclass
class CtfPupil:
    upn: str
    forename: str = "Amira"
    surname: str = "Khan"
    dob: str = "2017-03-14"
    nc_year: str = "4"
    sen: list[tuple[str, str, str | None]] = field(default_factory=list)  # (provision, start, end)
    needs: list[tuple[int, str]] = field(default_factory=list)  # (rank, type)
    schools: list[tuple[str, str, str | None]] = field(default_factory=list)  # (URN, entry, leaving)


def ctf(pupils: list[CtfPupil], *, source_urn: str = "100001", made: str = "2026-11-20T09:15:00") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<CTfile>\n'
        "<Header><DocumentName>Common Transfer File</DocumentName><CTFversion>26.0</CTFversion>"
        f"<DateTime>{made}</DateTime><DocumentQualifier>full</DocumentQualifier>"
        "<SupplierID>Test MIS</SupplierID>"
        f"<SourceSchool><LEA>801</LEA><Estab>2000</Estab><URN>{source_urn}</URN>"
        "<SchoolName>Test Primary</SchoolName><AcademicYear>2026</AcademicYear></SourceSchool>"
        "<DestSchool><LEA>801</LEA><Estab>2001</Estab></DestSchool></Header>\n"
        f"<CTFpupilData>{''.join(_pupil(p) for p in pupils)}</CTFpupilData>\n</CTfile>\n"
    ).encode()


def _pupil(p: CtfPupil) -> str:
    sen = "".join(
        f"<SEN><StartDate>{start}</StartDate>{f'<EndDate>{end}</EndDate>' if end else ''}"
        f"<SENprovision>{provision}</SENprovision></SEN>"
        for provision, start, end in p.sen
    )
    needs = "".join(
        f"<SENneed><SENtypeRank>{rank}</SENtypeRank><SENtype>{kind}</SENtype></SENneed>"
        for rank, kind in p.needs
    )
    history = f"<SENhistory>{sen}<SENneeds>{needs}</SENneeds></SENhistory>" if p.sen or p.needs else ""
    schools = "".join(
        f"<School><LEA>801</LEA><Estab>2000</Estab><URN>{urn}</URN><SchoolName>A school</SchoolName>"
        f"<EntryDate>{entry}</EntryDate>{f'<LeavingDate>{leaving}</LeavingDate>' if leaving else ''}</School>"
        for urn, entry, leaving in p.schools
    )
    return (
        f"<Pupil><UPN>{escape(p.upn)}</UPN><Surname>{escape(p.surname)}</Surname>"
        f"<Forename>{escape(p.forename)}</Forename><DOB>{p.dob}</DOB><Sex>F</Sex>"
        f"<BasicDetails><NCyearActual>{p.nc_year}</NCyearActual><EnrolStatus>C</EnrolStatus></BasicDetails>"
        f"{history}<SchoolHistory>{schools}</SchoolHistory></Pupil>"
    )
