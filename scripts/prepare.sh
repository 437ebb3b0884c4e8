#!/usr/bin/env bash
# Records what every query reads and writes in .sqlx/, so that building needs no database
# (`make prepare`, after changing SQL). One database per pass: SQLite's queries against a
# scratch file, PostgreSQL's against a scratch server, each compiled alone with the app
# crate's feature `prepare-sqlite` or `prepare-postgres` (see app/src/store/db.rs).
# Needs sqlite3 and Debian's postgresql (`make prepare` installs both).
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
chmod 755 "$work"
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_postgres=()
if [ "$(id -u)" = 0 ]; then
  as_postgres=(runuser -u postgres --)
  chown postgres "$work"
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

stop() {
  "${as_postgres[@]}" "$bin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap stop EXIT

"${as_postgres[@]}" "$bin/initdb" -D "$work/pg" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
  --no-sync >/dev/null
"${as_postgres[@]}" "$bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-h 127.0.0.1 -p $port -k $work -c fsync=off" start >/dev/null
for migration in migrations/postgres/*.sql; do
  psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres -f "$migration"
done
for migration in migrations/sqlite/*.sql; do
  sqlite3 "$work/prepare.db" < "$migration"
done

mkdir "$work/queries"
export SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$work/queries"
touch app/src/lib.rs
DATABASE_URL="sqlite://$work/prepare.db" cargo check -p app --lib --features prepare-sqlite --locked
touch app/src/lib.rs
DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres" \
  cargo check -p app --lib --features prepare-postgres --locked
rm -f .sqlx/query-*.json
cp "$work/queries"/query-*.json .sqlx/
echo "prepare: $(ls .sqlx/query-*.json | wc -l) queries recorded in .sqlx/"
