# shellcheck shell=bash
# The *_DIR/*_HASH globals set here are read by vm-images/build and later components.
# shellcheck disable=SC2034
# Stock kernels: Debian's own binary kernel packages, booted as shipped (ZDTM_KERNEL=debian-*).
# The .debs come from the host's Debian mirror (lib/common.sh: debian_mirror) through a private apt
# configuration (the host's apt state is untouched), are pinned by version and sha256, and are kept,
# verified, under $ZDTM_CACHE/src-debian-kernel/. Nothing is patched or compiled.
#
# Cache entry (kernel-debian-<x>-<hash>): bzImage (the package's vmlinuz), .config (the package's
# config), modules/load.list (the guest's modules in insmod order, dependencies first) with the .ko
# files it names, decompressed, and modules.txt (every wanted module: built in or loaded, for humans).
# There are no headers/ and no selftests/: a stock kernel has no UDP repair uAPI to compile against.

# The modules the guest needs, by role (vm-images/kernel/config.fragment builds the same in for our kernels).
# Each is resolved through the package's modules.dep; one the kernel has built in needs nothing.
KERNEL_STOCK_MODULES=(
	# host channels: virtio-serial (the agent) and the 9p share (tag zdtm)
	virtio_pci virtio_console 9p 9pnet_virtio
	# CRIU dumps sockets through sock_diag
	af_packet inet_diag udp_diag raw_diag tcp_diag unix_diag af_packet_diag netlink_diag
	# network namespaces' devices and the nf_tables network lock (criu links libnftables)
	veth tun dummy nf_tables nf_conntrack nft_ct nf_conntrack_netlink
	# criu check --extra (overlayfs and autofs mounts) and the zdtm parity run (binfmt_misc)
	overlay autofs4 binfmt_misc
)

# kernel_stock_select SUITE RELEASE "PACKAGE=VERSION SHA256"...: the pinned packages of one stock kernel.
kernel_stock_select() {
	KERNEL_SOURCE=stock
	KERNEL_STOCK_SUITE=$1 KERNEL_STOCK_RELEASE=$2
	shift 2
	KERNEL_STOCK_DEBS=("$@")
	KERNEL_PATCH_DIR=
	KERNEL_FRAGMENTS=()
}

# The stock kernels of the matrix and their pinned packages.
KERNEL_STOCK_NAMES=(debian-6.1 debian-6.12 debian-7.2)

# kernel_stock_select_named NAME: selects stock kernel NAME; fails (selecting nothing) for another name.
kernel_stock_select_named() {
	case $1 in
	debian-6.1)
		kernel_stock_select bookworm 6.1.0-50-amd64 \
			"linux-image-6.1.0-50-amd64=6.1.176-1 7b5597492a0a65aee61985a492e6bcc3f2cde830072a0e3b3d8c7e1b90279bd3"
		;;
	debian-6.12)
		kernel_stock_select bookworm-backports 6.12.95+deb12-amd64 \
			"linux-image-6.12.95+deb12-amd64=6.12.95-1~bpo12+1 5e524b782be67cb0d6a2e7b51816a2ac519e573ef7324b9a63a4124365653ecc"
		;;
	debian-7.2)
		# sid splits the image: linux-binary has vmlinuz, linux-modules the modules, linux-base the config.
		kernel_stock_select sid 7.2.13+deb14-amd64 \
			"linux-binary-7.2.13+deb14-amd64=7.2.13-1 fb8cd0ade4ef82d9dde1dcf183d4bf4033db1b549b0acc9973855ad9cc48c4f5" \
			"linux-modules-7.2.13+deb14-amd64=7.2.13-1 a37a3d200915c4cf524e90c81bbb2a8b683d292cd00873e89c23b2ef32b1bf11" \
			"linux-base-7.2.13+deb14-amd64=7.2.13-1 2b2d3c6e224358c60974d0bc87461da99a85733eb1fec035b5167582c3bede2b"
		;;
	*) return 1 ;;
	esac
}

# The Debian version of the package that carries vmlinuz (the first one pinned).
kernel_stock_version() {
	local first=${KERNEL_STOCK_DEBS[0]%% *}
	echo "${first#*=}"
}

kernel_stock_deb_name() {
	local pkgver=${1%% *}
	echo "${pkgver%%=*}_${pkgver#*=}_amd64.deb"
}

# Fetches every pinned .deb the cache does not hold yet, with apt-get download from a private
# configuration for KERNEL_STOCK_SUITE; a .deb is kept only with its pinned sha256.
kernel_stock_fetch() {
	local dir=$ZDTM_CACHE/src-debian-kernel entry name sum want=() work rc=0
	mkdir -p "$dir"
	for entry in "${KERNEL_STOCK_DEBS[@]}"; do
		name=$(kernel_stock_deb_name "$entry") sum=${entry##* }
		if [ -f "$dir/$name" ]; then
			[ "$(cached_file_sha256 "$dir/$name")" = "$sum" ] && continue
			log "kernel: $dir/$name has the wrong checksum, fetching it again"
			rm -f "$dir/$name"
		fi
		want+=("${entry%% *}")
	done
	[ ${#want[@]} -gt 0 ] || return 0
	work=$(mktemp -d "${TMPDIR:-/tmp}/kernel-deb.XXXXXX")
	log "kernel: fetching ${want[*]} ($KERNEL_STOCK_SUITE from the host's Debian mirror)"
	private_apt_init "$work" deb "$KERNEL_STOCK_SUITE" ||
		{ cat "$work/apt.log" >&2; rm -rf "$work"; die "kernel: apt-get update failed"; }
	(cd "$work/dl" && private_apt "$work" download "${want[@]}") >>"$work/apt.log" 2>&1 || rc=$?
	for entry in "${KERNEL_STOCK_DEBS[@]}"; do
		name=$(kernel_stock_deb_name "$entry") sum=${entry##* }
		[ -f "$dir/$name" ] && continue
		if [ ! -f "$work/dl/$name" ]; then
			cat "$work/apt.log" >&2
			rm -rf "$work"
			die "kernel: apt-get download did not deliver $name (exit $rc): is ${entry%% *} still served in $KERNEL_STOCK_SUITE?"
		fi
		if [ "$(sha256_of "$work/dl/$name")" != "$sum" ]; then
			rm -rf "$work"
			die "kernel: $name does not match the pinned sha256 $sum"
		fi
		mv "$work/dl/$name" "$dir/$name.tmp.$$" && mv "$dir/$name.tmp.$$" "$dir/$name"
	done
	rm -rf "$work"
}

kernel_stock_hash() {
	timed "kernel: stock packages" kernel_stock_fetch
	hash_inputs "kernel=$ZDTM_KERNEL" "suite=$KERNEL_STOCK_SUITE" "release=$KERNEL_STOCK_RELEASE" \
		"debs=${KERNEL_STOCK_DEBS[*]}" "modules=${KERNEL_STOCK_MODULES[*]}" \
		"file:$VM_IMAGES_DIR/kernel/stock.sh"
}

# Unpacks the pinned packages and keeps vmlinuz, the config and the guest's modules.
kernel_stock_build_into() {
	local out=$1 x=$1/x entry moddir vmlinuz config
	mkdir -p "$x"
	for entry in "${KERNEL_STOCK_DEBS[@]}"; do
		dpkg-deb -x "$ZDTM_CACHE/src-debian-kernel/$(kernel_stock_deb_name "$entry")" "$x"
	done
	# Bookworm's packages install under /lib, newer ones under /usr/lib (merged /usr).
	for moddir in "$x/lib/modules/$KERNEL_STOCK_RELEASE" "$x/usr/lib/modules/$KERNEL_STOCK_RELEASE" ""; do
		[ -z "$moddir" ] || [ -d "$moddir/kernel" ] && break
	done
	[ -n "$moddir" ] || die "kernel: no modules for $KERNEL_STOCK_RELEASE in the packages"
	# /boot/vmlinuz-<release> and /boot/config-<release>, or (sid) vmlinuz and config in the modules dir.
	vmlinuz=$(find "$x" -type f \( -name "vmlinuz-$KERNEL_STOCK_RELEASE" -o -path "$moddir/vmlinuz" \) | head -n1)
	[ -n "$vmlinuz" ] || die "kernel: no vmlinuz-$KERNEL_STOCK_RELEASE in the packages"
	config=$(find "$x" -type f \( -name "config-$KERNEL_STOCK_RELEASE" -o -path "$moddir/config" \) | head -n1)
	[ -n "$config" ] || die "kernel: no config-$KERNEL_STOCK_RELEASE in the packages"
	cp "$vmlinuz" "$out/bzImage"
	cp "$config" "$out/.config"
	# The packages leave modules.dep to depmod at install time; modprobe -d wants <root>/lib/modules/<release>.
	mkdir -p "$x/root/lib/modules"
	mv "$moddir" "$x/root/lib/modules/$KERNEL_STOCK_RELEASE"
	depmod -b "$x/root" "$KERNEL_STOCK_RELEASE" || die "kernel: depmod failed for $KERNEL_STOCK_RELEASE"
	kernel_stock_modules "$x/root" "$out"
	rm -rf "$x"
}

# Resolves KERNEL_STOCK_MODULES with modprobe --show-depends (dependencies first, built-ins named as
# such) and copies the .ko files, decompressed, into OUT/modules/ in load order.
kernel_stock_modules() {
	local root=$1 out=$2 m line path base
	local -A seen=()
	mkdir -p "$out/modules"
	: >"$out/modules/load.list"
	: >"$out/modules.txt"
	for m in "${KERNEL_STOCK_MODULES[@]}"; do
		local deps
		deps=$(modprobe -d "$root" -S "$KERNEL_STOCK_RELEASE" --show-depends "$m" 2>&1) ||
			die "kernel: module $m is neither built in nor shipped by $KERNEL_STOCK_RELEASE: $deps"
		while IFS= read -r line; do
			case $line in
			builtin\ *) printf '%s builtin\n' "$m" >>"$out/modules.txt" ;;
			insmod\ *)
				path=${line#insmod }; path=${path%% *}
				base=$(basename "$path"); base=${base%.xz}; base=${base%.zst}; base=${base%.gz}
				[ -n "${seen[$base]:-}" ] && continue
				seen[$base]=1
				case $path in
				*.ko.xz) xz -dc "$path" >"$out/modules/$base" ;;
				*.ko.zst) zstd -qdc "$path" >"$out/modules/$base" ;;
				*.ko.gz) gzip -dc "$path" >"$out/modules/$base" ;;
				*) cp "$path" "$out/modules/$base" ;;
				esac
				printf '%s\n' "$base" >>"$out/modules/load.list"
				printf '%s module %s\n' "$m" "$base" >>"$out/modules.txt"
				;;
			esac
		done <<<"$deps"
	done
	log "kernel: $(wc -l <"$out/modules/load.list") modules for the guest ($(grep -c ' builtin$' "$out/modules.txt" || true) of the wanted ones are built in)"
}
