"""SELECT statements run on the DBAPI cursor, for the scoring hot path.

SQLAlchemy's execution machinery (re-rendering an expanding IN, parameter processing,
result and row objects) costs about 80 µs per statement: more than SQLite's own work for a
household's history, and a live request reads three tables. Here the SQL is SQLAlchemy's,
compiled once per dialect; the IN list is expanded by SQLAlchemy's
``construct_expanded_state``; each column's values go through its type's own result
processor, as ``Connection.execute`` would apply it. A test compares the two on SQLite
and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Select
from sqlalchemy.engine import Connection


class DirectSelect:
    def __init__(self, statement: Select):
        self.statement = statement
        self.names = tuple(column.key for column in statement.selected_columns)
        self._compiled = {}  # dialect name -> compiled statement
        self._processors = {}  # (dialect name, column, DBAPI type code) -> processor

    def columns(self, connection: Connection, parameters: Mapping) -> dict[str, tuple]:
        """The statement's result as one tuple of values per column, by column key."""
        dialect = connection.dialect
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = self.statement.compile(dialect=dialect)
        state = compiled.construct_expanded_state(parameters)
        values = state.positional_parameters if dialect.positional else state.parameters
        cursor = connection.connection.cursor()
        try:
            cursor.execute(state.statement, values)
            rows = cursor.fetchall()
            type_codes = [d[1] for d in cursor.description]
        finally:
            cursor.close()
        if not rows:
            return {name: () for name in self.names}
        out = {}
        for j, (name, column) in enumerate(zip(self.names, zip(*rows, strict=True), strict=True)):
            processor = self._processor(dialect, j, type_codes[j])
            out[name] = column if processor is None else tuple(map(processor, column))
        return out

    def _processor(self, dialect, j: int, type_code):
        key = (dialect.name, j, type_code)
        if key not in self._processors:
            column_type = self.statement.selected_columns[j].type
            self._processors[key] = column_type.dialect_impl(dialect).result_processor(
                dialect, type_code
            )
        return self._processors[key]
