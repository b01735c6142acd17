# shellcheck shell=bash
# The *_DIR/*_HASH globals set here are read by vm-images/build and later components.
# shellcheck disable=SC2034
# Kernel component: Debian's linux-source-6.1 + kernel/patches/*.patch, configured as
# tinyconfig + kvm_guest.config + kernel/config.fragment, built with everything built in.
# Cache entry: bzImage, .config, headers/ (patched uapi) and selftests/ (sources the guest compiles).

KERNEL_TARBALL=${KERNEL_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
KERNEL_PATCH_DIR=$VM_IMAGES_DIR/kernel/patches
KERNEL_FRAGMENT=$VM_IMAGES_DIR/kernel/config.fragment

kernel_version() {
	dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || echo unknown
}

kernel_hash() {
	[ -f "$KERNEL_TARBALL" ] || die "$KERNEL_TARBALL not found: install linux-source-6.1 (ci/setup does)"
	local patches=()
	mapfile -t patches < <(patch_series "$KERNEL_PATCH_DIR")
	hash_inputs "linux-source=$(kernel_version)" \
		"tarball-sha256=$(cached_file_sha256 "$KERNEL_TARBALL")" \
		"patches=${#patches[@]}" "glob:$KERNEL_PATCH_DIR:*.patch" \
		"file:$KERNEL_FRAGMENT" "file:$VM_IMAGES_DIR/kernel/build.sh" "file:$VM_IMAGES_DIR/lib/patch.sh"
}

# The kernel tarball is 140 MB; its checksum is remembered per (path, size, mtime).
cached_file_sha256() {
	local f=$1 key memo
	key=$(stat -c '%s-%Y' "$f")
	memo="$ZDTM_CACHE/.sha256/$(printf '%s' "$f" | tr '/' '_')-$key"
	if [ ! -s "$memo" ]; then
		mkdir -p "$ZDTM_CACHE/.sha256"
		sha256sum <"$f" | cut -d' ' -f1 >"$memo.tmp" && mv "$memo.tmp" "$memo"
	fi
	cat "$memo"
}

# Prints every fragment option whose value is not the one in the final .config.
kernel_config_dropped() {
	local config=$1 line opt want got
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) opt=${line%%=*}; want=${line#*=} ;;
		"# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *}; want=n ;;
		*) continue ;;
		esac
		got=$(grep -E "^$opt=" "$config" | cut -d= -f2-)
		[ -n "$got" ] || got=n
		[ "$got" = "$want" ] || printf '  %s: wanted %s, got %s\n' "$opt" "$want" "$got"
	done <"$KERNEL_FRAGMENT"
}

# Kconfig chatter (choice overrides and the like) goes to config.log, shown only on failure.
kernel_configure() {
	local src=$1 clog=$1/config.log dropped
	{
		make -C "$src" -s ARCH=x86_64 tinyconfig &&
			make -C "$src" -s ARCH=x86_64 kvm_guest.config &&
			"$src/scripts/kconfig/merge_config.sh" -m -O "$src" "$src/.config" "$KERNEL_FRAGMENT" &&
			make -C "$src" -s ARCH=x86_64 olddefconfig
	} >"$clog" 2>&1 || { cat "$clog" >&2; die "kernel config: make failed"; }
	dropped=$(kernel_config_dropped "$src/.config")
	if [ -n "$dropped" ]; then
		printf '%s\n' "$dropped" >&2
		die "kernel config: the options above from $KERNEL_FRAGMENT did not survive olddefconfig (missing dependency?)"
	fi
}

kernel_build_into() {
	local out=$1 src=$1/src patches=()
	mkdir -p "$src"
	timed "kernel: extract $(basename "$KERNEL_TARBALL")" \
		tar -xf "$KERNEL_TARBALL" -C "$src" --strip-components=1
	mapfile -t patches < <(patch_series "$KERNEL_PATCH_DIR")
	apply_patches "$src" "${patches[@]}"
	timed "kernel: configure" kernel_configure "$src"
	timed "kernel: compile bzImage (-j$BUILD_JOBS)" \
		nice -n 10 make -C "$src" -s ARCH=x86_64 -j"$BUILD_JOBS" bzImage
	timed "kernel: headers_install" \
		make -C "$src" -s ARCH=x86_64 headers_install INSTALL_HDR_PATH="$out/headers"
	cp "$src/arch/x86/boot/bzImage" "$out/bzImage"
	cp "$src/.config" "$out/.config"
	kernel_keep_selftest_sources "$src" "$out/selftests"
	rm -rf "$src"
}

# The guest compiles the kernel's UDP selftest; keep just what it needs from the 1.6 GB tree.
kernel_keep_selftest_sources() {
	local src=$1 dst=$2
	mkdir -p "$dst/net"
	cp "$src"/tools/testing/selftests/kselftest*.h "$dst/"
	if [ -f "$src/tools/testing/selftests/net/udp_repair.c" ]; then
		cp "$src/tools/testing/selftests/net/udp_repair.c" "$dst/net/"
	fi
}

# Sets KERNEL_DIR and KERNEL_HASH.
kernel_component() {
	KERNEL_HASH=$(kernel_hash)
	cache_component kernel "$KERNEL_HASH" kernel_build_into bzImage .config headers/include/linux/udp.h selftests/kselftest_harness.h
	KERNEL_DIR=$CACHE_DIR
}
