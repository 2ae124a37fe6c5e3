"""Run part of a test against a real SQLite file, as the demo does, instead of the in-memory
test database: several threads then hold their own connections to one file, and SQLite's one
writer at a time is what they meet."""

import sqlite3
from contextlib import contextmanager
from pathlib import Path

from django.db import connections
from django.db.utils import load_backend


@contextmanager
def sqlite_file_database(path: Path):
    """Copy the test database (with what the test made so far) to ``path`` and point every
    connection opened meanwhile, in any thread, at that file; put the test database back after."""
    memory = connections["default"]
    memory.ensure_connection()
    with sqlite3.connect(path) as target:
        memory.connection.backup(target)
    target.close()
    memory_settings = connections.settings["default"]
    file_settings = {**memory_settings, "NAME": str(path)}
    connections.settings["default"] = file_settings  # threads started from now on
    on_file = load_backend(file_settings["ENGINE"]).DatabaseWrapper(file_settings, "default")
    connections["default"] = on_file  # this thread
    try:
        yield
    finally:
        on_file.close()
        connections["default"] = memory
        connections.settings["default"] = memory_settings
