"""``python -m bench schedule`` end to end, as real processes: generate XS, release film 2 to every
leader with ``course-app schedule run``, run it again, send the e-mails to a local SMTP server with
``course-app notify send``, and check the JSON result's invariants and the Markdown table."""

from __future__ import annotations

import json

import pytest

from tests.bench.command import bench

pytestmark = pytest.mark.slow

LEADERS = 10  # size XS


def test_schedule_releases_one_module_and_delivers_one_email_each(fresh_database_url, tmp_path):
    output, markdown = tmp_path / "results", tmp_path / "performance.md"
    size = ["--size", "XS", "--database", fresh_database_url]
    ran = bench(
        "schedule", *size, "--output", str(output), "--markdown", str(markdown), timeout=300
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr

    kind = "postgresql" if fresh_database_url.startswith("postgresql") else "sqlite"
    document = json.loads((output / f"schedule-xs-{kind}.json").read_text(encoding="utf-8"))
    assert (document["size"], document["database"], document["module"]) == ("XS", kind, "film-2")
    assert document["enrolments"] == document["people"] == LEADERS
    assert document["generated_seconds"] is not None  # the empty database got a dataset
    assert document["opened_before"] == [
        "kick-off",
        "introduktion",
        "kompetencehjul-start",
        "film-1",
    ]

    first = document["schedule_run"]
    assert first["target_unlocks"] == first["target_enrolments"] == LEADERS  # one each
    assert first["unlocks"] == LEADERS * 5  # four opened before, film 2 now
    assert first["messages"] == first["people_emailed"] == first["distinct_keys"] == LEADERS
    assert first["output"].startswith(f"Åbnede {LEADERS} moduler")

    again = document["schedule_run_again"]
    assert again["output"].startswith("Åbnede 0 moduler")
    assert {key: again[key] for key in ("unlocks", "messages", "distinct_keys")} == {
        "unlocks": LEADERS * 5,
        "messages": LEADERS,
        "distinct_keys": LEADERS,
    }

    sent = document["notify_send"]
    assert sent["sent"] == sent["received"] == sent["recipients"] == LEADERS
    assert sent["failed"] == 0
    assert sent["emails_per_second"] > 0
    assert document["notify_send_again"]["output"] == "Sendte 0 e-mails."
    for run in (first, again, sent, document["notify_send_again"]):
        assert run["seconds"] > 0
        assert 20 < run["peak_rss_mb"] < 1000  # the command's own memory, not the benchmark's

    statements = document["dashboard_statements"]
    assert list(statements) == ["no unlocks", "before the release", "after the release"]
    assert len(set(statements.values())) == 1
    assert all(document["checks"].values()), document["checks"]
    assert [target["target"] for target in document["targets"]] == [
        "schedule run: wall time",
        "schedule run: peak RSS",
        "notify send: e-mails per second",
        "leader dashboard: statements",
    ]

    text = markdown.read_text(encoding="utf-8")
    assert text.count("<!-- bench:schedule -->") == text.count("<!-- /bench:schedule -->") == 1
    assert f"| XS | {document['machine']['database']} | 10 |" in text
