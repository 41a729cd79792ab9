#!/usr/bin/env bash
# Restore drill (docs/deploy.md, "Backups"): back up the database and the media the way production does,
# restore both into fresh places, and compare. Exits non-zero on any difference.
#
#   tests/load/restore_drill.sh                  # the database in DATABASE_URL (PostgreSQL), MEDIA_ROOT, PRIVATE_MEDIA_ROOT
#   KEEP=1 tests/load/restore_drill.sh           # keep the restored database and folders to look at
#
# 1. pg_dump --format=custom of the source database (the same command as the nightly backup);
# 2. createdb a fresh database and pg_restore into it;
# 3. exact row counts, table by table, source against restored (count(*), not planner estimates);
# 4. tar of the public and private media folders, extracted elsewhere, compared file by file by SHA-256.
set -euo pipefail
cd "$(dirname "$0")/../.."

DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/masthead}"
case "$DATABASE_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "restore_drill: DATABASE_URL must be a PostgreSQL URL, not $DATABASE_URL" >&2; exit 2 ;;
esac
MEDIA_ROOT="${MEDIA_ROOT:-$PWD/media}"
PRIVATE_MEDIA_ROOT="${PRIVATE_MEDIA_ROOT:-$PWD/private-media}"

source_db="${DATABASE_URL##*/}"; source_db="${source_db%%\?*}"
server_url="${DATABASE_URL%/*}"
stamp="$(date +%Y%m%d%H%M%S)"
restored_db="${source_db}_restore_${stamp}"
work="$(mktemp -d /tmp/masthead-restore-drill.XXXXXX)"
failures=0

cleanup() {
  if [ "${KEEP:-0}" != 1 ]; then
    psql "$server_url/postgres" -q -c "DROP DATABASE IF EXISTS \"$restored_db\"" >/dev/null 2>&1 || true
    rm -rf "$work"
  else
    echo "kept: database $restored_db, folder $work"
  fi
}
trap cleanup EXIT

echo "== restore drill $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "source database: $source_db; restored into: $restored_db"

echo "== 1. dump"
started=$(date +%s%N)
pg_dump --format=custom --no-owner --file="$work/db.dump" "$DATABASE_URL"
echo "dump: $(du -h "$work/db.dump" | cut -f1) in $(( ($(date +%s%N) - started) / 1000000 )) ms"

echo "== 2. restore into a fresh database"
started=$(date +%s%N)
psql "$server_url/postgres" -q -c "CREATE DATABASE \"$restored_db\""
pg_restore --no-owner --exit-on-error --dbname="$server_url/$restored_db" "$work/db.dump"
echo "restore: $(( ($(date +%s%N) - started) / 1000000 )) ms"

echo "== 3. row counts per table"
count_rows() {
  local url="$1"
  psql "$url" -At -c "SELECT table_name FROM information_schema.tables
                       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name" |
    while read -r table; do
      printf '%s\t%s\n' "$table" "$(psql "$url" -At -c "SELECT count(*) FROM \"$table\"")"
    done
}
count_rows "$DATABASE_URL" > "$work/source.tsv"
count_rows "$server_url/$restored_db" > "$work/restored.tsv"
printf '%-48s %10s %10s  %s\n' table source restored result
join -t $'\t' -a1 -a2 -e MISSING -o 0,1.2,2.2 "$work/source.tsv" "$work/restored.tsv" |
  while IFS=$'\t' read -r table source restored; do
    result=ok; [ "$source" = "$restored" ] || result=MISMATCH
    printf '%-48s %10s %10s  %s\n' "$table" "$source" "$restored" "$result"
  done | tee "$work/compare.txt"
tables=$(wc -l < "$work/compare.txt")
rows=$(awk -F'\t' '{s+=$2} END {print s+0}' "$work/source.tsv")
if grep -q MISMATCH "$work/compare.txt"; then
  echo "database: MISMATCH"; failures=$((failures + 1))
else
  echo "database: $tables tables, $rows rows, all equal"
fi

echo "== 4. media (public and private)"
mkdir -p "$MEDIA_ROOT" "$PRIVATE_MEDIA_ROOT" "$work/restored/media" "$work/restored/private-media"
tar -C "$MEDIA_ROOT" -czf "$work/media.tar.gz" .
tar -C "$PRIVATE_MEDIA_ROOT" -czf "$work/private-media.tar.gz" .
tar -C "$work/restored/media" -xzf "$work/media.tar.gz"
tar -C "$work/restored/private-media" -xzf "$work/private-media.tar.gz"
checksums() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum); }
for pair in "media:$MEDIA_ROOT" "private-media:$PRIVATE_MEDIA_ROOT"; do
  name="${pair%%:*}"; root="${pair#*:}"
  checksums "$root" > "$work/$name.source.sha"
  checksums "$work/restored/$name" > "$work/$name.restored.sha"
  files=$(wc -l < "$work/$name.source.sha")
  if diff -q "$work/$name.source.sha" "$work/$name.restored.sha" >/dev/null; then
    echo "$name: $files files, all equal (SHA-256)"
  else
    echo "$name: MISMATCH"; diff "$work/$name.source.sha" "$work/$name.restored.sha" | head -20
    failures=$((failures + 1))
  fi
done

if [ "$failures" -eq 0 ]; then
  echo "RESTORE DRILL PASSED"
else
  echo "RESTORE DRILL FAILED ($failures part(s) differ)"; exit 1
fi
