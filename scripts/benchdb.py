"""
The benchmarks' own PostgreSQL database: created when it does not exist yet, so that the command
in the README works on a fresh machine (the server allows it: trust auth, user postgres).
"""

import sys
from urllib.parse import urlsplit


def database_ensure(url: str) -> None:
    """Create the database DATABASE_URL names if it is missing; exit with what to do if the server says no."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or not name.replace("_", "").isalnum():
        sys.exit(f"error: DATABASE_URL must name a database of letters, digits and _ (got {name!r})")
    server = parts._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(server, autocommit=True) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                print(f"Creating the benchmark's database {name}…", flush=True)
                connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        sys.exit(
            f"error: cannot reach PostgreSQL at {parts.hostname}:{parts.port or 5432} ({error}).\n"
            "       Start it, or point DATABASE_URL at a server where this user may create a database."
        )
