"""The benchmarks' own PostgreSQL databases, made when missing (make bench, bench-reminders)."""

import psycopg


def create_database(database: dict, *, drop: bool = False) -> None:
    """Create the database of these Django settings when missing; first drop it if asked."""
    params = {
        "dbname": "postgres",
        "host": database["HOST"] or None,
        "port": database["PORT"] or None,
        "user": database["USER"] or None,
        "password": database["PASSWORD"] or None,
    }
    with psycopg.connect(**params, autocommit=True) as admin:
        if drop:
            admin.execute(f'DROP DATABASE IF EXISTS "{database["NAME"]}"')
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database["NAME"]]
        ).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{database["NAME"]}"')
