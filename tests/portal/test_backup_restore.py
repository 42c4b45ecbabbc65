"""The backup and restore of docs/operations.md: ``pg_dump -Fc`` of a database with data,
``pg_restore`` into a new database, and every table has the same rows (count and checksum)."""

import shutil
import subprocess
import uuid
from io import StringIO

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(900),  # seed_demo on a busy machine
    pytest.mark.skipif(
        not (shutil.which("pg_dump") and shutil.which("pg_restore")),
        reason="pg_dump / pg_restore not installed (apt-get install postgresql-client)",
    ),
]


def table_fingerprints(conn) -> dict[str, tuple[int, str]]:
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
        )
        tables = [row[0] for row in cursor.fetchall()]
        result = {}
        for table in tables:
            cursor.execute(
                f'SELECT count(*), md5(coalesce(string_agg(t::text, \'|\' ORDER BY t::text), \'\')) '
                f'FROM "{table}" t'
            )
            result[table] = cursor.fetchone()
    return result


def libpq_args(db):
    return ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"]]


def test_dump_and_restore_into_a_new_database_keeps_every_row(tmp_path):
    call_command("seed_demo", stdout=StringIO())
    connection.ensure_connection()
    db = connection.settings_dict
    dump = tmp_path / "portal.dump"
    subprocess.run(
        ["pg_dump", *libpq_args(db), "-Fc", "--no-owner", "-f", str(dump), db["NAME"]],
        check=True, env={"PGPASSWORD": db.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"},
    )
    restored = f"{db['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(
        dbname="postgres", host=db["HOST"], port=db["PORT"], user=db["USER"], password=db.get("PASSWORD")
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(
            ["pg_restore", *libpq_args(db), "--no-owner", "--exit-on-error", "-d", restored, str(dump)],
            check=True, env={"PGPASSWORD": db.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"},
        )
        copy = psycopg2.connect(
            dbname=restored, host=db["HOST"], port=db["PORT"], user=db["USER"], password=db.get("PASSWORD")
        )
        try:
            original = table_fingerprints(connection.connection)
            assert original["commissions_commissionstatement"][0] > 0
            assert table_fingerprints(copy) == original
        finally:
            copy.close()
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        admin.close()
