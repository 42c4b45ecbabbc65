"""Stop at once, with instructions, when PostgreSQL or Redis is not reachable (make test)."""

import os
import sys

import environ
import psycopg2
import redis

problems = []
db = environ.Env.db_url_config(os.environ["DATABASE_URL"])
try:
    psycopg2.connect(
        dbname="postgres",
        user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        connect_timeout=3,
    ).close()
except psycopg2.OperationalError as exc:
    problems.append(
        f"PostgreSQL is not reachable at {db.get('HOST')}:{db.get('PORT')} ({exc}).\n"
        "  Start it, e.g.: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"
        "  or point DATABASE_URL at a running server."
    )
try:
    redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=3).ping()
except redis.RedisError as exc:
    problems.append(
        f"Redis is not reachable at {os.environ['REDIS_URL']} ({exc}).\n"
        "  Start it, e.g.: redis-server --daemonize yes --bind 127.0.0.1 --port 6379\n"
        "  or point REDIS_URL at a running server."
    )
if problems:
    print("make test needs PostgreSQL and Redis:\n" + "\n".join(problems), file=sys.stderr)
    sys.exit(1)
