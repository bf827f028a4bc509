# Sourced by certrenew's shell tools: conf_value FILE SECTION KEY [DEFAULT] prints the value of KEY in
# [SECTION] of an ini file such as certrenew.conf (the default when absent or empty).
conf_value() {
	_v=$(awk -F' *= *' -v s="[$2]" -v k="$3" '
		/^[ \t]*\[/ { in_s = ($0 == s) }
		in_s && $1 == k { sub(/^[^=]*= */, ""); print; exit }' "$1")
	echo "${_v:-${4:-}}"
}
