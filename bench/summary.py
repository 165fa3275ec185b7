"""The results at a glance: one line per size and database from the JSON reports, in docs."""

from __future__ import annotations

import json
from pathlib import Path

from bench.report import replace_section
from bench.sizes import SIZES


def _cell(target: dict) -> str:
    if target["measured"] is None:
        return "–"
    mark = "" if target["holds"] else " ✗"
    return f"{target['measured']:g}{(' ' + target['unit']) if target['unit'] else ''}{mark}"


def summary_table(folder: Path) -> str:
    documents = []
    for path in folder.glob("bench-*-*.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        if "targets" in document:  # reports from before the targets were recorded are skipped
            documents.append(document)
    order = list(SIZES)
    documents.sort(key=lambda d: (d["database"], order.index(d["size"])))
    lines = [
        "| Size | Database | dashboard ratio (≥ 0.5) | module page ratio (≥ 0.5) | group dashboard p95, "
        "8 conn. (≤ 50 ms) | programme report p95, 1 conn. (≤ 500 ms) | progress CSV: worker "
        "peak RSS (< 200 MB) | sign-ins/s per core |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for document in documents:
        targets = [_cell(target) for target in document["targets"]]
        lines.append(
            f"| {document['size']} | {document['machine']['database']} | "
            + " | ".join(targets)
            + f" | {document['sign_in']['sign_ins_per_second_per_core']} |"
        )
    return "\n".join(lines) + "\n\n✗: the target does not hold (yet); see the findings below.\n"


def update_summary(folder: Path, markdown: Path) -> None:
    replace_section(markdown, "bench:summary", summary_table(folder))
