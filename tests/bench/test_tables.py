"""``python -m bench tables``: the population is the issue's, and the command reports every policy
(the time itself is the benchmark's business, not the suite's)."""

from __future__ import annotations

from bench import tables
from bench.__main__ import main


def test_the_population_is_1000_attendees_across_2_organisations_and_12_areas():
    request = tables.population()
    assert len(request.attendees) == 1000
    assert len({attendee.organisation for attendee in request.attendees}) == 2
    assert len({attendee.area for attendee in request.attendees}) == 12
    assert request == tables.population()


def test_the_command_reports_each_group_policy(capsys):
    assert main(["tables", "--attendees", "40", "--areas", "4", "--repeats", "1"]) == 0
    output = capsys.readouterr().out
    assert "40 attendees, 2 organisations, 4 areas" in output
    assert "spread" in output and "together" in output and "✓" in output
