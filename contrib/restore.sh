#!/bin/sh
# certrenew-restore: puts a backup of certrenew-backup back, into an empty installation.
#
#   certrenew-restore [-c /etc/certrenew.conf] [--root DIR] BACKUP-DIR
#
# checks SHA256SUMS, loads db.sql.gz into the database named in the configuration (which must exist and be
# empty: nothing is ever restored over live data), and unpacks files.tar.gz under / (or under DIR, to look at
# a backup without touching this machine).  Stop certrenewd and certrenew-fcgi first; afterwards run
# `certrenewctl migrate`, `certrenewctl audit verify` and `certrenewctl ledger check` (docs/operations.md).
set -eu
conf=/etc/certrenew.conf root=/
while [ $# -gt 1 ]; do
	case $1 in
	-c) conf=$2; shift 2 ;;
	--root) root=$2; shift 2 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { echo "usage: certrenew-restore [-c CONF] [--root DIR] BACKUP-DIR" >&2; exit 2; }
in=$1
lib=$(dirname "$0")/conf-value.sh
[ -r "$lib" ] || lib=/usr/share/certrenew/conf-value.sh # installed (make install names its pkgdatadir)
. "$lib"
(cd "$in" && sha256sum --quiet -c SHA256SUMS) || { echo "certrenew-restore: $in does not match its SHA256SUMS" >&2; exit 1; }

opts=$(mktemp)
trap 'rm -f "$opts"' EXIT
client_defaults "$conf" "$opts"
db=$(conf_value "$conf" db name certrenew)
tables=$(mariadb --defaults-extra-file="$opts" -N -B -e \
	"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '$(printf '%s' "$db" | sed "s/'/''/g")'")
[ "$tables" = 0 ] || { echo "certrenew-restore: database $db is not empty ($tables tables); restore into an empty one" >&2; exit 1; }
# The dump names no database: it is loaded into the configured one.
gzip -dc "$in/db.sql.gz" | mariadb --defaults-extra-file="$opts" --default-character-set=utf8mb4 "$db"
mkdir -p "$root"
tar -C "$root" --numeric-owner -xzpf "$in/files.tar.gz"
echo "certrenew-restore: database $db and the files under $root restored from $in"
