# shellcheck shell=bash
# What each build step runs or compiles against, and the Debian package that brings it. A step calls
# `require_tools STEP` before it starts, so a missing program stops it in seconds with the package
# named, not ten minutes into a kernel compile (`make headers_install` needs rsync only at the end).
#
# An entry is "<what>|<package>", where <what> is a command on PATH, or an absolute path (a header, a
# static binary) that must exist. vm-images/tests/run checks that ci/setup installs every package named
# here, so dropping one from ci/setup fails that check first.
# The lists are read by name (require_tools).
# shellcheck disable=SC2034

REQUIRE_COMMON=(
	"tar|tar" "xz|xz-utils" "gzip|gzip" "sha256sum|coreutils" "flock|util-linux" "find|findutils"
	"awk|mawk" "sed|sed" "make|make" "gcc|gcc" "patch|patch"
)

REQUIRE_KERNEL=(
	"bc|bc" "bison|bison" "flex|flex" "perl|perl" "rsync|rsync" "cpio|cpio" "curl|curl"
	"/etc/ssl/certs/ca-certificates.crt|ca-certificates"
	"/usr/include/gelf.h|libelf-dev" "/usr/include/openssl/ssl.h|libssl-dev"
	"/usr/include/stdio.h|libc6-dev"
)

# Debian's own kernels (ZDTM_KERNEL=debian-*): unpacked, their modules resolved and decompressed.
REQUIRE_STOCK=("dpkg-deb|dpkg" "depmod|kmod" "modprobe|kmod" "zstd|zstd")

REQUIRE_CRIU=(
	"apt-get|apt" "pkg-config|pkg-config" "protoc-c|protobuf-c-compiler" "protoc|protobuf-compiler"
	"python3|python3" "/usr/include/protobuf-c/protobuf-c.h|libprotobuf-c-dev"
	"/usr/include/libnl3/netlink/netlink.h|libnl-3-dev" "/usr/include/libnet.h|libnet1-dev"
	"/usr/include/sys/capability.h|libcap-dev" "/usr/include/bsd/string.h|libbsd-dev"
	"/usr/include/nftables/libnftables.h|libnftables-dev" "/usr/include/uuid/uuid.h|uuid-dev"
	"/usr/include/libaio.h|libaio-dev" "/usr/lib/python3/dist-packages/google/protobuf|python3-protobuf"
)

REQUIRE_GUEST=(
	"/bin/busybox|busybox-static" "file|file" "ldd|libc-bin" "strip|binutils"
	"cpio|cpio" "/usr/lib/x86_64-linux-gnu/libc.a|libc6-dev"
)

# The guest's Debian-packaged programs, "<package> <path>" a line, comments and blank lines dropped.
# A malformed line stops every step that reads the list, naming the line.
GUEST_PROGRAMS_LIST=$VM_IMAGES_DIR/guest/programs.list
guest_programs() {
	awk '{ sub(/#.*/, "") } NF == 0 { next }
		NF != 2 || $2 !~ /^\// { printf "%s:%d: want \"<package> <absolute path>\", got \"%s\"\n", FILENAME, FNR, $0 > "/dev/stderr"; bad = 1; next }
		{ print $1, $2 } END { exit bad }' "$GUEST_PROGRAMS_LIST" || die "malformed $GUEST_PROGRAMS_LIST"
}
guest_program_packages() { guest_programs | cut -d' ' -f1 | LC_ALL=C sort -u; }
_programs=$(guest_programs) || exit 1
while read -r _pkg _path; do
	[ -n "$_pkg" ] && REQUIRE_GUEST+=("$_path|$_pkg")
done <<<"$_programs"
unset _programs _pkg _path

REQUIRE_FUZZ=("clang|clang" "/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a|libclang-rt-14-dev")

REQUIRE_PARITY=("/usr/bin/python3|python3" "/usr/lib/python3/dist-packages/yaml|python3-yaml")

# mvn verify and .ci/run: the guest, the JDK and build, the style check, the report check.
REQUIRE_HARNESS=(
	"qemu-system-x86_64|qemu-system-x86" "java|openjdk-17-jdk-headless" "javac|openjdk-17-jdk-headless"
	"mvn|maven" "git|git" "clang-format|clang-format" "python3|python3"
)

REQUIRE_CONTAINER=("dockerd|docker.io")

# require_missing ENTRY... : prints "<what> (Debian package <package>)" for each entry that is absent.
require_missing() {
	local entry what pkg
	for entry in "$@"; do
		what=${entry%|*} pkg=${entry##*|}
		case $what in
		/*) [ -e "$what" ] && continue ;;
		*) command -v "$what" >/dev/null 2>&1 && continue ;;
		esac
		printf '%s (Debian package %s)\n' "$what" "$pkg"
	done
}

# require_tools STEP... : dies naming every missing program or file of the steps, with its package.
require_tools() {
	local step var missing=() entries=()
	for step in common "$@"; do
		var="REQUIRE_${step^^}[@]"
		entries+=("${!var}")
	done
	mapfile -t missing < <(require_missing "${entries[@]}")
	[ ${#missing[@]} -eq 0 ] && return 0
	printf '[vm-images] ERROR: %s needs what this machine lacks:\n' "$*" >&2
	printf '  %s\n' "${missing[@]}" >&2
	die "install the packages named above (ci/setup installs them all)"
}

# Every package named above, one a line (for the check against ci/setup's list).
require_packages() {
	local var entry
	for var in REQUIRE_COMMON REQUIRE_KERNEL REQUIRE_STOCK REQUIRE_CRIU REQUIRE_GUEST REQUIRE_FUZZ REQUIRE_PARITY \
		REQUIRE_HARNESS REQUIRE_CONTAINER; do
		local -n list=$var
		for entry in "${list[@]}"; do printf '%s\n' "${entry##*|}"; done
	done | LC_ALL=C sort -u
}
