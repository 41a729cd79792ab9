"""Prepared statements for the few queries every reader page runs (docs/performance.md).

PostgreSQL spends longer planning the article page's two small queries than running them (0.13 and 0.18 ms
of planning against 0.03 and 0.05 ms of execution, measured in one session). psycopg prepares a statement,
so that PostgreSQL plans it once per connection, only for a cursor that binds its parameters on the server;
Django's cursors bind them on the client (its default, kept for every other query), which never prepares.
`prepared_cursor()` is Django's cursor with a server-binding psycopg cursor inside: the same wrappers
(query logging, `connection.execute_wrapper`, error translation, the health check) and the connection's time
zone, and statements prepared from their first run when the database's OPTIONS set `prepare_threshold`
(config/settings.py: 0, unless DATABASE_PREPARED_STATEMENTS=0). Anything else gets Django's own cursor.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper


def prepared_cursor(connection: BaseDatabaseWrapper):
    """A cursor (use it in a `with` block) whose statements PostgreSQL plans once per connection."""
    if (
        connection.vendor != "postgresql"
        or connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold") is None
    ):
        return connection.cursor()
    import psycopg
    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = psycopg.Cursor(connection.connection)
        # As Django's create_cursor(): timestamps in the connection's time zone.
        loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        if connection.timezone != loader.timezone:
            register_tzloader(connection.timezone, cursor)
        return connection._prepare_cursor(cursor)
