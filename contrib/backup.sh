#!/bin/sh
# certrenew-backup: one consistent backup of a certrenew installation.
#
#   certrenew-backup [-c /etc/certrenew.conf] DIR
#
# writes into DIR (made, mode 0700):
#   db.sql.gz   the database as one transaction's snapshot (mariadb-dump --single-transaction: InnoDB tables,
#               the order-number SEQUENCE with its next value; no lock on a running system)
#   files.tar.gz  the data directory (the audit key, the CA's certificates and keys), the attachment store,
#               the bank statement archive, inbox and refused files, as absolute paths without the leading /
#   SHA256SUMS  of both
# The CA key and the audit key are in files.tar.gz: keep the backup encrypted and off this machine.
# The database is dumped first, the files after, so every attachment and statement the dump names is in the
# files (a file added in between is only an orphan, removed by the upload sweep after the restore).
set -eu
conf=/etc/certrenew.conf
[ "${1:-}" = -c ] && { conf=$2; shift 2; }
[ $# -eq 1 ] || { echo "usage: certrenew-backup [-c CONF] DIR" >&2; exit 2; }
out=$1
lib=$(dirname "$0")/conf-value.sh
[ -r "$lib" ] || lib=/usr/share/certrenew/conf-value.sh # installed (make install names its pkgdatadir)
. "$lib"
[ -r "$conf" ] || { echo "certrenew-backup: cannot read $conf" >&2; exit 1; }
umask 077
mkdir -p "$out"
[ -z "$(ls -A "$out")" ] || { echo "certrenew-backup: $out is not empty" >&2; exit 1; }

# The password goes to the client in a file only this user reads, never on a command line.
opts=$(mktemp)
trap 'rm -f "$opts"' EXIT
client_defaults "$conf" "$opts"
db=$(conf_value "$conf" db name certrenew)
mariadb-dump --defaults-extra-file="$opts" --single-transaction --quick --routines --events --triggers \
	--hex-blob --default-character-set=utf8mb4 "$db" | gzip -6 >"$out/db.sql.gz.part"
mv "$out/db.sql.gz.part" "$out/db.sql.gz"

# Every directory that holds state, each once (one inside another is taken with the outer one).
dirs=""
for d in "$(conf_value "$conf" paths data_dir /var/lib/certrenew)" \
	"$(conf_value "$conf" attachments dir /var/lib/certrenew/attachments)" \
	"$(conf_value "$conf" bank inbox /var/lib/certrenew/bank/inbox)" \
	"$(conf_value "$conf" bank archive_dir /var/lib/certrenew/bank/archive)" \
	"$(conf_value "$conf" bank failed_dir /var/lib/certrenew/bank/failed)" \
	"$(dirname "$(conf_value "$conf" ca cert /var/lib/certrenew/ca/ca.pem)")" \
	"$(dirname "$(conf_value "$conf" ca key /var/lib/certrenew/ca/ca.key)")"; do
	[ -d "$d" ] || continue
	d=$(cd "$d" && pwd -P)
	dirs="$dirs
$d"
done
list=$(printf '%s\n' "$dirs" | sed '/^$/d' | sort -u | awk '
	{ for (i = 1; i <= n; i++) if (index($0 "/", kept[i] "/") == 1) next; kept[++n] = $0; print substr($0, 2) }')
# shellcheck disable=SC2086
(IFS='
'; tar -C / --numeric-owner -czf "$out/files.tar.gz.part" $list)
mv "$out/files.tar.gz.part" "$out/files.tar.gz"
(cd "$out" && sha256sum db.sql.gz files.tar.gz >SHA256SUMS)
echo "certrenew-backup: $out: db.sql.gz $(du -h "$out/db.sql.gz" | cut -f1), files.tar.gz $(du -h "$out/files.tar.gz" | cut -f1)"
