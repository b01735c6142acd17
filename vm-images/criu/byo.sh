# shellcheck shell=bash
# The *_DIR/*_HASH globals set here are read by vm-images/build and later components.
# shellcheck disable=SC2034
# A CRIU from outside vm-images/ (ZDTM_CRIU=/path, -Dzdtm.criu=/path) becomes the guest's /usr/sbin/criu:
#   a CRIU source tree  `make criu` runs first (incremental); its test/zdtm is what the guest's
#                       upstream zdtm tests are built from;
#   a criu binary       copied as it is (the guest then carries no upstream zdtm tests).
# The stock build (/opt/criu-stock) stays Debian's tarball. vm-images/build calls criu_byo_component after
# criu_component, so criu/build.sh and its cache entries are untouched.

# Sets CRIU_BYO_BIN and CRIU_BYO_TREE (empty for a binary).
criu_byo_locate() {
	local p=$ZDTM_CRIU
	CRIU_BYO_TREE=
	if [ -d "$p" ]; then
		{ [ -f "$p/Makefile" ] && [ -f "$p/criu/Makefile" ]; } || die "ZDTM_CRIU=$p: not a CRIU source tree"
		CRIU_BYO_TREE=$(cd "$p" && pwd)
		CRIU_BYO_BIN=$CRIU_BYO_TREE/criu/criu
		# Always made (incremental): a criu/criu older than the tree's sources is not the developer's CRIU.
		timed "criu: make criu in $CRIU_BYO_TREE" criu_make "$CRIU_BYO_TREE/zdtm-udp-build.log" \
			-j"$BUILD_JOBS" -C "$CRIU_BYO_TREE" criu || die "criu: make criu failed in $CRIU_BYO_TREE"
	elif [ -f "$p" ] && [ -x "$p" ]; then
		CRIU_BYO_BIN=$(cd "$(dirname "$p")" && pwd)/$(basename "$p")
	else
		die "ZDTM_CRIU=$p: no such CRIU tree or executable"
	fi
	"$CRIU_BYO_BIN" --version >/dev/null 2>&1 || die "ZDTM_CRIU=$p: $CRIU_BYO_BIN --version fails: not a criu binary for this machine"
}

criu_byo_build_into() {
	local out=$1
	install -D -m 0755 "$CRIU_BYO_BIN" "$out/root/usr/sbin/criu" || return
	# The upstream zdtm hook reads the tree (read only), as it reads the patched build's src/.
	[ -z "$CRIU_BYO_TREE" ] || ln -s "$CRIU_BYO_TREE" "$out/src"
}

# Replaces CRIU_DIR and CRIU_HASH with the given CRIU's.
criu_byo_component() {
	log "criu: your own, $ZDTM_CRIU (ZDTM_CRIU)"
	criu_byo_locate
	CRIU_HASH=$(hash_inputs "byo-criu-sha256=$(sha256_of "$CRIU_BYO_BIN")" "tree=${CRIU_BYO_TREE:-none}" \
		"file:$VM_IMAGES_DIR/criu/byo.sh")
	cache_component criu-byo "$CRIU_HASH" criu_byo_build_into root/usr/sbin/criu
	CRIU_DIR=$CACHE_DIR
	CRIU_VERSION="$("$CRIU_BYO_BIN" --version 2>/dev/null | sed -n 's/^Version: *//p' | head -n1) (yours)"
}
