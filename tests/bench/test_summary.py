"""The XL table in docs/performance.md: every page at XL against its L figure on the same database,
from the JSON reports the runs write."""

from __future__ import annotations

import json
from pathlib import Path

from bench.summary import scaling_table


def _report(folder: Path, size: str, database: str, pages: dict[str, tuple[float, int]]) -> None:
    document = {
        "size": size,
        "database": database,
        "machine": {
            "database": "PostgreSQL 15",
            "database_size_mb": {"L": 900.0}.get(size, 4400.0),
        },
        "results": {
            name: {"requests_per_second": rate, "p95_us": p95}
            for name, (rate, p95) in pages.items()
        },
    }
    (folder / f"bench-{size.lower()}-{database}.json").write_text(json.dumps(document))


def test_each_page_is_held_to_one_and_a_half_times_its_l_figure(tmp_path):
    hello = (5000, 2000)
    large = {"baseline: hello": hello, "leader: dashboard": (300, 30_000), "report": (4, 400_000)}
    huge = {"baseline: hello": hello, "leader: dashboard": (290, 31_000), "report": (2, 900_000)}
    for size, pages in (("L", large), ("XL", huge)):
        _report(tmp_path, size, "postgresql", pages)
    table = scaling_table(tmp_path)
    assert "900.0 MB at L and 4400.0 MB at XL" in table
    assert "| leader: dashboard | 300 | 290 | 30.0 ms | 31.0 ms | 1.03 ✓ |" in table
    assert "| report | 4 | 2 | 400.0 ms | 900.0 ms | 2 ✗ |" in table
    assert "baseline" not in table


def test_without_both_sizes_on_one_database_the_table_says_so(tmp_path):
    _report(tmp_path, "L", "postgresql", {"leader: dashboard": (300, 30_000)})
    _report(tmp_path, "XL", "sqlite", {"leader: dashboard": (300, 30_000)})
    assert scaling_table(tmp_path) == "No run at both L and XL on one database yet.\n"
