"""Pupils in and out of the school's management information system (MIS).

Every English school's MIS exports the DfE's Common Transfer File (CTF, XML)
and CSV; a pupil who moves school arrives with a CTF. This package reads both
into plain records (``records``), each with the problems found in it, and
writes a pupil's CTF for their next school. It does no I/O of its own and
records nothing: the application's ``import_pupils`` does that.
"""

from __future__ import annotations

from apdr.transfer.csv_file import read_csv
from apdr.transfer.ctf import read_ctf
from apdr.transfer.records import NotAPupilFile, PupilFile

__all__ = ["NotAPupilFile", "PupilFile", "read_pupil_file"]


def read_pupil_file(data: bytes, *, urn: str, kind: str | None = None) -> PupilFile:
    """A CTF or a CSV (``kind``: "ctf" or "csv"), or, not said, told apart by how the
    file begins, not by its name."""
    if kind is not None:
        return read_ctf(data, urn=urn) if kind == "ctf" else read_csv(data)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16, with its byte order mark
        start = data[:64].decode("utf-16", errors="replace").lstrip("\ufeff \t\r\n").encode()
    else:
        start = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"<"):
        return read_ctf(data, urn=urn)
    if start.startswith(b"PK\x03\x04"):
        raise NotAPupilFile("the file is a spreadsheet workbook: save it from the spreadsheet as CSV first")
    return read_csv(data)
