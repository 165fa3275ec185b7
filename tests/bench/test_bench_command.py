"""``python -m bench`` end to end, as real processes: generate XS, then the shortest run the command
allows (one second per row) against gunicorn and wrk, writing the JSON and Markdown reports."""

from __future__ import annotations

import json

import pytest

from bench import report, runner, scenarios
from tests.bench.command import bench

pytestmark = pytest.mark.slow

PROGRESS_EXPORT = "admin: CSV of every progress row"
ROWS = [
    "baseline: hello",
    report.RATIO_BASE,
    *scenarios.ENDPOINTS,
    "scripted loops (mixed)",
    "sign-in (password check)",
    "coordinator: programme report, 1 connection",
    PROGRESS_EXPORT,
]


def test_generate_then_run_writes_both_reports(wrk, fresh_database_url, tmp_path):
    url = fresh_database_url
    generated = bench("generate", "--size", "XS", "--database", url, timeout=120)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "Size XS generated" in generated.stdout

    markdown = tmp_path / "performance.md"
    output = tmp_path / "results"
    ran = bench(
        "run",
        "--size",
        "XS",
        "--database",
        url,
        "--duration",
        "1",
        "--connections",
        "2",
        "--output",
        str(output),
        "--markdown",
        str(markdown),
        timeout=300,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr

    kind = "postgresql" if url.startswith("postgresql") else "sqlite"
    document = json.loads((output / f"bench-xs-{kind}.json").read_text(encoding="utf-8"))
    assert (document["size"], document["leaders"], document["database"]) == ("XS", 10, kind)
    results = document["results"]
    assert list(results) == ROWS
    for name, result in results.items():
        assert isinstance(result["ratio_to_baseline"], float | int), name
        assert result["requests"] > 0, name
        assert result["errors"] == 0, (name, result["first_error"])
    assert results[PROGRESS_EXPORT]["extra"]["lines"] > 1  # the header and every started lesson
    assert {target["target"] for target in document["targets"]} >= {
        "group dashboard p95, 8 connections",
        "CSV of every progress row: largest worker's peak RSS",
    }
    assert results[report.RATIO_BASE]["ratio_to_baseline"] == 1.0
    # The baseline's Jinja page and the leader pages are measured in turn, the median window kept.
    for name in (report.RATIO_BASE, *runner.RATIO_PAGES):
        windows = results[name]["extra"]["windows_per_second"]
        assert len(windows) == runner.RATIO_ROUNDS, name
        assert results[name]["requests_per_second"] == sorted(windows)[len(windows) // 2], name
    assert "windows_per_second" not in results["leader: save reflection"]["extra"]

    text = markdown.read_text(encoding="utf-8")
    begin, end = f"<!-- bench:XS:{kind} -->", f"<!-- /bench:XS:{kind} -->"
    assert text.count(begin) == text.count(end) == 1
    section = text[text.index(begin) : text.index(end)]
    assert "### Size XS (10 leaders)" in section
    for name in ROWS:
        assert f"| {name} | " in section, name
    assert "Measured in turn, 3 windows each" in section


def test_profile_splits_a_pages_time_by_layer(fresh_database_url):
    url = fresh_database_url
    assert bench("generate", "--size", "XS", "--database", url, timeout=120).returncode == 0

    profiled = bench("profile", "--size", "XS", "--database", url, "--requests", "5", timeout=120)

    assert profiled.returncode == 0, profiled.stdout + profiled.stderr
    out = profiled.stdout
    for endpoint in ("baseline: Jinja 50 rows", "leader: dashboard", "leader: module page"):
        line = next(line for line in out.splitlines() if line.startswith(f"{endpoint}: "))
        assert line.endswith("ms a request without the profiler (status 200, 5 requests)"), line
    assert "templates (Jinja and compiled templates)" in out and "the app's own code" in out
    assert "leader: dashboard" in out.split("In this process")[1]

    refused = bench("profile", "--size", "XS", "--database", url, "--endpoint", "nope", timeout=60)
    assert (refused.returncode, refused.stderr.strip()) == (1, "bench: no such row: nope")
