# shellcheck shell=bash
# The *_DIR/*_HASH globals set here are read by vm-images/build and later components.
# shellcheck disable=SC2034
# A kernel from outside vm-images/ (ZDTM_KERNEL=/path, -Dzdtm.kernel=/path), as virtme-ng takes one:
#   a kernel tree   configured (.config): `make bzImage` runs first (incremental: a tree already built
#                   costs a few seconds);
#                   its uapi headers and udp_repair selftest, when it has them, go into the guest;
#   a bzImage file  with its config beside it, as <dir>/.config or <bzImage>.config.
# The guest has no modules: every option kernel/config.fragment builds in must be =y in that config,
# or the build stops before it starts, naming each option. vm-images/build sources this file instead of
# kernel/build.sh, so the matrix's own kernels and their cache entries are untouched.

KERNEL_PRIMARY=7.2
KERNEL_BYO=$ZDTM_KERNEL
KERNEL_BYO_FRAGMENT=$VM_IMAGES_DIR/kernel/config.fragment

kernel_is_stock() { return 1; }

kernel_version() { echo "${KERNEL_BYO_RELEASE:-unknown}"; }

# Sets KERNEL_BYO_TREE (empty for a bzImage), KERNEL_BYO_IMAGE and KERNEL_BYO_CONFIG.
kernel_byo_locate() {
	local p=$KERNEL_BYO
	KERNEL_BYO_TREE=
	if [ -d "$p" ]; then
		{ [ -f "$p/Makefile" ] && [ -d "$p/arch/x86" ]; } || die "ZDTM_KERNEL=$p: not a Linux source tree"
		[ -f "$p/.config" ] || die "ZDTM_KERNEL=$p: the tree has no .config (configure it first)"
		KERNEL_BYO_TREE=$(cd "$p" && pwd)
		KERNEL_BYO_IMAGE=$KERNEL_BYO_TREE/arch/x86/boot/bzImage
		KERNEL_BYO_CONFIG=$KERNEL_BYO_TREE/.config
	elif [ -f "$p" ]; then
		KERNEL_BYO_IMAGE=$(cd "$(dirname "$p")" && pwd)/$(basename "$p")
		if [ -f "$p.config" ]; then
			KERNEL_BYO_CONFIG=$KERNEL_BYO_IMAGE.config
		elif [ -f "$(dirname "$p")/.config" ]; then
			KERNEL_BYO_CONFIG=$(cd "$(dirname "$p")" && pwd)/.config
		else
			die "ZDTM_KERNEL=$p: no config beside it ($p.config or $(dirname "$p")/.config): the guest needs it checked"
		fi
	else
		die "ZDTM_KERNEL=$p: no such kernel tree or bzImage"
	fi
}

# Prints each option the fragment builds in (=y) that the config lacks or builds as a module.
kernel_byo_missing_options() {
	local config=$1 line opt want got
	while IFS= read -r line; do
		case $line in CONFIG_*=y) ;; *) continue ;; esac
		opt=${line%%=*} want=y
		got=$(grep -E "^$opt=" "$config" | cut -d= -f2-)
		[ "$got" = "$want" ] || printf '  %s (the guest needs =y, the config has %s)\n' "$opt" "${got:-it unset}"
	done <"$KERNEL_BYO_FRAGMENT"
}

kernel_byo_check_config() {
	local missing
	missing=$(kernel_byo_missing_options "$KERNEL_BYO_CONFIG")
	[ -z "$missing" ] && return 0
	printf '%s\n' "$missing" >&2
	die "kernel: $KERNEL_BYO_CONFIG lacks the options above, which the guest needs built in (see kernel/config.fragment)"
}

kernel_byo_build_into() {
	local out=$1
	cp "$KERNEL_BYO_IMAGE" "$out/bzImage" || return
	cp "$KERNEL_BYO_CONFIG" "$out/.config" || return
	[ -n "$KERNEL_BYO_TREE" ] || return 0
	timed "kernel: headers_install from $KERNEL_BYO_TREE" \
		make -C "$KERNEL_BYO_TREE" -s ARCH=x86_64 headers_install INSTALL_HDR_PATH="$out/headers" || return
	mkdir -p "$out/selftests/net"
	cp "$KERNEL_BYO_TREE"/tools/testing/selftests/kselftest*.h "$out/selftests/" || return
	if [ -f "$KERNEL_BYO_TREE/tools/testing/selftests/net/udp_repair.c" ]; then
		cp "$KERNEL_BYO_TREE/tools/testing/selftests/net/udp_repair.c" "$out/selftests/net/"
	fi
}

# Sets KERNEL_DIR and KERNEL_HASH.
kernel_component() {
	log "kernel: your own, $KERNEL_BYO (ZDTM_KERNEL)"
	kernel_byo_locate
	kernel_byo_check_config
	# A tree is always made: make is incremental, and a bzImage older than the sources it was built
	# from would otherwise boot as if it were the developer's current kernel.
	if [ -n "$KERNEL_BYO_TREE" ]; then
		timed "kernel: make bzImage in $KERNEL_BYO_TREE (-j$BUILD_JOBS)" \
			make -C "$KERNEL_BYO_TREE" -s ARCH=x86_64 -j"$BUILD_JOBS" bzImage || die "kernel: make bzImage failed in $KERNEL_BYO_TREE"
	fi
	KERNEL_BYO_RELEASE=byo
	if [ -n "$KERNEL_BYO_TREE" ]; then
		KERNEL_BYO_RELEASE=$(make -C "$KERNEL_BYO_TREE" -s kernelrelease 2>/dev/null || echo byo)
	fi
	KERNEL_HASH=$(hash_inputs "image-sha256=$(sha256_of "$KERNEL_BYO_IMAGE")" "config-sha256=$(sha256_of "$KERNEL_BYO_CONFIG")" \
		"tree=${KERNEL_BYO_TREE:-none}" "file:$VM_IMAGES_DIR/kernel/byo.sh")
	cache_component kernel-byo "$KERNEL_HASH" kernel_byo_build_into bzImage .config
	KERNEL_DIR=$CACHE_DIR
}
