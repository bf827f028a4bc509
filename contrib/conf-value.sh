# Sourced by certrenew's shell tools: conf_value FILE SECTION KEY [DEFAULT] prints the value of KEY in
# [SECTION] of an ini file such as certrenew.conf (the default when absent or empty).
conf_value() {
	_v=$(awk -F' *= *' -v s="[$2]" -v k="$3" '
		/^[ \t]*\[/ { in_s = ($0 == s) }
		in_s && $1 == k { sub(/^[^=]*= */, ""); print; exit }' "$1")
	echo "${_v:-${4:-}}"
}

# client_defaults FILE OUT writes a MariaDB client option file for [db] of certrenew.conf FILE into OUT: user,
# password (never on a command line), and the first server of [db] host (host:port) or else the socket.
client_defaults() {
	_h=$(conf_value "$1" db host)
	_h=${_h%%,*}
	_h=$(echo "$_h" | tr -d ' ')
	{
		echo "[client]"
		echo "user=$(conf_value "$1" db user certrenew)"
		echo "password=$(conf_value "$1" db password)"
		if [ -n "$_h" ]; then
			case $_h in
			*:*) echo "host=${_h%:*}"; echo "port=${_h##*:}" ;;
			*) echo "host=$_h"; echo "port=$(conf_value "$1" db port 3306)" ;;
			esac
		else
			echo "socket=$(conf_value "$1" db socket /run/mysqld/mysqld.sock)"
		fi
	} >"$2"
}
