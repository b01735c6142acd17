# shellcheck shell=bash
# The cache's directory, resolved here alone: common.sh sources this file, and so does a script that
# needs nothing else of common.sh. The harness's io.zdtmudp.harness.vm.CacheDir resolves it the same way.

# zdtm_cache_default HOME: the cache of a user with that home directory and no ZDTM_CACHE.
zdtm_cache_default() { printf '%s/.cache/zdtm-udp\n' "$1"; }

ZDTM_CACHE=${ZDTM_CACHE:-$(zdtm_cache_default "$HOME")}
