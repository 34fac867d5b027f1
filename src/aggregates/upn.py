"""Unique Pupil Numbers, as the DfE specifies them.

A UPN is 13 characters: a check letter, then the LA number (3 digits), the
establishment number (4), the year of allocation (2) and a serial of 3 digits,
or of 2 digits and a letter for a temporary UPN.
"""

from __future__ import annotations

import re

from apdr.aggregates.la_codes import LA_CODES

# The 23 letters the DfE uses: I, O and S are left out to avoid confusion with 1, 0 and 5.
CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"

_SHAPE = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")


def check_letter(body: str) -> str:
    """The check letter for the last 12 characters of a UPN.

    Sum of value x position for positions 2-13, mod 23. A letter at position 13
    (temporary UPN) takes its index in the check letter table.
    """
    total = 0
    for position, char in enumerate(body, start=2):
        value = CHECK_LETTERS.index(char) if char.isalpha() else int(char)
        total += value * position
    return CHECK_LETTERS[total % 23]


def upn_problem(upn: str) -> str | None:
    """Why ``upn`` is not a valid UPN, or None if it is."""
    if len(upn) != 13:
        return f"a UPN has 13 characters; {upn!r} has {len(upn)}"
    if not _SHAPE.match(upn):
        return (
            "a UPN is a check letter, 11 digits and a final digit or letter "
            f"(for a temporary UPN); {upn!r} is not"
        )
    if upn[12].isalpha() and upn[12] not in CHECK_LETTERS:
        return f"the last character of a temporary UPN cannot be {upn[12]!r} (I, O and S are unused)"
    expected = check_letter(upn[1:])
    if upn[0] != expected:
        return f"the check letter of {upn!r} should be {expected!r}: is a digit mistyped?"
    return None


def unrecognised_la_code(upn: str) -> str | None:
    """Characters 2-4 of ``upn`` when they are not an LA code the census accepts (census
    error 1530), else None. Registration does not refuse such a UPN: a school may be given
    one by a previous school, and the census list changes when LAs are reorganised, so the
    register shows it as a problem to check instead."""
    code = upn[1:4]
    return None if code in LA_CODES else code


def is_temporary(upn: str) -> bool:
    return upn[12].isalpha()
