"""The LA codes the DfE's census accepts as characters 2-4 of a UPN (validation rule 1530).

Census error 1530, "UPN invalid (characters 2-4 not a recognised LA code)": characters 2-4
of a UPN must be a valid post-April 1999 LA code or a recognised "pseudo-LA" code.

Sources (read 29 Nov 2026):

- the school census rule 1530 as software suppliers publish it (Arbor, "UPN/ULN errors
  1500-1578"): 001-005, 201-213, 301-320, 330-336, 340-344, 350-359, 370-373, 380-384,
  390-394, 420, 660-681, 701-708, 800-803, 805-808, 810-813, 815, 816, 820-823, 825, 826,
  830, 831, 835-837, 840, 841, 845, 846, 850-852, 855-857, 860, 861, 865-896, 908, 909,
  916, 919, 921, 925, 926, 928, 929, 931, 933, 935-938;
- the same rule in the DfE's children in need census (as coded in Social Finance's
  CIN validator, rule 1530), which adds 838-839 (Dorset; Bournemouth, Christchurch and
  Poole: accepted by rule 1530 from the summer 2019 census) and 940-941 (North and West
  Northamptonshire, from April 2021).

Which of these are pseudo-LA codes (001-005 and 701-708 look like them) and whether
660-681 are exactly the Welsh authorities' numbers was not confirmed; the list is the
rule's, whatever each code stands for.

Not confirmed: the numbers of the LAs created since (Cumberland and Westmorland and
Furness, April 2023, and any later reorganisation) could not be checked against the
census specification, so they are not in the list; a UPN allocated there is flagged and
a SENCO should check it with the LA. Old numbers stay in the list, as the rule accepts
them: a UPN keeps the LA number it was allocated under for life.
"""

from __future__ import annotations


def _codes(*spans: int | tuple[int, int]) -> frozenset[str]:
    numbers: set[int] = set()
    for span in spans:
        first, last = span if isinstance(span, tuple) else (span, span)
        numbers.update(range(first, last + 1))
    return frozenset(f"{n:03d}" for n in numbers)


LA_CODES: frozenset[str] = _codes(
    (1, 5),
    (201, 213),
    (301, 320),
    (330, 336),
    (340, 344),
    (350, 359),
    (370, 373),
    (380, 384),
    (390, 394),
    420,
    (660, 681),
    (701, 708),
    (800, 803),
    (805, 808),
    (810, 813),
    815,
    816,
    (820, 823),
    825,
    826,
    830,
    831,
    (835, 839),
    840,
    841,
    845,
    846,
    (850, 852),
    (855, 857),
    860,
    861,
    (865, 896),
    908,
    909,
    916,
    919,
    921,
    925,
    926,
    928,
    929,
    931,
    933,
    (935, 938),
    (940, 941),
)
LA_CODES_AS_OF = "2026-11-29"
"""When the list was last checked against its sources."""
