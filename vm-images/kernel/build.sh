# shellcheck shell=bash
# The *_DIR/*_HASH globals set here are read by vm-images/build and later components.
# shellcheck disable=SC2034
# Kernel component, one of a matrix selected by ZDTM_KERNEL (default 7.2, the primary).
# Ours are built from source with our UDP repair series, one directory kernel/<kernel>/ each (see
# kernel_select): 7.2 from Debian's original tarball (sid pool, pinned by sha256, cached under
# $ZDTM_CACHE/src-linux-<version>/), 6.12 and 6.1 from Debian's linux-source-<version> packages.
# Each is configured as tinyconfig + kvm_guest.config + kernel/config.fragment (+ its own
# config.fragment when present), with everything built in, and is its own cache entry
# (kernel-<kernel>-<hash>) keyed by its inputs: bzImage, .config, headers/ (patched uapi) and
# selftests/ (sources the guest compiles).
#
# Stock kernels (debian-<version>, kernel/stock.sh): Debian's binary packages, booted as shipped.

ZDTM_KERNEL=${ZDTM_KERNEL:-7.2}
# The kernel vm-images/out/ itself points at (the harness default).
KERNEL_PRIMARY=7.2
KERNEL_FRAGMENT_COMMON=$VM_IMAGES_DIR/kernel/config.fragment
# shellcheck source=vm-images/kernel/stock.sh
. "$VM_IMAGES_DIR/kernel/stock.sh"

# The kernels built from source, each a directory kernel/<kernel>/ with
#   source              where the tree comes from (sourced): KERNEL_SOURCE=archive with
#                       KERNEL_UPSTREAM, KERNEL_ARCHIVE_PATH (in the Debian pool) and KERNEL_ARCHIVE_SHA256,
#                       or KERNEL_SOURCE=package with KERNEL_PACKAGE (installs /usr/src/<package>.tar.xz)
#   patches/*.patch     its UDP repair series
#   config.fragment     optional, on top of kernel/config.fragment
# All three are that kernel's cache inputs: adding or changing one kernel rebuilds no other.
kernel_built_names() {
	local d
	for d in "$VM_IMAGES_DIR"/kernel/*/source; do basename "$(dirname "$d")"; done | sort -V
}

# Sets KERNEL_SOURCE (package | archive | stock), KERNEL_TARBALL, the package or archive details, and the
# per-kernel series and fragment for ZDTM_KERNEL.
kernel_select() {
	local dir=$VM_IMAGES_DIR/kernel/$ZDTM_KERNEL
	if kernel_stock_select_named "$ZDTM_KERNEL"; then
		return 0
	fi
	case $ZDTM_KERNEL in
	*/* | .* | '') dir= ;;
	esac
	if [ -z "$dir" ] || [ ! -f "$dir/source" ]; then
		die "ZDTM_KERNEL=$ZDTM_KERNEL: unknown kernel (known: $(kernel_built_names | tr '\n' ' ')${KERNEL_STOCK_NAMES[*]})"
	fi
	KERNEL_SOURCE='' KERNEL_PACKAGE='' KERNEL_UPSTREAM='' KERNEL_ARCHIVE_PATH='' KERNEL_ARCHIVE_SHA256=''
	# shellcheck source=/dev/null
	. "$dir/source"
	case $KERNEL_SOURCE in
	archive)
		[ -n "$KERNEL_UPSTREAM" ] && [ -n "$KERNEL_ARCHIVE_PATH" ] && [ ${#KERNEL_ARCHIVE_SHA256} -eq 64 ] ||
			die "$dir/source: an archive kernel needs KERNEL_UPSTREAM, KERNEL_ARCHIVE_PATH and a sha256"
		KERNEL_TARBALL=${KERNEL_TARBALL:-$ZDTM_CACHE/src-linux-$KERNEL_UPSTREAM/${KERNEL_ARCHIVE_PATH##*/}}
		;;
	package)
		[ -n "$KERNEL_PACKAGE" ] || die "$dir/source: a package kernel needs KERNEL_PACKAGE"
		KERNEL_TARBALL=${KERNEL_TARBALL:-/usr/src/$KERNEL_PACKAGE.tar.xz}
		;;
	*) die "$dir/source: KERNEL_SOURCE must be archive or package, not '$KERNEL_SOURCE'" ;;
	esac
	KERNEL_SELECT_FILE=$dir/source
	KERNEL_PATCH_DIR=$dir/patches
	KERNEL_FRAGMENTS=("$KERNEL_FRAGMENT_COMMON")
	if [ -f "$dir/config.fragment" ]; then
		KERNEL_FRAGMENTS+=("$dir/config.fragment")
	fi
}
kernel_select

kernel_version() {
	case $KERNEL_SOURCE in
	archive) echo "$KERNEL_UPSTREAM" ;;
	stock) kernel_stock_version ;;
	*) dpkg-query -W -f='${Version}' "$KERNEL_PACKAGE" 2>/dev/null || echo unknown ;;
	esac
}

# Fetches the pinned original tarball from the host's Debian mirror (lib/common.sh: debian_mirror)
# into the cache; a tarball already there is trusted only with the pinned checksum.
kernel_fetch_source() {
	local dest=$KERNEL_TARBALL uri tmp
	if [ -f "$dest" ]; then
		[ "$(cached_file_sha256 "$dest")" = "$KERNEL_ARCHIVE_SHA256" ] && return 0
		log "kernel: $dest has the wrong checksum, fetching it again"
		rm -f "$dest"
	fi
	read -r uri _ < <(debian_mirror)
	mkdir -p "$(dirname "$dest")"
	tmp=$(mktemp "$dest.XXXXXX")
	log "kernel: fetching ${KERNEL_ARCHIVE_PATH##*/} from the host's Debian mirror"
	if ! curl -fsSL --retry 3 -o "$tmp" "$uri/$KERNEL_ARCHIVE_PATH"; then
		rm -f "$tmp"
		die "kernel: could not fetch $uri/$KERNEL_ARCHIVE_PATH"
	fi
	if [ "$(sha256_of "$tmp")" != "$KERNEL_ARCHIVE_SHA256" ]; then
		rm -f "$tmp"
		die "kernel: ${KERNEL_ARCHIVE_PATH##*/} does not have the pinned sha256 $KERNEL_ARCHIVE_SHA256"
	fi
	chmod 644 "$tmp"
	mv "$tmp" "$dest"
}

kernel_hash() {
	case $KERNEL_SOURCE in
	stock) kernel_stock_hash; return 0 ;;
	archive) timed "kernel: source tarball" kernel_fetch_source ;;
	*) [ -f "$KERNEL_TARBALL" ] || die "$KERNEL_TARBALL not found: install $KERNEL_PACKAGE (ci/setup does)" ;;
	esac
	local patches=() f frags=()
	mapfile -t patches < <(patch_series "$KERNEL_PATCH_DIR")
	[ ${#patches[@]} -gt 0 ] || die "kernel $ZDTM_KERNEL: no series in $KERNEL_PATCH_DIR"
	for f in "${KERNEL_FRAGMENTS[@]}"; do frags+=("file:$f"); done
	hash_inputs "kernel=$ZDTM_KERNEL" "linux-source=$(kernel_version)" \
		"tarball-sha256=$(cached_file_sha256 "$KERNEL_TARBALL")" \
		"patches=${#patches[@]}" "glob:$KERNEL_PATCH_DIR:*.patch" \
		"fragments=${#frags[@]}" "${frags[@]}" \
		"file:$KERNEL_SELECT_FILE" "file:$VM_IMAGES_DIR/kernel/build.sh" "file:$VM_IMAGES_DIR/lib/patch.sh"
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
	done < <(cat "${KERNEL_FRAGMENTS[@]}")
}

# Kconfig chatter (choice overrides and the like) goes to config.log, shown only on failure.
kernel_configure() {
	local src=$1 clog=$1/config.log dropped
	{
		make -C "$src" -s ARCH=x86_64 tinyconfig &&
			make -C "$src" -s ARCH=x86_64 kvm_guest.config &&
			"$src/scripts/kconfig/merge_config.sh" -m -O "$src" "$src/.config" "${KERNEL_FRAGMENTS[@]}" &&
			make -C "$src" -s ARCH=x86_64 olddefconfig
	} >"$clog" 2>&1 || { cat "$clog" >&2; die "kernel config: make failed"; }
	dropped=$(kernel_config_dropped "$src/.config")
	if [ -n "$dropped" ]; then
		printf '%s\n' "$dropped" >&2
		die "kernel config: the options above from ${KERNEL_FRAGMENTS[*]} did not survive olddefconfig (missing dependency?)"
	fi
}

# cache_build runs this as an `if` condition, where set -e does not apply: every step says `|| return`,
# so a failed compile stops here instead of running headers_install and blaming a missing output.
kernel_build_into() {
	local out=$1 src=$1/src patches=()
	mkdir -p "$src"
	timed "kernel: extract $(basename "$KERNEL_TARBALL")" \
		tar -xf "$KERNEL_TARBALL" -C "$src" --strip-components=1 || return
	mapfile -t patches < <(patch_series "$KERNEL_PATCH_DIR")
	apply_patches "$src" "${patches[@]}" || return
	timed "kernel: configure" kernel_configure "$src" || return
	timed "kernel: compile bzImage (-j$BUILD_JOBS)" \
		nice -n 10 make -C "$src" -s ARCH=x86_64 -j"$BUILD_JOBS" bzImage || return
	timed "kernel: headers_install" \
		make -C "$src" -s ARCH=x86_64 headers_install INSTALL_HDR_PATH="$out/headers" || return
	cp "$src/arch/x86/boot/bzImage" "$out/bzImage" || return
	cp "$src/.config" "$out/.config" || return
	kernel_keep_selftest_sources "$src" "$out/selftests" || return
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

# A stock kernel is booted as its distribution ships it: no UDP repair series, modules to load.
kernel_is_stock() { [ "$KERNEL_SOURCE" = stock ]; }

# Sets KERNEL_DIR and KERNEL_HASH.
kernel_component() {
	log "kernel: $ZDTM_KERNEL (ZDTM_KERNEL; primary $KERNEL_PRIMARY)"
	KERNEL_HASH=$(kernel_hash)
	if kernel_is_stock; then
		cache_component "kernel-$ZDTM_KERNEL" "$KERNEL_HASH" kernel_stock_build_into bzImage .config modules/load.list
		KERNEL_DIR=$CACHE_DIR
		return 0
	fi
	cache_component "kernel-$ZDTM_KERNEL" "$KERNEL_HASH" kernel_build_into bzImage .config headers/include/linux/udp.h selftests/kselftest_harness.h
	KERNEL_DIR=$CACHE_DIR
}
