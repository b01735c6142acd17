# shellcheck shell=bash
# The host's Debian mirrors, read from its own apt configuration: every download of the build and of
# ci/fresh-machine goes to the archive this machine already uses, and no host name is written anywhere.

# Prints "<uri> <keyring>" of the host's main Debian archive: the apt source whose suite is exactly the
# host's codename (so not -security/-updates, nor third-party repositories). ZDTM_DEBIAN_MIRROR overrides.
debian_mirror() {
	local codename keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	if [ -n "${ZDTM_DEBIAN_MIRROR:-}" ]; then
		echo "$ZDTM_DEBIAN_MIRROR $keyring"
		return 0
	fi
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[ -n "$codename" ] || die "cannot tell the host's Debian codename from /etc/os-release"
	local found uri signed
	found=$(debian_mirror_for_suite "$codename") ||
		die "no apt source for suite '$codename' in /etc/apt: set ZDTM_DEBIAN_MIRROR=<archive uri>"
	read -r uri signed <<<"$found"
	echo "$uri ${signed:-$keyring}"
}

# debian_mirror_for_suite SUITE: "<uri> [<keyring>]" of the first apt source that serves SUITE (e.g.
# bookworm-security), from the deb822 files or the one-line lists; fails when none does.
debian_mirror_for_suite() {
	local suite=$1 found
	found=$(debian_mirror_from_deb822 "$suite" /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
	[ -n "$found" ] ||
		found=$(debian_mirror_from_one_line "$suite" /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
	[ -n "$found" ] && echo "$found"
}

# deb822 stanzas are separated by blank lines; fields are case-insensitive.
debian_mirror_from_deb822() {
	local codename=$1; shift
	awk -v want="$codename" '
		function flush() {
			if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " want " ") && uris != "") {
				split(uris, u, " "); print u[1], (signed != "" ? signed : ""); found = 1; exit
			}
			types = suites = uris = signed = ""
		}
		/^[ \t]*#/ { next }
		/^[ \t]*$/ { flush(); next }
		{
			key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ +/, "")
			if (key == "types") types = $0
			else if (key == "suites") suites = $0
			else if (key == "uris") uris = $0
			else if (key == "signed-by" && $0 ~ /^\//) signed = $0
		}
		END { if (!found) flush(); if (!found) exit 1 }
	' "$@"
}

# One-line format: deb [options] uri suite components...
debian_mirror_from_one_line() {
	local codename=$1; shift
	awk -v want="$codename" '
		$1 == "deb" {
			i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
			if ($(i + 1) == want) { print $i; found = 1; exit }
		}
		END { if (!found) exit 1 }
	' "$@"
}

# private_apt_init WORK TYPE SUITE: a private apt configuration in WORK (its own sources.list with one
# TYPE line, deb or deb-src, for SUITE on the host's main mirror; its own lists and cache), updated. The
# host's apt state is untouched; its settings (proxies and the like) still apply. apt's output goes to
# WORK/apt.log; fails when the update does.
private_apt_init() {
	local work=$1 type=$2 suite=$3 uri keyring
	read -r uri keyring < <(debian_mirror)
	mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/dl"
	printf '%s [signed-by=%s] %s %s main\n' "$type" "$keyring" "$uri" "$suite" >"$work/sources.list"
	private_apt "$work" update >"$work/apt.log" 2>&1
}

# private_apt WORK ARGS...: apt-get ARGS with the configuration private_apt_init set up in WORK.
# Release files are not checked for expiry: a mirror may serve a dated snapshot of the archive (this
# one's sid Release expired weeks ago), and every file the build takes from it is pinned by sha256,
# which no stale Release file can change; the signature is still checked.
private_apt() {
	local work=$1
	shift
	apt-get -q -o Dir::Etc::SourceList="$work/sources.list" -o Dir::Etc::SourceParts=- \
		-o Dir::State::Lists="$work/lists" -o Dir::Cache="$work/cache" -o APT::Sandbox::User=root \
		-o Acquire::Check-Valid-Until=false "$@"
}
