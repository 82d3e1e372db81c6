"""``realdid demo`` tells the national story and shows what each party saw."""

from __future__ import annotations

import datetime

from typer.testing import CliRunner

from realdid.cli import app
from realdid.sandbox import cast


def test_the_demo_tells_the_story_and_every_check_holds() -> None:
    result = CliRunner().invoke(app, ["demo"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert "wrong" not in out.lower()  # every "(wrong)" branch is a failed promise
    forum = out.split("what Forum A saw")[1].split("what Forum B saw")[0]
    assert "nothing disclosed" in forum
    assert "李华" not in forum
    today = datetime.datetime.now(datetime.UTC).date()
    assert f"valid on {today.isoformat()}" in out  # the story runs on today's date
    assert str(cast(today).alice.birth_date.year) not in forum
    assert "Forum A != Forum B    │ yes" in out
    hospital = out.split("what the hospital saw")[1].split("what the bank saw")[0]
    assert "blood_type = AB+" in hospital
    assert "credit" not in hospital.replace("not asked", "")
    assert "refused: realdid:identity:v1: may not ask to see name" in out
    assert "refused: not enough shares" in out
    assert "authority's index says │ 李华" in out
    assert "nowhere: no name" in out
    assert "refused: revoked citizens are not renewed" in out
