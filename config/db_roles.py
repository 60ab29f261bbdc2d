"""The two database roles Purna runs under, and the SQL that makes them.

- The owner role (`purna_owner`) owns the database and every table in it. Migrations,
  restores and the test suite's set-up connect as it; nothing else should.
- The app role (`purna_app`) is what the web server, the worker and the scheduler
  connect as. It owns nothing and is no superuser, so it cannot truncate, alter or
  drop a table, disable a trigger or set `session_replication_role`. After every
  migration the owner grants it reading and writing rows, except on the access log
  and the history tables, where it may only read and add (`grant_statements`).

A production server needs only the statements of `create_statements` (see the README);
`python -m config.db_roles --superuser-url URL --database NAME` runs them on a server
where the roles may already exist (CI, a developer's server), and the embedded server
runs them on its first start. This module must not import Django: settings.py and the
embedded server use it while Django loads.
"""

import argparse
import sys

OWNER_ROLE = "purna_owner"
APP_ROLE = "purna_app"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _role(name: str, password: str | None, *, createdb: bool) -> str:
    # Neither role is a member of the other: the app role cannot SET ROLE to the owner.
    # The owner needs INHERIT for the rights of pg_database_owner on the public schema.
    options = "LOGIN NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT"
    options += " CREATEDB" if createdb else " NOCREATEDB"
    password_clause = f" PASSWORD {quote_literal(password)}" if password else ""
    return f"{quote_ident(name)} {options}{password_clause}"


def create_statements(
    database: str = "purna",
    owner: str = OWNER_ROLE,
    app: str = APP_ROLE,
    *,
    owner_password: str | None = None,
    app_password: str | None = None,
    owner_createdb: bool = False,
) -> list[str]:
    """CREATE ROLE for both roles and CREATE DATABASE owned by the owner, run as a superuser.

    `owner_createdb` lets the owner create the test suite's databases; a production
    owner does not need it.
    """
    return [
        f"CREATE ROLE {_role(owner, owner_password, createdb=owner_createdb)};",
        f"CREATE ROLE {_role(app, app_password, createdb=False)};",
        f"CREATE DATABASE {quote_ident(database)} OWNER {quote_ident(owner)};",
    ]


def grant_statements(
    app: str, *, tables: list[str], append_only: list[str], no_delete: list[str]
) -> list[str]:
    """What the owner grants the app role on the schema it just migrated.

    `append_only` tables (the access log, the history tables) may be read and added to,
    never changed, emptied or removed from; `no_delete` tables (the history's context,
    which the history triggers upsert) may be changed but never emptied or removed from.
    TRUNCATE is granted on nothing.
    """
    role = quote_ident(app)
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {role};",
        f"REVOKE CREATE ON SCHEMA public FROM {role};",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};",
    ]
    protected = set(append_only) | set(no_delete)
    for table in tables:
        name = quote_ident(table)
        if table in append_only:
            statements.append(f"REVOKE ALL ON {name} FROM {role};")
            statements.append(f"GRANT SELECT, INSERT ON {name} TO {role};")
        elif table in no_delete:
            statements.append(f"REVOKE ALL ON {name} FROM {role};")
            statements.append(f"GRANT SELECT, INSERT, UPDATE ON {name} TO {role};")
        elif table not in protected:
            statements.append(f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON {name} FROM {role};")
            statements.append(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {name} TO {role};")
    return statements


def ensure_roles(
    superuser_conninfo: str,
    database: str,
    owner: str = OWNER_ROLE,
    app: str = APP_ROLE,
    *,
    owner_createdb: bool = True,
) -> list[str]:
    """Create the roles and the database where missing; return what was created.

    `superuser_conninfo` is a libpq connection string or URL of a superuser. An
    existing database owned by someone else is handed to the owner role with
    everything in it, so a cluster made before the roles existed keeps working.
    """
    import psycopg

    with psycopg.connect(superuser_conninfo, autocommit=True) as connection:
        return _ensure(connection, superuser_conninfo, database, owner, app, owner_createdb)


def _ensure(connection, conninfo, database, owner, app, owner_createdb) -> list[str]:
    created = []

    def exists(query, *params):
        return connection.execute(query, params).fetchone() is not None

    for name, createdb in ((owner, owner_createdb), (app, False)):
        if exists("SELECT 1 FROM pg_roles WHERE rolname = %s", name):
            connection.execute(f"ALTER ROLE {_role(name, None, createdb=createdb)}")
        else:
            connection.execute(f"CREATE ROLE {_role(name, None, createdb=createdb)}")
            created.append(f"role {name}")
    if not exists("SELECT 1 FROM pg_database WHERE datname = %s", database):
        connection.execute(f"CREATE DATABASE {quote_ident(database)} OWNER {quote_ident(owner)}")
        created.append(f"database {database}")
    else:
        connection.execute(f"ALTER DATABASE {quote_ident(database)} OWNER TO {quote_ident(owner)}")
    created.extend(_hand_over(conninfo, database, owner))
    return created


# Everything in the schema owned by someone other than the owner role, as ALTER ... OWNER.
_NOT_OWNED = """
    SELECT format('ALTER %%s %%s OWNER TO %%I',
                  CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                                 WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
                  c.oid::regclass, %s::text)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
      AND NOT (c.relkind = 'S' AND EXISTS (
          SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
      AND pg_get_userbyid(c.relowner) <> %s::text
    UNION ALL
    SELECT format('ALTER ROUTINE %%s OWNER TO %%I', p.oid::regprocedure, %s::text)
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> %s::text
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
"""


def _hand_over(conninfo: str, database: str, owner: str) -> list[str]:
    import psycopg
    from psycopg.conninfo import make_conninfo

    with psycopg.connect(make_conninfo(conninfo, dbname=database), autocommit=True) as conn:
        # Before PostgreSQL 15 everyone could create tables in the public schema.
        conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        statements = [
            row[0] for row in conn.execute(_NOT_OWNED, (owner, owner, owner, owner)).fetchall()
        ]
        for statement in statements:
            conn.execute(statement)
    return [f"{len(statements)} objects handed to {owner}"] if statements else []


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m config.db_roles",
        description="Create Purna's owner and app roles and its database where missing.",
    )
    parser.add_argument(
        "--superuser-url", required=True, help="e.g. postgres://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--database", default="purna")
    parser.add_argument("--owner", default=OWNER_ROLE)
    parser.add_argument("--app", default=APP_ROLE)
    args = parser.parse_args(argv)
    for line in ensure_roles(args.superuser_url, args.database, args.owner, args.app):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
