"""A backup taken while the app writes is one consistent moment of the database, restored whole.

A writer thread commits, in one transaction each, an audit entry and an outbox message with the same
number, before, during and after ``create_backup``. The restored database must then hold exactly the
writer's first k transactions in both tables (no torn transaction, no gap, nothing the writer had not
yet committed when the backup ended, everything it had committed when the backup began), and every
other table must equal the source row for row. Every uploaded file must come back byte for byte.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from course_app.audit.models import AuditEntry
from course_app.backup import services as backups
from course_app.core.db import Base, make_engine
from course_app.notifications.models import OutboxMessage
from tests.backup.conftest import uploaded_files

WRITER_KEY = "backup-load-"


class Writer(threading.Thread):
    """Commits numbered pairs of rows until stopped; ``committed`` counts those whose commit returned."""

    def __init__(self, database_url: str) -> None:
        super().__init__(daemon=True)
        self.engine = make_engine(database_url)
        self.committed = 0
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                key = f"{WRITER_KEY}{self.committed}"
                with Session(self.engine) as session, session.begin():
                    session.add(AuditEntry(action="created", object_type="test", object_key=key))
                    session.add(
                        OutboxMessage(
                            recipient="load@example.org",
                            subject=key,
                            body_text="x" * 200,
                            kind="backup-test",
                            idempotency_key=key,
                        )
                    )
                self.committed += 1
        except BaseException as error:  # reported by the test, not lost in the thread
            self.error = error
        finally:
            self.engine.dispose()

    def wait_for(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self.committed < count:
            assert self.error is None, self.error
            assert time.monotonic() < deadline, f"the writer committed only {self.committed}"
            time.sleep(0.005)


def rows_of(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table in the metadata, ordered by primary key."""
    tables = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            tables[table.name] = [
                tuple(row) for row in connection.execute(select(table).order_by(*order))
            ]
    return tables


def key_of(table):
    """The position of the writer's number in a row of one of its two tables."""
    column = table.c.object_key if "object_key" in table.c else table.c.idempotency_key
    return list(table.columns).index(column)


def is_writers(row: tuple, position: int) -> bool:
    return str(row[position]).startswith(WRITER_KEY)


def test_backup_under_write_load_restores_one_consistent_moment(source, target, tmp_path):
    writer = Writer(source.database_url)
    writer.start()
    try:
        writer.wait_for(20)
        before = writer.committed
        folder, written = backups.create_backup(tmp_path / "backups", **source.settings)
        after = writer.committed
        writer.wait_for(after + 20)  # still writing after the backup: it ran under load throughout
    finally:
        writer.stop.set()
        writer.join(timeout=60)
    assert writer.error is None, writer.error
    assert written.upload_count == len(uploaded_files(source.storage_dir)) == 5

    report = backups.restore_backup(folder, **target.settings)
    assert report.uploads == 5
    assert report.revision == report.head == written.alembic_revision

    source_engine, target_engine = (
        make_engine(source.database_url),
        make_engine(target.database_url),
    )
    try:
        source_rows, restored_rows = rows_of(source_engine), rows_of(target_engine)
    finally:
        source_engine.dispose()
        target_engine.dispose()

    assert restored_rows.keys() == source_rows.keys()
    writer_tables = {AuditEntry.__table__.name, OutboxMessage.__table__.name}
    snapshot_sizes = set()
    for table in Base.metadata.sorted_tables:
        restored, original = restored_rows[table.name], source_rows[table.name]
        if table.name not in writer_tables:
            assert restored == original, f"{table.name} differs after restore"
            continue
        position = key_of(table)
        keys = [row[position] for row in restored if is_writers(row, position)]
        k = len(keys)
        # A prefix of the writer's transactions: no gap, none torn.
        assert keys == [f"{WRITER_KEY}{number}" for number in range(k)], table.name
        # Every restored row is the source's row, whole; the source has more (written after).
        prefix = set(keys)
        expected = [r for r in original if not is_writers(r, position) or r[position] in prefix]
        assert restored == expected, table.name
        snapshot_sizes.add(k)
    # Both tables of one transaction stop at the same transaction.
    assert len(snapshot_sizes) == 1, snapshot_sizes
    (k,) = snapshot_sizes
    # Everything committed before the backup began is in it; nothing committed after it ended
    # (one in flight may have committed before its count went up).
    assert before <= k <= after + 1, (before, k, after)
    assert after > before, "the writer committed nothing while the backup ran"
    assert len(source_rows[OutboxMessage.__table__.name]) > k  # the writer went on afterwards

    assert uploaded_files(target.storage_dir) == uploaded_files(source.storage_dir)
