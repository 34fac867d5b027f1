"""Every EHCP milestone has words for the chronology and the pupil page (they share one dict)."""

from __future__ import annotations

from apdr.aggregates.codes import EhcpMilestone
from apdr.projections.chronology.wording import MILESTONES


def test_given_every_ehcp_milestone_when_it_is_worded_then_it_has_a_sentence_of_its_own() -> None:
    assert set(MILESTONES) == set(EhcpMilestone)
    assert len(set(MILESTONES.values())) == len(MILESTONES)
    assert all(len(m.value) <= 30 for m in EhcpMilestone)  # the read models' milestone column is 30 wide
