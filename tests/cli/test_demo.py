"""``realdid demo`` runs end to end and shows the pseudonym properties it claims."""

from __future__ import annotations

from typer.testing import CliRunner

from realdid.cli import app


def test_demo_walks_through_issuance_and_two_services() -> None:
    result = CliRunner().invoke(app, ["demo"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    out = result.output
    for expected in (
        "what the authority saw",
        "what Forum A saw (visit 1)",
        "what Shop B saw (visit 1)",
        "what Forum A saw (visit 2)",
        "only a hiding commitment",
    ):
        assert expected in out
    assert "Forum A, visit 1 == visit 2 │ yes" in out
    assert "Forum A != Shop B           │ yes" in out
    # Forum A asked only for verified_resident: the name must not reach it
    forum_section = out.split("what Forum A saw (visit 1)")[1].split("what Shop B saw")[0]
    assert "Li Hua" not in forum_section
    assert "verified_resident" in forum_section


def test_demo_shows_an_adult_resident_presentation_with_escrow_and_an_opening() -> None:
    result = CliRunner().invoke(app, ["demo"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    out = result.output
    forum = out.split("what the forum saw")[1].split("A lawful opening")[0]
    assert "proved (birth date hidden)" in forum
    assert "1990" not in forum
    assert "Li Hua" not in forum
    opening = out.split("A lawful opening")[1]
    assert "authority's index says │ Li Hua" in opening
    assert "refused: not enough shares" in opening
