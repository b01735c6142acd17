# shellcheck shell=bash
# The *_DIR/*_HASH globals set here are read by vm-images/build and later components.
# shellcheck disable=SC2034
# CRIU component: Debian's original CRIU 4.2.1 tarball (fetched once, pinned by sha256), built twice:
#   criu        tarball + criu/patches/*.patch (UDP queues) + criu/patches-restore/*.patch (restore
#               robustness) + criu/patches-compat/*.patch (kernel compatibility), in that order,
#               installed with PREFIX=/usr                                    (guest: /usr/sbin/criu)
#   criu-stock  tarball alone,               installed with PREFIX=/opt/criu-stock (guest: /opt/criu-stock/sbin/criu)
# The stock build keeps its kerndat cache in /run/criu-stock so the two never invalidate each other's.
# Both are built without GnuTLS (page-server TLS, unused here): its libraries would add about 7 MB
# to the initramfs, and unpacking the initramfs is a large part of a TCG boot.
# Cache entry: root/ (the DESTDIR install) and src/ (the built tree, for components that reuse it).

CRIU_VERSION=4.2.1
CRIU_DEB_VERSION=4.2.1-1
CRIU_TARBALL_NAME=criu_${CRIU_VERSION}.orig.tar.xz
CRIU_TARBALL_SHA256=29ec0ee09e296479fe7048c80980e8ef1d0684d0b0204c2b101dfea19f6725b9
# The suite that carries criu 4.2.1 in its Sources index.
CRIU_SOURCE_SUITE=sid
# Three series, applied in this order: the UDP queue series, the restore robustness one, then fixes for
# current kernels that stock CRIU lacks (each its own upstream submission, none about UDP).
CRIU_PATCH_DIR=$VM_IMAGES_DIR/criu/patches
CRIU_RESTORE_PATCH_DIR=$VM_IMAGES_DIR/criu/patches-restore
CRIU_COMPAT_PATCH_DIR=$VM_IMAGES_DIR/criu/patches-compat
CRIU_PROTO_NAME=udp-queue.proto
HARNESS_PROTO=$REPO_DIR/harness/src/main/proto/$CRIU_PROTO_NAME
# Host packages CRIU links against: an upgrade of any of them invalidates both builds.
CRIU_HOST_DEPS=(gcc libc6-dev libprotobuf-c-dev protobuf-c-compiler libnl-3-dev libnet1-dev libcap-dev
	libbsd-dev libnftables-dev uuid-dev libaio-dev python3-protobuf)

criu_source_tarball() { echo "$ZDTM_CACHE/src-criu-$CRIU_VERSION/$CRIU_TARBALL_NAME"; }

# sha256_of (lib/common.sh) and debian_mirror (lib/apt-mirror.sh) serve the kernel build too.

# Fetches the original tarball with a private apt configuration (the host's apt state is untouched).
# apt may exit non-zero because the mirror does not serve every file of the source package (the .dsc,
# the .debian.tar.xz): only the pinned checksum is trusted.
criu_fetch_source() {
	local dest work rc=0
	dest=$(criu_source_tarball)
	if [ -f "$dest" ]; then
		[ "$(sha256_of "$dest")" = "$CRIU_TARBALL_SHA256" ] && return 0
		log "criu: $dest has the wrong checksum, fetching it again"
		rm -f "$dest"
	fi
	work=$(mktemp -d "${TMPDIR:-/tmp}/criu-src.XXXXXX")
	log "criu: fetching $CRIU_TARBALL_NAME ($CRIU_SOURCE_SUITE sources from the host's Debian mirror)"
	private_apt_init "$work" deb-src "$CRIU_SOURCE_SUITE" ||
		{ cat "$work/apt.log" >&2; rm -rf "$work"; die "criu: apt-get update failed"; }
	(cd "$work/dl" && private_apt "$work" source --download-only "criu=$CRIU_DEB_VERSION") >>"$work/apt.log" 2>&1 || rc=$?
	if [ ! -f "$work/dl/$CRIU_TARBALL_NAME" ]; then
		cat "$work/apt.log" >&2
		rm -rf "$work"
		die "criu: apt-get source did not deliver $CRIU_TARBALL_NAME (exit $rc)"
	fi
	if [ "$(sha256_of "$work/dl/$CRIU_TARBALL_NAME")" != "$CRIU_TARBALL_SHA256" ]; then
		rm -rf "$work"
		die "criu: $CRIU_TARBALL_NAME does not match the pinned sha256 $CRIU_TARBALL_SHA256"
	fi
	mkdir -p "$(dirname "$dest")"
	mv "$work/dl/$CRIU_TARBALL_NAME" "$dest.tmp.$$" && mv "$dest.tmp.$$" "$dest"
	rm -rf "$work"
}

criu_host_deps_versions() {
	dpkg-query -W -f='${Package}=${Version}\n' "${CRIU_HOST_DEPS[@]}" 2>/dev/null | LC_ALL=C sort | tr '\n' ' '
}

criu_stock_hash() {
	hash_inputs "criu=$CRIU_VERSION" "tarball-sha256=$CRIU_TARBALL_SHA256" "prefix=/opt/criu-stock" "rundir=/run/criu-stock" \
		"host-deps=$(criu_host_deps_versions)" \
		"file:$VM_IMAGES_DIR/criu/build.sh" "file:$VM_IMAGES_DIR/lib/patch.sh"
}

criu_patched_hash() {
	local proto=absent
	[ -f "$HARNESS_PROTO" ] && proto=$(sha256_of "$HARNESS_PROTO")
	hash_inputs "criu=$CRIU_VERSION" "tarball-sha256=$CRIU_TARBALL_SHA256" "prefix=/usr" \
		"host-deps=$(criu_host_deps_versions)" "harness-proto=$proto" \
		"glob:$CRIU_PATCH_DIR:*.patch" "glob:$CRIU_RESTORE_PATCH_DIR:*.patch" "glob:$CRIU_COMPAT_PATCH_DIR:*.patch" \
		"file:$VM_IMAGES_DIR/criu/build.sh" "file:$VM_IMAGES_DIR/lib/patch.sh"
}

# One schema generates both the C (in CRIU) and the Java (in the harness) code: they must not drift. The
# harness's copy adds only its java_* options, which CRIU's copy must not carry (review ST2).
criu_check_proto() {
	local src=$1 ours=$1/images/$CRIU_PROTO_NAME
	[ -f "$ours" ] || return 0
	[ -f "$HARNESS_PROTO" ] ||
		die "criu: the patched tree has images/$CRIU_PROTO_NAME but ${HARNESS_PROTO#"$REPO_DIR"/} does not exist"
	grep -q '^option java_' "$ours" &&
		die "criu: images/$CRIU_PROTO_NAME (from criu/patches) has java_* options; they belong in the harness's copy only"
	# the options, and the blank line that sets them off
	awk '/^option java_/ { skip = 1; next } skip && /^$/ { skip = 0; next } { skip = 0; print }' "$HARNESS_PROTO" |
		cmp -s "$ours" - ||
		die "criu: images/$CRIU_PROTO_NAME (from criu/patches) differs from ${HARNESS_PROTO#"$REPO_DIR"/} (its java_* options aside); keep one schema"
}

# criu_build_into OUT PREFIX RUNDIR PATCH... : extract, patch, compile and install into OUT/root.
criu_build_into() {
	local out=$1 prefix=$2 rundir=$3 src=$1/src; shift 3
	local vars=(PREFIX="$prefix" RUNDIR="$rundir" NO_GNUTLS=1)
	# Run as a condition by cache_build, where set -e does not apply: each step stops the build itself.
	mkdir -p "$src"
	tar -xf "$(criu_source_tarball)" -C "$src" --strip-components=1 || return
	apply_patches "$src" "$@" || return
	criu_check_proto "$src" || return
	timed "criu: compile (prefix $prefix)" criu_make "$out/build.log" -j"$BUILD_JOBS" -C "$src" "${vars[@]}" criu || return
	criu_make "$out/build.log" -C "$src" "${vars[@]}" DESTDIR="$out/root" install-criu
}

# criu_make LOG MAKE_ARG... : make's output goes to LOG, whose tail is shown on failure.
criu_make() {
	local logf=$1; shift
	nice -n 10 make "$@" >>"$logf" 2>&1 && return 0
	tail -n 40 "$logf" >&2
	log "criu: make $* failed, full log: $logf"
	return 1
}

criu_build_patched() {
	local patches=()
	mapfile -t patches < <(patch_series "$CRIU_PATCH_DIR"; patch_series "$CRIU_RESTORE_PATCH_DIR"
		patch_series "$CRIU_COMPAT_PATCH_DIR")
	criu_build_into "$1" /usr /run "${patches[@]}"
}

criu_build_stock() { criu_build_into "$1" /opt/criu-stock /run/criu-stock; }

# Sets CRIU_DIR, CRIU_HASH, CRIU_STOCK_DIR, CRIU_STOCK_HASH.
criu_component() {
	timed "criu: source tarball" criu_fetch_source
	CRIU_STOCK_HASH=$(criu_stock_hash)
	cache_component criu-stock "$CRIU_STOCK_HASH" criu_build_stock root/opt/criu-stock/sbin/criu src/Makefile
	CRIU_STOCK_DIR=$CACHE_DIR
	CRIU_HASH=$(criu_patched_hash)
	cache_component criu "$CRIU_HASH" criu_build_patched root/usr/sbin/criu src/Makefile
	CRIU_DIR=$CACHE_DIR
}
