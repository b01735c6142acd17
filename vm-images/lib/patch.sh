# shellcheck shell=bash
# Patch helpers. Part of every patched component's hash: they decide what the sources become.

# apply_patches SRC_DIR PATCH... : applies in the given order, stopping at the first that fails.
apply_patches() {
	local src=$1 p; shift
	for p in "$@"; do
		log "applying $(basename "$p")"
		patch -d "$src" -p1 --batch --forward --fuzz=0 --quiet <"$p" ||
			die "patch $p does not apply to $src"
	done
}

# Sorted list of *.patch files in a directory (none is fine).
patch_series() {
	local dir=$1
	[ -d "$dir" ] || return 0
	find "$dir" -maxdepth 1 -type f -name '*.patch' | LC_ALL=C sort
}
