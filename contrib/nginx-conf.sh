#!/bin/sh
# Renders certrenew's nginx snippets (conf/nginx/*.in) for one installation.
#
#   contrib/nginx-conf.sh CERTRENEW_CONF SNIPPET_DIR [NAME=VALUE ...]
#
# writes certrenew-http.conf, certrenew-server.conf, certrenew-headers.conf and certrenew-fastcgi.conf into
# SNIPPET_DIR and prints the site (certrenew-site.conf) on standard output.  The limits nginx must share with
# the application (web.max_body, attachments.max_bytes, bank.max_file, ukey.helper_url, web.socket: the upstream) are read
# from CERTRENEW_CONF; NAME=VALUE sets any @NAME@ of the templates.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 CERTRENEW_CONF SNIPPET_DIR [NAME=VALUE ...]" >&2; exit 2; }
conf=$1 out=$2
shift 2
src=$(cd "$(dirname "$0")/../conf/nginx" && pwd)

. "$(dirname "$0")/conf-value.sh"
value() { conf_value "$conf" "$@"; }

socket=$(value web socket /run/certrenew/fcgi.sock)
helper=$(value ukey helper_url "")
case $socket in
/*) upstream="server unix:$socket;" ;;
*) upstream="server $socket;" ;;
esac
set -- "$@" UPSTREAM="$upstream" MAX_BODY="$(value web max_body 1M)" UPLOAD_MAX="$(value attachments max_bytes 10M)" \
	STATEMENT_MAX="$(value bank max_file 200M)" UKEY_HELPER="${helper%/}" SNIPPETS="$out" API_RATE=50r/s \
	WWW=/usr/share/certrenew/www SERVER_NAME=renew.example.cn HTTP_LISTEN=80 HTTPS_LISTEN=443 \
	METRICS_LISTEN=127.0.0.1:9180 TLS_CERT=/etc/ssl/certrenew/fullchain.pem \
	TLS_KEY=/etc/ssl/certrenew/privkey.pem LOG_DIR=/var/log/nginx \
	REAL_IP="# set_real_ip_from 192.0.2.10;  # the proxy's address (one line each)"

# One sed script of every NAME=VALUE ('|' and '&' in values escaped); the first of a name wins, so the
# arguments come before the defaults.
script=""
for kv in "$@"; do
	name=${kv%%=*} val=$(printf '%s' "${kv#*=}" | sed -e 's/[|&\\]/\\&/g')
	script="$script
s|@$name@|$val|g"
done

mkdir -p "$out"
for f in "$src"/*.conf "$src"/*.conf.in; do
	base=$(basename "$f" .in)
	[ "$base" = certrenew-site.conf ] && continue
	sed -e "$script" "$f" >"$out/$base"
done
sed -e "$script" "$src/certrenew-site.conf.in"
if grep -h -o '@[A-Z_]*@' "$out"/certrenew-*.conf >&2; then
	echo "$0: names left unset above" >&2
	exit 1
fi
