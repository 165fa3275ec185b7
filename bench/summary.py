"""The results at a glance, from the JSON reports, in docs: one line per size and database, and how
every page holds from L to XL (50,000 leaders) on the same database.

The JSON reports stay on the machine that ran them (they are not committed), so a run on another
machine has only its own: the rows and the XL table it has no report for are kept as the document
has them, and only what it measured is replaced."""

from __future__ import annotations

import re
from pathlib import Path

from bench.report import read_documents, replace_section


def _cell(target: dict) -> str:
    if target["measured"] is None:
        return "–"
    mark = "" if target["holds"] else " ✗"
    return f"{target['measured']:g}{(' ' + target['unit']) if target['unit'] else ''}{mark}"


SIZES = ("XS", "S", "M", "L", "XL")
_HEADER = [
    "| Size | Database | dashboard ratio (≥ 0.5) | module page ratio (≥ 0.5) | group dashboard p95, "
    "8 conn. (≤ 50 ms) | programme report p95, 1 conn. (≤ 500 ms) | progress CSV: worker "
    "peak RSS (< 200 MB) | sign-ins/s per core |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
]
_ROW = re.compile(r"^\| (XS|S|M|L|XL) \| (SQLite|PostgreSQL)[^|]*\|")


def _kind(database_label: str) -> str:
    return "sqlite" if database_label.startswith("SQLite") else "postgresql"


def summary_table(folder: Path, earlier: str = "") -> str:
    """One row per size and database: from this machine's reports, and (from ``earlier``, the
    section as the document has it) the rows of those it has no report for."""
    # reports from before the targets were recorded are skipped
    documents = [d for d in read_documents(folder, "bench-*-*.json") if "targets" in d]
    rows: dict[tuple[str, str], str] = {}
    for line in earlier.splitlines():
        if match := _ROW.match(line):
            rows[(match.group(1), _kind(match.group(2)))] = line
    for document in documents:
        targets = [_cell(target) for target in document["targets"]]
        rows[(document["size"], _kind(document["machine"]["database"]))] = (
            f"| {document['size']} | {document['machine']['database']} | "
            + " | ".join(targets)
            + f" | {document['sign_in']['sign_ins_per_second_per_core']} |"
        )
    order = sorted(rows, key=lambda key: (SIZES.index(key[0]), key[1]))
    lines = [*_HEADER, *(rows[key] for key in order)]
    return "\n".join(lines) + "\n\n✗: the target does not hold (yet); see the findings below.\n"


XL_WITHIN = 1.5  # every page at XL within 1.5× of its L figure (issue 15)


def scaling_table(folder: Path) -> str:
    """Per endpoint, L against XL on each database both were run on: throughput and p95, and whether
    XL's time per request (1 / throughput) stays within ``XL_WITHIN`` times L's."""
    documents = {(d["size"], d["database"]): d for d in read_documents(folder, "bench-*-*.json")}
    sections = []
    for database in sorted({kind for _size, kind in documents}):
        large, huge = documents.get(("L", database)), documents.get(("XL", database))
        if large is None or huge is None:
            continue
        sizes = [d["machine"].get("database_size_mb") for d in (large, huge)]
        lines = [huge["machine"]["database"] + ":"]
        if None not in sizes:  # runs before the size was recorded have none
            lines = [
                f"{huge['machine']['database']}: the database holds {sizes[0]} MB at L and "
                f"{sizes[1]} MB at XL."
            ]
        lines += [
            "",
            "| Endpoint | L req/s | XL req/s | L p95 | XL p95 | XL ÷ L, time per request "
            f"(≤ {XL_WITHIN:g}) |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name, result in large["results"].items():
            other = huge["results"].get(name)
            if other is None or name.startswith("baseline") or not other["requests_per_second"]:
                continue
            if result.get("kind") == "export":  # not a page: it grows with the rows (below)
                continue
            slower = round(result["requests_per_second"] / other["requests_per_second"], 2)
            mark = "✓" if slower <= XL_WITHIN else "✗"
            lines.append(
                f"| {name} | {result['requests_per_second']:g} | "
                f"{other['requests_per_second']:g} | {result['p95_us'] / 1000:.1f} ms | "
                f"{other['p95_us'] / 1000:.1f} ms | {slower:g} {mark} |"
            )
        lines += _export_line(large["results"], huge["results"])
        sections.append("\n".join(lines) + "\n")
    return "\n".join(sections) or NO_XL


def _export_line(large: dict, huge: dict) -> list[str]:
    """The CSV of every progress row at both sizes: it grows with the rows, so it is judged per
    line (and by the worker's memory, in the summary), not against the 1.5 rule for pages."""
    exports = [
        next((result for result in results.values() if result.get("kind") == "export"), None)
        for results in (large, huge)
    ]
    if None in exports:
        return []
    (small_lines, small_s), (big_lines, big_s) = (
        (export["extra"]["lines"], export["duration_us"] / 1e6) for export in exports
    )
    per_line = (big_s / big_lines) / (small_s / small_lines)
    return [
        "",
        f"The CSV of every progress row is not a page: {small_lines:,} lines in {small_s:.1f} s at "
        f"L, {big_lines:,} in {big_s:.1f} s at XL ({per_line:.2f} times L's time per line).",
    ]


NO_XL = "No run at both L and XL on one database yet.\n"


def update_summary(folder: Path, markdown: Path) -> None:
    earlier = section_of(markdown, "bench:summary")
    replace_section(markdown, "bench:summary", summary_table(folder, earlier))
    scaling = scaling_table(folder)
    if scaling != NO_XL or not section_of(markdown, "bench:xl").strip():
        replace_section(markdown, "bench:xl", scaling)  # else: the earlier run's table stays


def section_of(markdown: Path, key: str) -> str:
    """What stands between ``<!-- key -->`` and ``<!-- /key -->`` ("" when there is no such part)."""
    text = markdown.read_text(encoding="utf-8") if markdown.exists() else ""
    begin, end = f"<!-- {key} -->\n", f"<!-- /{key} -->"
    start = text.find(begin)
    stop = text.find(end, start + len(begin)) if start >= 0 else -1
    return text[start + len(begin) : stop] if stop >= 0 else ""
