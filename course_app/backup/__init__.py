"""Backups: the database and every uploaded file in one folder, with a manifest of checksums.

``services`` is the entry point (``create_backup``, ``verify_backup``, ``restore_backup``); the CLI's
``course-app backup`` commands are thin glue over it. The other modules each do one job: ``manifest``
(what a backup holds and its checksums), ``sqlite`` and ``postgres`` (a consistent copy of one kind of
database and its way back), ``files`` (the storage folder of uploads).
"""
