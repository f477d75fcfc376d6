"""SELECT and INSERT statements run on the DBAPI cursor, for the scoring hot path.

SQLAlchemy's execution machinery (re-rendering an expanding IN, parameter processing,
result and row objects) costs about 80 µs per statement: more than SQLite's own work for a
household's history, and a live request reads three tables. Here the SQL is SQLAlchemy's,
compiled once per dialect; the IN list is expanded by SQLAlchemy's
``construct_expanded_state``; each column's values go through its type's own result
processor, as ``Connection.execute`` would apply it; rows inserted go through their types'
bind processors, and a driver's integrity error is raised as SQLAlchemy's. Tests compare
the two paths on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Select, Table, exc, insert
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


class DirectInsert:
    """Rows (dicts with the same keys, naming every column they fill) into one table."""

    def __init__(self, table: Table):
        self.table = table
        self._plans = {}  # (dialect name, keys) -> (SQL, bound names in order, processors)

    def _plan(self, dialect, keys: tuple[str, ...]):
        plan = self._plans.get((dialect.name, keys))
        if plan is None:
            compiled = insert(self.table).compile(dialect=dialect, column_keys=list(keys))
            names = tuple(compiled.positiontup) if dialect.positional else tuple(compiled.binds)
            if set(names) != set(keys):  # e.g. a column default the rows leave to SQLAlchemy
                raise ValueError(f"rows for {self.table.name} must name all they fill: {names}")
            processors = tuple(
                self.table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
                for name in names
            )
            plan = self._plans[(dialect.name, keys)] = (compiled.string, names, processors)
        return plan

    def rows(self, connection: Connection, rows) -> None:
        if not rows:
            return
        dialect = connection.dialect
        sql, names, processors = self._plan(dialect, tuple(rows[0]))
        columns = []  # processed column by column: one map() per column, not per value
        for name, processor in zip(names, processors, strict=True):
            column = [row[name] for row in rows]
            columns.append(column if processor is None else list(map(processor, column)))
        bound = list(zip(*columns, strict=True))
        if not dialect.positional:
            bound = [dict(zip(names, values, strict=True)) for values in bound]
        cursor = connection.connection.cursor()
        try:
            cursor.executemany(sql, bound)
        except dialect.dbapi.IntegrityError as error:
            raise exc.IntegrityError(sql, None, error) from error
        finally:
            cursor.close()
