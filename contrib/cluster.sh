# certrenew on a three-node MariaDB Galera cluster on loopback, sourced by contrib/dev.sh:
#
#   contrib/dev.sh cluster up     three Galera nodes (galera-4), two certrenew-fcgi behind one nginx upstream
#                                 (port + 10), two certrenewd on different nodes; state in run/cluster/
#   contrib/dev.sh cluster test   up, then tests/cluster/test-cluster.py (a node and a daemon killed midway);
#                                 contrib/dev.sh test runs it too, after the other tests
#   contrib/dev.sh cluster down   stop all of it
#
# Each program lists every node in [db] host, its own first: when its node goes, it carries on on the next.
# The schema is made on the first node as a single server (the order-number SEQUENCE of migration 003 is
# refused by Galera until migration 022 gives it INCREMENT BY 0), which then bootstraps the cluster; the
# other nodes start from a copy of its data directory and join by incremental transfer (seconds).

cl=$run/cluster
cl_port=$((port + 10))
cluster_packages=(galera-4 mariadb-backup socat)

node_cnf() { # n [single]: a Galera node, or the first node as a single server
	local n=$1 d=$cl/n$1 provider=/usr/lib/galera/libgalera_smm.so
	mkdir -p "$d/tmp" "$d/sst"
	[ "${2:-}" = single ] && provider=none
	cat >"$d/my.cnf" <<CNF
[mysqld]
user = $(id -un)
datadir = $d/data
socket = $d/mysql.sock
port = $((3310 + n))
bind-address = 127.0.0.1
pid-file = $d/mysqld.pid
log-error = $cl/log/node$n.log
tmpdir = $d/tmp
innodb_buffer_pool_size = 64M
innodb_log_file_size = 48M
innodb_flush_log_at_trx_commit = 2
max_connections = 300
character-set-server = utf8mb4
collation-server = utf8mb4_unicode_ci
default_storage_engine = InnoDB
binlog_format = ROW
innodb_autoinc_lock_mode = 2
wsrep_on = $([ "$provider" = none ] && echo OFF || echo ON)
wsrep_provider = $provider
wsrep_cluster_name = certrenew-dev
wsrep_cluster_address = gcomm://127.0.0.1:4601,127.0.0.1:4602,127.0.0.1:4603
wsrep_node_name = n$n
wsrep_node_address = 127.0.0.1
wsrep_provider_options = "gmcast.listen_addr=tcp://127.0.0.1:460$n;ist.recv_addr=127.0.0.1:461$n;gcache.size=128M"
wsrep_sst_receive_address = 127.0.0.1:462$n
wsrep_sst_method = mariabackup
wsrep_sst_auth = root:
# A read sees every write committed on any node before it (a customer's next page may go to another web
# instance on another node than the click that changed the data).
wsrep_sync_wait = 1
[sst]
sst-log-archive-dir = $d/sst
CNF
}

node_sql() { mariadb --socket="$cl/n$1/mysql.sock" -uroot -N -B "${@:2}"; }

node_state() { node_sql "$1" -e "SHOW STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | cut -f2; }

node_start() { # n [extra mariadbd options...]
	local n=$1 i
	shift
	alive "$cl/n$n/mysqld.pid" && return 0
	# started in a subshell: not a job of this shell, so that a test's kill -9 is not reported here
	(nohup mariadbd --defaults-file="$cl/n$n/my.cnf" "$@" >>"$cl/log/node$n.log" 2>&1 &)
	for i in $(seq 1 240); do
		[ "$(node_state "$n")" = Synced ] && return 0
		# a node without Galera answers, but has no state
		[ "${WSREP_OFF:-}" ] && node_sql "$n" -e "SELECT 1" >/dev/null 2>&1 && return 0
		sleep 0.25
	done
	die "Galera node $n did not reach Synced; see $cl/log/node$n.log"
}

node_stop() {
	local n=$1 pid
	alive "$cl/n$n/mysqld.pid" || return 0
	pid=$(cat "$cl/n$n/mysqld.pid")
	kill "$pid"
	while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
}

# A node killed with -9 rejoins by incremental transfer from where its data directory stopped.
node_rejoin() {
	local n=$1 pos
	mariadbd --defaults-file="$cl/n$n/my.cnf" --wsrep-recover >>"$cl/log/node$n.log" 2>&1 || true
	pos=$(grep -o 'WSREP: Recovered position: [^ ]*' "$cl/log/node$n.log" | tail -1 | awk '{print $4}')
	node_start "$n" ${pos:+--wsrep_start_position="$pos"}
}

cluster_conf() { # name first-node web-socket wake-listen
	local name=$1 first=$2 hosts="" k
	for k in $first $(seq 1 3); do
		case ",$hosts," in *",127.0.0.1:331$k,"*) continue ;; esac
		hosts="${hosts:+$hosts,}127.0.0.1:331$k"
	done
	# The local stack's configuration, pointed at the cluster and at this stack's own files.
	sed -e "/^\[db\]/,/^\[/{s|^socket = .*|socket =|}" \
		-e "/^\[db\]/a host = $hosts" \
		-e "s|^socket = $run/fcgi.sock|socket = $3|" \
		-e "s|^public_url = .*|public_url = http://127.0.0.1:$cl_port|" \
		-e "s|^pid_file = .*|pid_file = $cl/$name.pid|" \
		-e "s|$run/data|$cl/data|g" -e "s|$run/bank|$cl/bank|g" \
		"$conf" >"$cl/$name.conf"
	cat >>"$cl/$name.conf" <<CONF

[jobs]
wake = 127.0.0.1:7311,127.0.0.1:7312
wake_listen = $4
CONF
}

cluster_up() {
	local n
	install_packages "${cluster_packages[@]}"
	up >/dev/null # the local stack: build, configuration, payment simulator and key helper
	mkdir -p "$cl/log" "$cl/data" "$cl/bank/inbox" "$cl/bank/archive" "$cl/bank/failed" "$cl/nginx/tmp"
	[ -d "$cl/data/ca" ] || cp -a "$run/data/ca" "$cl/data/ca"
	[ -f "$cl/data/audit.key" ] || cp -a "$run/data/audit.key" "$cl/data/audit.key"
	cluster_conf fcgi-a 1 "$cl/fcgi-a.sock" ""
	cluster_conf fcgi-b 2 "$cl/fcgi-b.sock" ""
	cluster_conf daemon-a 1 "$cl/fcgi-a.sock" 127.0.0.1:7311
	cluster_conf daemon-b 3 "$cl/fcgi-b.sock" 127.0.0.1:7312
	if [ ! -d "$cl/n1/data/mysql" ]; then
		local t0=$SECONDS
		log "cluster: making the schema on node 1 as a single server"
		node_cnf 1 single
		mariadb-install-db --defaults-file="$cl/n1/my.cnf" --auth-root-authentication-method=normal \
			--skip-test-db >"$cl/log/install.log" 2>&1 || die "mariadb-install-db failed; see $cl/log/install.log"
		WSREP_OFF=1 node_start 1
		node_sql 1 <<SQL
CREATE DATABASE IF NOT EXISTS certrenew CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'certrenew'@'127.0.0.1' IDENTIFIED BY '$(cat "$run/db-password")';
GRANT ALL ON certrenew.* TO 'certrenew'@'127.0.0.1';
SQL
		"$build/certrenewctl" -c "$cl/daemon-a.conf" migrate >"$cl/log/migrate.log" 2>&1 ||
			die "migrate on node 1 failed; see $cl/log/migrate.log"
		"$build/certrenewctl" -c "$cl/daemon-a.conf" demo-data >"$cl/log/demo-data.log" 2>&1 ||
			die "demo data on node 1 failed; see $cl/log/demo-data.log"
		node_stop 1
		log "cluster: bootstrapping, then seeding nodes 2 and 3 from node 1"
		node_cnf 1
		node_start 1 --wsrep-new-cluster
		node_stop 1
		for n in 2 3; do
			rm -rf "$cl/n$n/data"
			mkdir -p "$cl/n$n"
			cp -a "$cl/n1/data" "$cl/n$n/data"
			rm -f "$cl/n$n/data/galera.cache" "$cl/n$n/data/gvwstate.dat"
		done
		log "cluster: three nodes made in $((SECONDS - t0)) s"
	fi
	for n in 1 2 3; do node_cnf "$n"; done
	if ! alive "$cl/n1/mysqld.pid" && ! alive "$cl/n2/mysqld.pid" && ! alive "$cl/n3/mysqld.pid"; then
		sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$cl/n1/data/grastate.dat"
		log "cluster: starting node 1 (bootstrap)"
		node_start 1 --wsrep-new-cluster
	fi
	for n in 1 2 3; do
		log "cluster: node $n"
		alive "$cl/n$n/mysqld.pid" || node_rejoin "$n"
	done
	log "cluster: size $(node_sql 1 -e "SHOW STATUS LIKE 'wsrep_cluster_size'" | cut -f2)"
	for n in a b; do
		if ! alive "$cl/fcgi-$n.pid"; then
			(nohup "$build/certrenew-fcgi" -c "$cl/fcgi-$n.conf" >>"$cl/log/fcgi-$n.log" 2>&1 &
				echo $! >"$cl/fcgi-$n.pid")
		fi
		if ! alive "$cl/daemon-$n.pid"; then
			(nohup "$build/certrenewd" -c "$cl/daemon-$n.conf" >>"$cl/log/daemon-$n.log" 2>&1 &)
		fi
	done
	"$top/contrib/nginx-conf.sh" "$cl/fcgi-a.conf" "$cl/nginx/snippets" WWW="$top/www" \
		UPSTREAM="server unix:$cl/fcgi-a.sock; server unix:$cl/fcgi-b.sock;" >/dev/null
	sed -e "s|@RUN@|$cl|g" -e "s|@PORT@|$cl_port|g" -e "s|@USER_LINE@|$([ "$(id -u)" = 0 ] && echo "user root;")|g" \
		-e "s|@SNIPPETS@|$cl/nginx/snippets|g" "$top/conf/nginx.conf.in" >"$cl/nginx/nginx.conf"
	if alive "$cl/nginx/nginx.pid"; then
		kill -HUP "$(cat "$cl/nginx/nginx.pid")"
	else
		nginx -p "$cl/nginx" -c "$cl/nginx/nginx.conf" || die "nginx did not start; see $cl/log/nginx-error.log"
	fi
	for n in $(seq 1 120); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$cl_port/healthz")" = 200 ] && break
		sleep 0.5
	done
	log "cluster up: http://127.0.0.1:$cl_port/ (nodes 127.0.0.1:3311-3313, two web instances, two daemons)"
}

cluster_down() {
	local n
	stop_pid nginx "$cl/nginx/nginx.pid" 10
	for n in a b; do
		stop_pid certrenewd "$cl/daemon-$n.pid" 40
		stop_pid certrenew-fcgi "$cl/fcgi-$n.pid" 20
	done
	for n in 3 2 1; do node_stop "$n"; done
}

cluster_test() {
	local out=$cl/log/test-cluster.log rc
	cluster_up
	CR_BASE="http://127.0.0.1:$cl_port" CR_TOP="$top" CR_CONF="$cl/fcgi-a.conf" CR_BUILD="$build" CR_CLUSTER="$cl" \
		python3 "$top/tests/cluster/test-cluster.py" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	# The tally of contrib/dev.sh test.
	printf '# PASS:  %d\n# FAIL:  %d\n' "$(grep -c '^ok ' "$out")" "$(grep -c '^not ok ' "$out")"
	return "$rc"
}

cluster() {
	case "${1:-}" in
	up) cluster_up ;;
	down) cluster_down ;;
	test) cluster_test ;;
	*) echo "usage: contrib/dev.sh cluster up|test|down" >&2; exit 2 ;;
	esac
}
