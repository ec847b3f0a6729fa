# bench/lib/prelude.sh — sourced by the bench scripts: release build under a lock, binaries, tools.
#
# The sourcing script sets `bench` (its name, for messages) and `products` (what it runs), then
# calls `bench_build` and `bench_binaries`; afterwards `$bin` is the absolute directory holding
# every product. Environment (documented in bench/README.md):
#   BENCH_SKIP_BUILD=1     use the release binaries already in .build/release
#   BENCH_BIN_DIR=dir      take the products from dir (implies BENCH_SKIP_BUILD)
#   SWIFT_BUILD_LOCK=path  serialise `swift build` with others through flock(1) on this file
#                          (default /tmp/swift-build.lock, used only when it already exists)

say() { printf '%s\n' "$*" >&2; }

# Exits 2 (could not measure) unless every named command is on PATH; `hint` says how to get them.
bench_require() {
    local hint=$1 missing=()
    shift
    for tool in "$@"; do
        command -v "$tool" >/dev/null || missing+=("$tool")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        say "bench/$bench: ${missing[*]} not found on PATH; $hint"
        exit 2
    fi
}

bench_build() {
    if [ -n "${BENCH_SKIP_BUILD:-}" ] || [ -n "${BENCH_BIN_DIR:-}" ]; then
        return 0
    fi
    bench_require "install Swift 6.3 (swift.org)" swift
    build_all() {
        # One product per invocation: `swift build` keeps only the last of several --product options.
        for product in "${products[@]}"; do
            say "[$bench] swift build -c release --product $product"
            swift build -c release --product "$product" >&2 9>&- || { say "bench/$bench: the release build of $product failed"; return 1; }
        done
    }
    local lock=${SWIFT_BUILD_LOCK:-/tmp/swift-build.lock} started=$SECONDS
    say "[$bench] building release binaries (${products[*]}); the first release build takes several minutes …"
    if command -v flock >/dev/null && { [ -n "${SWIFT_BUILD_LOCK:-}" ] || [ -w "$lock" ]; }; then
        # Shared machines: wait (bounded) for others' builds, then build anyway.
        exec 9>>"$lock"
        flock -w 600 9 || say "[$bench] $lock still held after 600 s; building without it"
        build_all || exit 2
        exec 9>&-  # releases the lock
    else
        build_all || exit 2
    fi
    say "[$bench] build done in $((SECONDS - started)) s"
}

bench_binaries() {
    bin=${BENCH_BIN_DIR:-$root/.build/release}
    case $bin in /*) ;; *) bin="$root/$bin" ;; esac
    for product in "${products[@]}"; do
        [ -x "$bin/$product" ] || {
            say "bench/$bench: $bin/$product is missing (build with: swift build -c release --product $product)"
            exit 2
        }
    done
}
