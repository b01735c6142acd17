# shellcheck shell=bash
# Builds CRIU's own zdtm static tests for the guest, from the CRIU source tree the engine is built from.
#
# Sourced by the guest build (vm-images engineer). Interface:
#   zdtm_tests_inputs                       prints the files whose content decides the output (for the cache hash)
#   zdtm_tests_build <criu-src-dir> <out>   builds the tests named in the selection lists into <out>
#
# <out> layout (copied into the initramfs at /opt/zdtm/upstream):
#   static/<name>          the test, stripped, linked against the guest's glibc
#   static/<name>.desc     the test's .desc when upstream has one (absent = the empty dict)
#   manifest.tsv           one line per test: "static/<name>\t<extra args>", the arguments besides
#                          --pidfile/--outfile that upstream's Makefile passes when it starts the test
#                          (e.g. --filename=<name>.test); the Java runner reads it.
#   criu-version           the CRIU version the tests come from
#   bin/tar                GNU tar (a wrapper running tools/tar with libs/): CRIU dumps and restores the
#                          tmpfs mounts of a namespaced test (its /run) by exec'ing tar with GNU options that
#                          busybox tar lacks; the runner puts bin/ first in CRIU's PATH
#   libs/<abs path>        the shared libraries the tests need (ld.so included), at the path the loader
#                          looks for them; the runner copies them into the root of a namespaced test
#                          (flavors ns/uns), as zdtm.py does. In the host flavor the guest's own copies
#                          (those criu uses) serve.
#
# Why not static: a statically linked zdtm test weighs about 0.9 MB (glibc), the lists would add about
# 90 MB to the initramfs; dynamically linked they take about 4 MB and share the libc criu needs anyway.
#
# Only the tests named in zdtm-tests/src/test/resources/zdtm/*.list are built: the full suite takes minutes,
# the lists take seconds.
#
# Standalone use (by hand, outside the guest build):
#   bash -c 'source vm-images/zdtm/build.sh && zdtm_tests_build /path/to/criu-4.2.1 /tmp/zdtm-out'

_zdtm_here() {
	cd "$(dirname "${BASH_SOURCE[0]}")" && pwd
}

_zdtm_lists_dir() {
	echo "$(_zdtm_here)/../../zdtm-tests/src/test/resources/zdtm"
}

_zdtm_die() {
	echo "zdtm_tests_build: $*" >&2
	return 1
}

zdtm_tests_inputs() {
	local here lists
	here=$(_zdtm_here) || return 1
	lists=$(_zdtm_lists_dir) || return 1
	echo "$here/build.sh"
	ls "$lists"/*.list
}

# Test names (static/<name>) of every list, without duplicates; a list line is "<name> [modifiers...]".
_zdtm_selected_tests() {
	local lists
	lists=$(_zdtm_lists_dir) || return 1
	sed -e 's/^[[:space:]]*//' -e '/^#/d' -e '/^$/d' "$lists"/*.list | awk '{print $1}' | sort -u
}

# The command line upstream's Makefile would run to start one test, minus the program and the
# pidfile/outfile pair (the runner supplies those). `make -n` reads it from the Makefile's own rules, so
# tests with a file, a directory or custom arguments need no table of ours.
_zdtm_extra_args() {
	local dir=$1 name=$2 line
	line=$(make --no-print-directory -s -n -C "$dir" "$name.pid" 2>/dev/null | grep -F -- "--pidfile=$name.pid" | tail -n1)
	[ -n "$line" ] || return 1
	# shellcheck disable=SC2086
	set -- $line
	shift
	local out=()
	for a in "$@"; do
		case $a in
		--pidfile=* | --outfile=*) ;;
		*) out+=("$a") ;;
		esac
	done
	echo "${out[*]}"
}

zdtm_tests_build() {
	local src=$1 out=$2
	[ -n "$src" ] && [ -n "$out" ] || _zdtm_die "usage: zdtm_tests_build <criu-src-dir> <out-dir>" || return 1
	[ -f "$src/test/zdtm/lib/test.c" ] || _zdtm_die "$src is not a CRIU source tree (no test/zdtm/lib/test.c)" || return 1

	local tests
	tests=$(_zdtm_selected_tests) || _zdtm_die "cannot read the selection lists in $(_zdtm_lists_dir)" || return 1
	[ -n "$tests" ] || _zdtm_die "the selection lists name no test" || return 1

	local name missing=()
	for name in $tests; do
		case $name in
		static/*) [ -f "$src/test/zdtm/$name.c" ] || missing+=("$name") ;;
		*) _zdtm_die "only static tests are supported, not $name" || return 1 ;;
		esac
	done
	[ ${#missing[@]} -eq 0 ] || _zdtm_die "not in $src/test/zdtm: ${missing[*]}" || return 1

	# Build in a scratch copy: the source tree may be a shared cache entry and make writes next to the sources.
	local work
	work=$(mktemp -d "${TMPDIR:-/tmp}/zdtm-tests.XXXXXX") || return 1
	cp -a "$src/test/zdtm/lib" "$src/test/zdtm/static" "$src/test/zdtm/Makefile.inc" "$work/" || {
		rm -rf "$work"
		return 1
	}

	local jobs=${ZDTM_BUILD_JOBS:-2} bins=()
	for name in $tests; do bins+=("${name#static/}"); done

	echo "zdtm: building libzdtmtst and ${#bins[@]} static tests"
	if ! nice -n 10 make --no-print-directory -s -j"$jobs" -C "$work/lib" libzdtmtst.a ||
		! nice -n 10 make --no-print-directory -s -j"$jobs" -C "$work/static" "${bins[@]}"; then
		rm -rf "$work"
		_zdtm_die "make failed in $work (see the compiler output above)"
		return 1
	fi

	rm -rf "$out"
	mkdir -p "$out/static" || { rm -rf "$work"; return 1; }
	: >"$out/manifest.tsv"
	local b args
	for b in "${bins[@]}"; do
		install -s -m 0755 "$work/static/$b" "$out/static/$b" || { rm -rf "$work"; return 1; }
		[ -s "$src/test/zdtm/static/$b.desc" ] && install -m 0644 "$src/test/zdtm/static/$b.desc" "$out/static/$b.desc"
		args=$(_zdtm_extra_args "$work/static" "$b") || {
			rm -rf "$work"
			_zdtm_die "cannot read how upstream starts static/$b (make -n $b.pid)"
			return 1
		}
		printf 'static/%s\t%s\n' "$b" "$args" >>"$out/manifest.tsv"
	done
	_zdtm_criu_version "$src" >"$out/criu-version"
	_zdtm_copy_libs "$out" "${bins[@]/#/$out/static/}" || { rm -rf "$work"; return 1; }
	_zdtm_install_gnu_tar "$out" || { rm -rf "$work"; return 1; }
	rm -rf "$work"
	echo "zdtm: $(wc -l <"$out/manifest.tsv") tests in $out ($(du -sh "$out" | cut -f1))"
}

# Copies every shared library the given programs load (ldd's resolved paths, the loader too) to
# <out>/libs/<same path>. A library ldd cannot find is an error here, not a confusing ENOENT in the guest.
_zdtm_copy_libs() {
	local out=$1 lib
	shift
	local libs
	libs=$(for p in "$@"; do ldd "$p" 2>&1; done | awk '
		/not found/ { print "MISSING " $1; next }
		$2 == "=>" && $3 ~ /^\// { print $3; next }
		$1 ~ /^\// { print $1 }' | sort -u)
	if grep -q '^MISSING' <<<"$libs"; then
		_zdtm_die "libraries not found on the build host: $(grep '^MISSING' <<<"$libs" | cut -d' ' -f2 | xargs)"
		return 1
	fi
	for lib in $libs; do
		mkdir -p "$out/libs$(dirname "$lib")" && cp -L "$lib" "$out/libs$lib" || return 1
	done
}

# GNU tar from the build host, run through the loader with libs/ as its library path, so it works in the
# guest's own root (which has only the libraries criu needs) and needs no ldconfig.
_zdtm_install_gnu_tar() {
	local out=$1 tar
	tar=$(command -v tar) && "$tar" --version 2>/dev/null | head -n1 | grep -q 'GNU tar' ||
		{ _zdtm_die "no GNU tar on the build host (apt-get install tar)"; return 1; }
	mkdir -p "$out/tools" "$out/bin" && install -m 0755 "$tar" "$out/tools/tar" || return 1
	_zdtm_copy_libs "$out" "$tar" || return 1
	cat >"$out/bin/tar" <<-'WRAPPER'
		#!/bin/sh
		# GNU tar for CRIU (see vm-images/zdtm/build.sh).
		d=/opt/zdtm/upstream
		exec "$d/libs/lib64/ld-linux-x86-64.so.2" --library-path "$d/libs/lib/x86_64-linux-gnu" "$d/tools/tar" "$@"
	WRAPPER
	chmod 0755 "$out/bin/tar"
}

_zdtm_criu_version() {
	local mk=$1/Makefile.versions
	if [ -f "$mk" ]; then
		awk -F'[ :=]+' '/^CRIU_VERSION_MAJOR/{a=$2} /^CRIU_VERSION_MINOR/{b=$2} /^CRIU_VERSION_SUBLEVEL/{c=$2} END{print a"."b (c!=""?"."c:"")}' "$mk"
	else
		echo unknown
	fi
}
