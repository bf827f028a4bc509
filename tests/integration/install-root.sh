#!/bin/bash
# Runs inside a fresh Debian 12 root, as root, in network and PID namespaces of its own
# (tests/integration/test-install-root.py makes it): the steps of docs/operations.md, "Installing on Debian
# 12", one by one. systemd is not PID 1 here, so step 7 starts each program the way its unit says: the same
# user, groups, umask, runtime directory and command line.
#
#   install-root.sh BUILD_DIR
#
# Prints one line per check: "check|NAME|1|" or "check|NAME|0|WHY".
set -u
build=$1
export LC_ALL=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin
pw=install-test-password-1
dbpw=db-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
tmp=$(mktemp -d)

check() { # NAME COMMAND...: the command succeeds
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		echo "check|$name|1|"
	else
		echo "check|$name|0|$(printf '%s' "$out" | tail -6 | tr '\n' ' ' | cut -c1-600)"
	fi
}
is() { # NAME GOT WANT
	if [ "$2" = "$3" ]; then echo "check|$1|1|"; else echo "check|$1|0|got '$2', want '$3'"; fi
}
owner_mode() { stat -c '%U:%G %a' "$1" 2>&1; }
unit_value() { sed -n "s/^$2=//p" "/usr/lib/systemd/system/$1.service" | head -1; }

# 1. Packages and build: the build was made outside (configure --prefix=/usr --sysconfdir=/etc
# --localstatedir=/var); make install runs here, as root, with no DESTDIR.
check "make install, as root on the server" make -C "$build" install
is "the users certrenew and certrenewd are made, both in the group certrenew" \
	"$(id -gn certrenew) $(id -Gn certrenewd)" "certrenew certrenew"
is "/etc/certrenew.conf is root:certrenew 0640" "$(owner_mode /etc/certrenew.conf)" "root:certrenew 640"
is "/var/lib/certrenew is certrenew's, setgid and group-writable" "$(owner_mode /var/lib/certrenew)" \
	"certrenew:certrenew 2770"
is "the CA directory is certrenewd's, readable by the group" "$(owner_mode /var/lib/certrenew/ca)" \
	"certrenewd:certrenew 750"
is "the programs are root's, 0755" "$(owner_mode /usr/bin/certrenewd) $(owner_mode /usr/bin/certrenewctl)" \
	"root:root 755 root:root 755"
check "the schema and www/ are under /usr/share/certrenew" \
	test -s /usr/share/certrenew/schema/001_init.sql -a -s /usr/share/certrenew/www/portal.html
check "systemd-analyze verify passes on both units" systemd-analyze verify \
	/usr/lib/systemd/system/certrenew-fcgi.service /usr/lib/systemd/system/certrenewd.service

# 2. Database (Debian's MariaDB, started by hand: no systemd here).
install -d -o mysql -g mysql /run/mysqld
mariadbd --user=mysql --skip-log-error >"$tmp/mariadb.log" 2>&1 &
for _ in $(seq 100); do mariadb -e "SELECT 1" >/dev/null 2>&1 && break; sleep 0.2; done
check "MariaDB runs" mariadb -e "SELECT 1"
check "the database and its user, as the docs give them" mariadb -e "CREATE DATABASE certrenew CHARACTER SET \
utf8mb4 COLLATE utf8mb4_unicode_ci; CREATE USER certrenew@localhost IDENTIFIED BY '$dbpw';
GRANT ALL ON certrenew.* TO certrenew@localhost"
sed -i "/^\[db\]/,/^\[/ s/^password =.*/password = $dbpw/" /etc/certrenew.conf
check "certrenewctl migrate" certrenewctl migrate

# 3. Configuration.
sed -i -e "/^\[web\]/,/^\[/ s|^public_url =.*|public_url = https://certrenew.test|" \
	-e "/^\[bank\]/,/^\[/ { s/^account =.*/account = 6222020200001234567/; s/^account_name =.*/account_name = 某某数字证书认证有限公司/; s/^bank_name =.*/bank_name = 中国工商银行北京分行/; }" \
	/etc/certrenew.conf
check "certrenewctl config prints what is in force, the password masked" \
	sh -c "certrenewctl config | grep -q 'certrenew.test' && ! certrenewctl config | grep -q '$dbpw'"

# 4. The CA: the agency's root and issuing CA (made here with openssl), the key certrenewd's alone.
ca=/var/lib/certrenew/ca
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/root.key" -out "$ca/root.pem" -days 3650 \
	-subj "/C=CN/O=Install Test/CN=Install Test Root CA" -addext basicConstraints=critical,CA:TRUE \
	-addext keyUsage=critical,keyCertSign,cRLSign >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -keyout "$ca/ca.key" -out "$tmp/ca.csr" \
	-subj "/C=CN/O=Install Test/CN=Install Test Issuing CA" >/dev/null 2>&1
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' >"$tmp/ca.ext"
openssl x509 -req -in "$tmp/ca.csr" -CA "$ca/root.pem" -CAkey "$tmp/root.key" -CAcreateserial -days 1825 \
	-extfile "$tmp/ca.ext" -out "$ca/ca.pem" >/dev/null 2>&1
chown certrenewd:certrenew "$ca"/*
chmod 0600 "$ca/ca.key"
chmod 0640 "$ca/ca.pem" "$ca/root.pem"
sed -i "/^\[ca\]/,/^\[/ { s|^cert =.*|cert = $ca/ca.pem|; s|^key =.*|key = $ca/ca.key|; s|^chain =.*|chain = $ca/root.pem|; }" \
	/etc/certrenew.conf
is "the CA key is certrenewd:certrenew 0600" "$(owner_mode $ca/ca.key)" "certrenewd:certrenew 600"
check "certrenewctl ca check signs with it, as certrenewd" \
	setpriv --reuid=certrenewd --regid=certrenew --init-groups certrenewctl ca check
check "the web user cannot read the CA key" sh -c \
	"! setpriv --reuid=certrenew --regid=www-data --groups=certrenew cat $ca/ca.key >/dev/null 2>&1"

# 5. Staff.
check "certrenewctl user add --role admin (password on standard input)" \
	sh -c "echo '$pw' | certrenewctl user add --role admin --name 管理员 admin"

# 6. nginx and TLS: a throw-away certificate for certrenew.test where the site names it.
site=/etc/nginx/sites-available/certrenew
install -d -m 0755 /etc/ssl/certrenew
openssl req -x509 -newkey rsa:2048 -nodes -keyout /etc/ssl/certrenew/privkey.pem \
	-out /etc/ssl/certrenew/fullchain.pem -days 30 -subj "/CN=certrenew.test" \
	-addext subjectAltName=DNS:certrenew.test >/dev/null 2>&1
chmod 0600 /etc/ssl/certrenew/privkey.pem
check "the site names the certificate's paths" grep -q "ssl_certificate /etc/ssl/certrenew/fullchain.pem" "$site"
sed -i "s/server_name .*;/server_name certrenew.test;/" "$site"
ln -s "$site" /etc/nginx/sites-enabled/
check "nginx -t" nginx -t

# 7. Start, as the units say.
start_unit() { # UNIT: runs its ExecStart as its User, Group and SupplementaryGroups, with its UMask
	local u=$1 user group groups dir mode
	user=$(unit_value "$u" User) group=$(unit_value "$u" Group) groups=$(unit_value "$u" SupplementaryGroups)
	dir=$(unit_value "$u" RuntimeDirectory) mode=$(unit_value "$u" RuntimeDirectoryMode)
	if [ -n "$dir" ] && [ ! -d "/run/$dir" ]; then
		install -d -o "$user" -g "$group" -m "${mode:-0755}" "/run/$dir"
	fi
	if [ -n "$groups" ]; then groups="--groups=$groups"; else groups=--init-groups; fi
	setpriv --reuid="$user" --regid="$group" "$groups" \
		sh -c "umask $(unit_value "$u" UMask); exec $(unit_value "$u" ExecStart)" >>"$tmp/$u.log" 2>&1 &
}
start_unit certrenew-fcgi
start_unit certrenewd
nginx
for _ in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:9180/healthz && break; sleep 0.2; done
runs_as() { # PROGRAM USER
	local who
	who=$(ps -o user= -C "$1" | sort -u | tr -d ' ')
	if [ "$who" = "$2" ]; then
		echo "check|$1 runs as $2|1|"
	else
		echo "check|$1 runs as $2|0|runs as '$who'; its log: $(tail -4 "$tmp/$1.log" | tr '\n' ' ' | cut -c1-500)"
	fi
}
runs_as certrenew-fcgi certrenew
runs_as certrenewd certrenewd

https() { curl -sk --resolve certrenew.test:443:127.0.0.1 "$@"; }
is "the portal answers over HTTPS" "$(https -o /dev/null -w '%{http_code}' https://certrenew.test/)" 200
check "with HSTS" sh -c "curl -sk -D - -o /dev/null --resolve certrenew.test:443:127.0.0.1 \
https://certrenew.test/ | grep -qi '^strict-transport-security: max-age=63072000'"
is "plain HTTP is redirected" "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -H 'Host: certrenew.test' \
	http://127.0.0.1/orders)" "301 https://certrenew.test/orders"
login=$(https -D - -o "$tmp/login.json" -H 'Content-Type: application/json' \
	-d "{\"account\":\"admin\",\"password\":\"$pw\"}" https://certrenew.test/api/v1/session)
is "the admin logs in over HTTPS" "$(printf '%s' "$login" | head -1 | cut -d' ' -f2)" 200
check "the session cookie is Secure and HttpOnly" sh -c "printf '%s' '$login' | grep -i '^set-cookie: certrenew_session=' \
| grep -i secure | grep -qi httponly"
is "/metrics is not on the public site" "$(https -o /dev/null -w '%{http_code}' https://certrenew.test/metrics)" 404
check "/metrics answers on the loopback listener" sh -c \
	"curl -s http://127.0.0.1:9180/metrics | grep -q '^certrenew_'"
check "certrenewctl jobs add probe" certrenewctl jobs add probe '{}'
for _ in $(seq 50); do certrenewctl jobs --status done | grep -q '"probe"' && break; sleep 0.2; done
check "the daemon runs the job" sh -c "certrenewctl jobs --status done | grep -q '\"probe\"'"

# Backups: the documented command, as root.
check "certrenew-backup writes a backup" certrenew-backup /var/backups/certrenew-test
is "the backup is root's, 0700" "$(owner_mode /var/backups/certrenew-test)" "root:root 700"
check "its sums verify" sh -c "cd /var/backups/certrenew-test && sha256sum -c --quiet SHA256SUMS"

nginx -s stop 2>/dev/null
pkill -TERM -x certrenewd
pkill -TERM -x certrenew-fcgi
mariadb-admin shutdown 2>/dev/null
wait
echo "done"
