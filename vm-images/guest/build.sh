# shellcheck shell=bash
# The *_DIR/*_HASH globals set here are read by vm-images/build and later components.
# shellcheck disable=SC2034
# Guest component: initramfs.cpio.gz = busybox + /init + CRIU (patched and stock) + iproute2's ip
# + zdtm-agent + the CRIU RPC relay + static workloads + the kernel's UDP selftest + (hook) upstream zdtm tests.
# Cache entry: initramfs.cpio.gz and contents.txt (the file list, for humans).
# For a stock kernel (kernel/stock.sh) the guest also carries the kernel's modules under
# /lib/modules/<release>/ with load.list, which /init insmods in order, and /etc/zdtm-kernel says
# "stock"; it has no UDP repair kselftest nor stress binary (there is no UDP repair uAPI to build them
# against, and a stock kernel could not run them). Our kernels stay module-free.
#
# Hook for CRIU's own zdtm tests: if vm-images/zdtm/build.sh exists it is sourced, then
#   zdtm_tests_build <criu-src-dir> <out-dir>   (criu-src-dir: the patched, built CRIU tree; read only)
# and <out-dir> is copied to /opt/zdtm/upstream. Its files are part of the guest hash: build.sh itself,
# plus whatever `zdtm_tests_inputs` prints, one path a line, when that function exists.

GUEST_DIR_SRC=$VM_IMAGES_DIR/guest
AGENT_SRC_DIR=$GUEST_DIR_SRC/agent
# zdtm-criu-rpc: the peer of criu swrk for the harness's RPC client (CrMode.RPC), one file.
RPC_RELAY_SRC=$GUEST_DIR_SRC/rpc/criu-rpc.c
WORKLOADS_DIR=$REPO_DIR/zdtm-tests/workloads
ZDTM_HOOK=$VM_IMAGES_DIR/zdtm/build.sh
STRESS_SRC_DIR=$GUEST_DIR_SRC/stress
BUSYBOX_BIN=${BUSYBOX_BIN:-/bin/busybox}
# Debian programs copied into the guest with their shared libraries: vm-images/guest/programs.list
# (read by guest_programs, lib/requirements.sh). Not ss: busybox netstat and /proc/net/udp show the queues.

guest_have_agent() { compgen -G "$AGENT_SRC_DIR/*.c" >/dev/null; }

guest_hook_inputs() {
	[ -f "$ZDTM_HOOK" ] || return 0
	printf 'file:%s\n' "$ZDTM_HOOK"
	# The hook names its own inputs (its selection lists); run it in a subshell so it cannot leak state.
	(
		# shellcheck source=/dev/null
		. "$ZDTM_HOOK"
		if declare -F zdtm_tests_inputs >/dev/null; then
			# Canonical paths keep the hash independent of how the hook spells them.
			zdtm_tests_inputs | xargs -r realpath -e | LC_ALL=C sort | sed 's/^/file:/'
		fi
	)
}

guest_hash() {
	local hook_inputs=()
	mapfile -t hook_inputs < <(guest_hook_inputs)
	hash_inputs "kernel=$KERNEL_HASH" "criu=$CRIU_HASH" "criu-stock=$CRIU_STOCK_HASH" \
		"host=$(dpkg-query -W -f='${Package}=${Version} ' busybox-static libc6-dev gcc \
			$(guest_program_packages) 2>/dev/null)" \
		"file:$GUEST_DIR_SRC/build.sh" "file:$GUEST_DIR_SRC/init" "file:$GUEST_PROGRAMS_LIST" \
		"glob:$AGENT_SRC_DIR:*.c" "glob:$AGENT_SRC_DIR:*.h" "glob:$WORKLOADS_DIR:*.c" "glob:$WORKLOADS_DIR:*.h" \
		"glob:$STRESS_SRC_DIR:*.c" "file:$RPC_RELAY_SRC" \
		"hook=${#hook_inputs[@]}" "${hook_inputs[@]}"
}

# Copies the shared libraries (and the loader) a dynamic ELF needs to the same paths under ROOT.
guest_copy_libs() {
	local root=$1 bin=$2 libs lib
	libs=$(ldd "$bin" 2>&1 | awk '
		/not found/ { print "MISSING " $1; next }
		$2 == "=>" && $3 ~ /^\// { print $3; next }
		$1 ~ /^\// { print $1 }') || true
	if grep -q '^MISSING' <<<"$libs"; then
		die "guest: $bin needs libraries the build host lacks: $(grep '^MISSING' <<<"$libs" | cut -d' ' -f2 | xargs)"
	fi
	for lib in $libs; do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

guest_install_busybox() {
	local root=$1 applet real
	file -L "$BUSYBOX_BIN" 2>/dev/null | grep -q 'statically linked' ||
		die "guest: $BUSYBOX_BIN is not statically linked (install busybox-static)"
	install -m 0755 "$BUSYBOX_BIN" "$root/bin/busybox"
	# The real programs of programs.list (ip) win over the applets of the same name, wherever PATH puts them.
	real=" busybox $(guest_programs | awk '{ n = split($2, p, "/"); printf "%s ", p[n] }')"
	while IFS= read -r applet; do
		case $real in *" ${applet##*/} "*) continue ;; esac
		mkdir -p "$root/$(dirname "$applet")"
		[ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
	done < <("$BUSYBOX_BIN" --list-full)
}

guest_install_criu() {
	local root=$1
	# Only the binaries: headers, pkg-config and man pages are of no use in the guest.
	install -D -s -m 0755 "$CRIU_DIR/root/usr/sbin/criu" "$root/usr/sbin/criu"
	install -D -s -m 0755 "$CRIU_STOCK_DIR/root/opt/criu-stock/sbin/criu" "$root/opt/criu-stock/sbin/criu"
	guest_copy_libs "$root" "$root/usr/sbin/criu"
	guest_copy_libs "$root" "$root/opt/criu-stock/sbin/criu"
}

guest_install_programs() {
	local root=$1 programs pkg path
	programs=$(guest_programs) || return
	while read -r pkg path; do
		[ -n "$pkg" ] || continue
		[ -x "$path" ] || die "guest: $path not found (Debian package $pkg; ci/setup installs every package of $GUEST_PROGRAMS_LIST)"
		install -D -m 0755 "$path" "$root$path"
		guest_copy_libs "$root" "$path"
	done <<<"$programs"
}

guest_cc_static() {
	local out=$1; shift
	gcc -static -O2 -Wall -o "$out" "$@" || die "guest: compiling $* failed"
	strip "$out"
}

guest_build_agent() {
	local root=$1
	if ! guest_have_agent; then
		log "guest: WARNING: no $AGENT_SRC_DIR/*.c, building the guest without zdtm-agent (only zdtm.run= works)"
		return 0
	fi
	guest_cc_static "$root/usr/sbin/zdtm-agent" "$AGENT_SRC_DIR"/*.c
}

guest_build_rpc_relay() {
	guest_cc_static "$1/usr/sbin/zdtm-criu-rpc" "$RPC_RELAY_SRC"
}

guest_build_workloads() {
	local root=$1 c
	mkdir -p "$root/opt/zdtm/bin"
	for c in "$WORKLOADS_DIR"/*.c; do
		[ -f "$c" ] || continue
		guest_cc_static "$root/opt/zdtm/bin/$(basename "$c" .c)" "$c"
	done
}

# The selftest compiles against the patched uapi headers, so it sees the new SOL_UDP options.
guest_build_selftest() {
	local root=$1 src=$KERNEL_DIR/selftests/net/udp_repair.c
	[ -f "$src" ] || { log "guest: the kernel tree has no udp_repair selftest, skipping it"; return 0; }
	mkdir -p "$root/opt/zdtm/selftests"
	guest_cc_static "$root/opt/zdtm/selftests/udp_repair" -isystem "$KERNEL_DIR/headers/include" \
		-I "$KERNEL_DIR/selftests" "$src" -lpthread
}

# The UDP repair stress (KernelStressIT) needs the patched uapi header, like the selftest.
guest_build_stress() {
	local root=$1 src=$STRESS_SRC_DIR/udp_repair_stress.c
	[ -f "$src" ] || return 0
	# Your own bzImage (no tree) comes without uapi headers: no stress, as for the selftest (KernelStressIT skips).
	if [ ! -f "$KERNEL_DIR/headers/include/linux/udp.h" ]; then
		log "guest: the kernel has no installed uapi headers, skipping udp_repair_stress"
		return 0
	fi
	guest_cc_static "$root/opt/zdtm/bin/udp_repair_stress" -isystem "$KERNEL_DIR/headers/include" "$src" -lpthread
}

# A stock kernel's modules, in the order kernel/stock.sh resolved, and what /init reads to tell the kernels apart.
guest_install_kernel_modules() {
	local root=$1 dir
	if ! kernel_is_stock; then
		printf 'patched\n' >"$root/etc/zdtm-kernel"
		return 0
	fi
	printf 'stock\n' >"$root/etc/zdtm-kernel"
	dir=$root/lib/modules/$KERNEL_STOCK_RELEASE
	mkdir -p "$dir"
	cp "$KERNEL_DIR/modules/"*.ko "$KERNEL_DIR/modules/load.list" "$dir/"
}

# CRIU's zdtm tests depend on CRIU and the hook alone, not on the kernel: one cache entry serves the guest
# of every kernel of the matrix (it takes about two minutes to build).
zdtm_upstream_hash() {
	local hook_inputs=()
	mapfile -t hook_inputs < <(guest_hook_inputs)
	hash_inputs "criu=$CRIU_HASH" "host=$(dpkg-query -W -f='${Package}=${Version} ' libc6-dev gcc 2>/dev/null)" \
		"hook=${#hook_inputs[@]}" "${hook_inputs[@]}"
}

zdtm_upstream_build_into() {
	local out=$1
	(
		# shellcheck source=/dev/null
		. "$ZDTM_HOOK"
		declare -F zdtm_tests_build >/dev/null || die "guest: $ZDTM_HOOK does not define zdtm_tests_build"
		zdtm_tests_build "$CRIU_DIR/src" "$out"
	) || die "guest: zdtm_tests_build failed"
}

# Sets ZDTM_UPSTREAM_DIR (empty without the hook).
zdtm_upstream_component() {
	ZDTM_UPSTREAM_DIR=
	[ -f "$ZDTM_HOOK" ] || return 0
	if [ ! -d "$CRIU_DIR/src/test/zdtm" ]; then
		log "guest: no CRIU source tree with test/zdtm (your own criu binary): no upstream zdtm tests in the guest"
		return 0
	fi
	cache_component zdtm-upstream "$(zdtm_upstream_hash)" zdtm_upstream_build_into manifest.tsv
	ZDTM_UPSTREAM_DIR=$CACHE_DIR
}

guest_build_upstream_zdtm() {
	local root=$1
	[ -n "${ZDTM_UPSTREAM_DIR:-}" ] || return 0
	mkdir -p "$root/opt/zdtm/upstream"
	cp -a "$ZDTM_UPSTREAM_DIR/." "$root/opt/zdtm/upstream/"
	rm -f "$root/opt/zdtm/upstream/$CACHE_MANIFEST"
}

guest_populate() {
	local root=$1 d
	for d in bin sbin usr/bin usr/sbin dev proc sys tmp run mnt/host etc root opt/zdtm/bin var; do
		mkdir -p "$root/$d"
	done
	ln -s ../run "$root/var/run"
	# The kernel opens /dev/console for /init before anything is mounted; /init copes without it.
	mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || log "guest: cannot mknod (not root): /init opens the console itself"
	install -m 0755 "$GUEST_DIR_SRC/init" "$root/init"
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
	printf 'root:x:0:\n' >"$root/etc/group"
	printf '127.0.0.1 localhost\n::1 localhost\n' >"$root/etc/hosts"
	guest_install_busybox "$root"
	guest_install_criu "$root"
	guest_install_programs "$root"
	timed "guest: zdtm-agent" guest_build_agent "$root"
	timed "guest: CRIU RPC relay" guest_build_rpc_relay "$root"
	timed "guest: workloads" guest_build_workloads "$root"
	guest_install_kernel_modules "$root"
	if kernel_is_stock; then
		log "guest: stock kernel $ZDTM_KERNEL: no UDP repair kselftest nor stress binary"
	else
		guest_build_selftest "$root"
		guest_build_stress "$root"
	fi
	guest_build_upstream_zdtm "$root"
}

# newc, root-owned, sorted and without timestamps so the same inputs give the same bytes.
guest_pack() {
	local root=$1 out=$2
	(cd "$root" && find . -mindepth 1 -exec touch -h -d @0 {} + &&
		find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -9 -n >"$out"
}

guest_build_into() {
	local out=$1 root=$1/root
	mkdir -p "$root"
	# Run as a condition by cache_build, where set -e does not apply: each step stops the build itself.
	guest_populate "$root" || return
	(cd "$root" && find . -mindepth 1 | LC_ALL=C sort) >"$out/contents.txt" || return
	timed "guest: pack initramfs" guest_pack "$root" "$out/initramfs.cpio.gz" || return
	rm -rf "$root"
	log "guest: initramfs $(du -h "$out/initramfs.cpio.gz" | cut -f1) ($(wc -l <"$out/contents.txt") entries)"
}

# Sets GUEST_DIR, GUEST_HASH and GUEST_HAS_AGENT.
guest_component() {
	GUEST_HAS_AGENT=no
	guest_have_agent && GUEST_HAS_AGENT=yes
	zdtm_upstream_component
	GUEST_HASH=$(guest_hash)
	cache_component guest "$GUEST_HASH" guest_build_into initramfs.cpio.gz contents.txt
	GUEST_DIR=$CACHE_DIR
}
