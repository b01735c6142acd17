# shellcheck shell=bash
# The *_DIR/*_HASH globals set here are read by vm-images/build and later components.
# shellcheck disable=SC2034
# Helpers shared by the vm-images components: logging, timing, input hashing and the
# content-addressed cache (<cache>/<component>-<hash16>/, built in a temp dir, renamed on success).

VM_IMAGES_DIR=${VM_IMAGES_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
# shellcheck source=vm-images/lib/cache-dir.sh
. "$VM_IMAGES_DIR/lib/cache-dir.sh"
REPO_DIR=${REPO_DIR:-$(cd "$VM_IMAGES_DIR/.." && pwd)}
# Parallelism is capped: the machine is shared and has 2 cores.
BUILD_JOBS=${BUILD_JOBS:-2}

log() { printf '[vm-images %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { printf '[vm-images] ERROR: %s\n' "$*" >&2; exit 1; }

# Runs "$@" and logs how long it took, so slow steps are visible in every CI log.
timed() {
	local label=$1; shift
	local start=$SECONDS rc=0
	log "$label ..."
	"$@" || rc=$?
	if [ "$rc" -ne 0 ]; then
		log "$label FAILED after $((SECONDS - start))s (exit $rc)"
		return "$rc"
	fi
	log "$label done in $((SECONDS - start))s"
}

# hash_inputs LINE... : each argument is either "file:<path>" (content hashed, path relative to the
# repo when inside it), "glob:<dir>:<pattern>" (sorted matching files; an empty match is an input too)
# or a literal "key=value" string. Prints the first 16 hex digits of the sha256 over the manifest.
hash_inputs() {
	local arg path rel dir pattern f
	{
		for arg in "$@"; do
			case $arg in
			file:*)
				path=${arg#file:}
				[ -f "$path" ] || die "hash input missing: $path"
				rel=${path#"$REPO_DIR"/}
				printf 'file %s %s\n' "$rel" "$(sha256sum <"$path" | cut -d' ' -f1)"
				;;
			glob:*)
				dir=${arg#glob:}; pattern=${dir#*:}; dir=${dir%%:*}
				printf 'glob %s/%s\n' "${dir#"$REPO_DIR"/}" "$pattern"
				if [ -d "$dir" ]; then
					while IFS= read -r f; do
						printf 'file %s %s\n' "${f#"$REPO_DIR"/}" "$(sha256sum <"$f" | cut -d' ' -f1)"
					done < <(find "$dir" -maxdepth 1 -type f -name "$pattern" | LC_ALL=C sort)
				fi
				;;
			*) printf 'value %s\n' "$arg" ;;
			esac
		done
	} | sha256sum | cut -c1-16
}

# cache_component NAME HASH BUILD_FN REQUIRED_FILE...
# Sets CACHE_DIR to <cache>/NAME-HASH. On a hit (every required file present) nothing is built.
# A required file may be a symlink: it must resolve, and is not checksummed.
# Otherwise BUILD_FN runs with a fresh temp dir as $1 and the result is renamed into place.
# Builders of the same entry take turns (flock), so a second one waits and then finds a hit.
cache_component() {
	local name=$1 hash=$2 build_fn=$3; shift 3
	local dir="$ZDTM_CACHE/$name-$hash" lockfd
	CACHE_DIR=$dir
	cache_hit "$name" "$dir" "$@" && return 0
	mkdir -p "$ZDTM_CACHE"
	exec {lockfd}>"$ZDTM_CACHE/.lock-$name-$hash"
	if ! flock -n "$lockfd"; then
		log "$name: another process is building $name-$hash, waiting for it (at most ${ZDTM_LOCK_TIMEOUT}s)"
		flock -w "$ZDTM_LOCK_TIMEOUT" "$lockfd" || die "$name: still locked after ${ZDTM_LOCK_TIMEOUT}s"
		if cache_hit "$name" "$dir" "$@"; then
			exec {lockfd}>&-
			return 0
		fi
	fi
	cache_build "$name" "$hash" "$build_fn" "$@"
	exec {lockfd}>&-
}

# ZDTM_LOCK_TIMEOUT bounds the wait for another build of the same entry (a cold kernel build
# on a busy 2-core machine takes well under an hour).
ZDTM_LOCK_TIMEOUT=${ZDTM_LOCK_TIMEOUT:-3600}

# cache_hit NAME DIR REQUIRED_FILE... : true when DIR is complete and matches its manifest.
# An incomplete DIR is removed; one that disagrees with its manifest is moved aside for inspection.
cache_hit() {
	local name=$1 dir=$2 missing bad aside; shift 2
	[ -d "$dir" ] || return 1
	missing=$(cache_missing "$dir" "$@")
	if [ -n "$missing" ]; then
		log "$name: cache entry $dir is incomplete (missing:$missing), rebuilding"
		rm -rf "$dir"
		return 1
	fi
	if [ ! -f "$dir/$CACHE_MANIFEST" ]; then
		# Entries made before manifests existed: trust them once rather than rebuild a kernel.
		cache_manifest_write "$dir" && log "$name: recorded a manifest for the older entry $dir"
	elif ! bad=$(cache_verify "$dir" "$@"); then
		aside="$ZDTM_CACHE/.corrupt-$(basename "$dir").$(date -u +%Y%m%dT%H%M%S).$$"
		if mv -T "$dir" "$aside" 2>/dev/null; then
			log "$name: cache entry $dir is CORRUPT ($bad); moved it aside to $aside, rebuilding"
		else
			log "$name: cache entry $dir is CORRUPT ($bad) and could not be moved aside, rebuilding"
			rm -rf "$dir"
		fi
		return 1
	fi
	log "$name: cache hit $dir"
	return 0
}

# Every finished entry carries a manifest: "<size> <sha256> <path>" for each regular file, sorted by
# path. A hit checks the size of every file and the sha256 of the required outputs, the files the next
# stage reads (ZDTM_CACHE_VERIFY=full hashes every file).
CACHE_MANIFEST=.zdtm-manifest
ZDTM_CACHE_VERIFY=${ZDTM_CACHE_VERIFY:-fast}

cache_manifest_write() {
	local dir=$1 tmp
	tmp=$(mktemp "$dir/$CACHE_MANIFEST.XXXXXX") || return 1
	if ! cache_manifest_of "$dir" >"$tmp"; then
		rm -f "$tmp"
		return 1
	fi
	chmod 644 "$tmp"
	mv "$tmp" "$dir/$CACHE_MANIFEST"
}

cache_manifest_of() {
	local dir=$1
	(
		cd "$dir" || exit 1
		# sha256sum prints "<64 hex>  <path>"; the sizes come from one find, joined by path.
		awk 'NR == FNR { size[substr($0, index($0, " ") + 1)] = $1; next }
			{ path = substr($0, 67); print size[path], substr($0, 1, 64), path }' \
			<(find . -type f ! -name "$CACHE_MANIFEST*" -printf '%s %P\n') \
			<(find . -type f ! -name "$CACHE_MANIFEST*" -printf '%P\0' | LC_ALL=C sort -z | xargs -0 -r sha256sum --)
	)
}

# cache_verify DIR REQUIRED_FILE... : prints what disagrees with the manifest and fails, or prints nothing.
cache_verify() {
	local dir=$1 f want sum; shift
	local -A hash_of=()
	local sizes problems
	sizes=$(cd "$dir" && find . -type f ! -name "$CACHE_MANIFEST*" -printf '%s %P\n')
	problems=$(awk 'NR == FNR { size[substr($0, index($0, " ") + 1)] = $1; next }
		{ path = substr($0, length($1) + length($2) + 3)
		  if (!(path in size)) print path ": missing"
		  else if (size[path] != $1) print path ": " size[path] " bytes, manifest says " $1 }' \
		<(printf '%s\n' "$sizes") "$dir/$CACHE_MANIFEST")
	while read -r _ sum f; do hash_of[$f]=$sum; done <"$dir/$CACHE_MANIFEST"
	if [ "$ZDTM_CACHE_VERIFY" = full ]; then
		set -- "${!hash_of[@]}"
	fi
	for f in "$@"; do
		# A link into another entry (zdtm-parity's bzImage) has no bytes here; cache_missing saw it resolve.
		[ -L "$dir/$f" ] && continue
		want=${hash_of[$f]:-}
		# A required output the manifest does not list: the manifest itself is damaged.
		if [ -z "$want" ] && [ -f "$dir/$f" ]; then
			problems+=${problems:+$'\n'}"$f: not in the manifest"
			continue
		fi
		[ -f "$dir/$f" ] || continue
		sum=$(sha256sum <"$dir/$f" | cut -d' ' -f1)
		[ "$sum" = "$want" ] || problems+=${problems:+$'\n'}"$f: sha256 differs"
	done
	[ -z "$problems" ] && return 0
	printf '%s' "$problems" | head -5 | paste -sd';' | sed 's/;/; /g'
	return 1
}

cache_build() {
	local name=$1 hash=$2 build_fn=$3 dir="$ZDTM_CACHE/$1-$2" tmp missing; shift 3
	cache_sweep_stale_tmp
	tmp="$ZDTM_CACHE/.tmp-$name-$hash.$$"
	rm -rf "$tmp" && mkdir -p "$tmp"
	# The temp dir goes away on failure or interruption, so a broken build never looks like an entry.
	CACHE_TMP=$tmp
	if ! timed "$name: build ($hash)" "$build_fn" "$tmp"; then
		rm -rf "$tmp"
		die "$name: build failed"
	fi
	missing=$(cache_missing "$tmp" "$@")
	if [ -n "$missing" ]; then
		rm -rf "$tmp"
		die "$name: build finished but did not produce:$missing"
	fi
	cache_manifest_write "$tmp" || { rm -rf "$tmp"; die "$name: could not write the cache manifest"; }
	chmod 755 "$tmp"
	# Without the lock (another cache user) an equivalent entry may already be there: keep it.
	if ! mv -T "$tmp" "$dir" 2>/dev/null; then
		log "$name: $dir appeared concurrently, keeping it"
		rm -rf "$tmp"
	fi
	CACHE_TMP=
	log "$name: cached at $dir"
}

cache_cleanup_on_exit() {
	if [ -n "${CACHE_TMP:-}" ]; then
		rm -rf "$CACHE_TMP"
	fi
}
trap cache_cleanup_on_exit EXIT
# Turn signals into exits so the EXIT trap runs (after the running command, e.g. make, returns).
trap 'exit 130' INT
trap 'exit 143' TERM

# Temp dirs are named .tmp-<component>-<hash>.<pid>; one whose builder is gone is garbage.
cache_sweep_stale_tmp() {
	local d pid
	for d in "$ZDTM_CACHE"/.tmp-*; do
		[ -d "$d" ] || continue
		pid=${d##*.}
		case $pid in *[!0-9]* | '') continue ;; esac
		if ! kill -0 "$pid" 2>/dev/null; then
			log "removing stale temp dir $d"
			rm -rf "$d"
		fi
	done
}

cache_missing() {
	local dir=$1 f; shift
	for f in "$@"; do
		[ -e "$dir/$f" ] || printf ' %s' "$f"
	done
}

sha256_of() { sha256sum <"$1" | cut -d' ' -f1; }

# The host's Debian mirrors (debian_mirror, debian_mirror_for_suite): the kernel, CRIU and stock-kernel
# downloads all go to the archive this machine's apt already uses.
# shellcheck source=vm-images/lib/apt-mirror.sh
. "$VM_IMAGES_DIR/lib/apt-mirror.sh"
