#!/usr/bin/env bash
# Release build: static binaries of rampart for every supported platform,
# packed with the README and licence files, and a SHA-256 checksum file.
#
#   scripts/release.sh v1.2.3     # writes dist/ for version v1.2.3
#   scripts/release.sh            # version from the tag on HEAD (git describe)
#   scripts/release.sh --check    # only builds every target (CI), writes nothing
#
# The build is reproducible: the same commit and version give the same
# bytes (-trimpath, no build id, no VCS stamp, archive times and owners
# fixed to the commit's).
set -euo pipefail

cd "$(dirname "$0")/.."

# Keep in step with the README's install section.
TARGETS="linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64"

build() { # build GOOS GOARCH OUTPUT VERSION
	CGO_ENABLED=0 GOOS=$1 GOARCH=$2 go build -trimpath -buildvcs=false \
		-ldflags "-s -w -buildid= -X main.version=$4" -o "$3" ./cmd/rampart
}

if [ "${1:-}" = "--check" ]; then
	for t in $TARGETS; do
		echo "build ${t}"
		build "${t%/*}" "${t#*/}" /dev/null check
	done
	exit 0
fi

version=${1:-$(git describe --tags --exact-match 2>/dev/null || true)}
if [ -z "$version" ]; then
	echo "no version: tag the commit (git tag v1.2.3) or pass the version as the first argument" >&2
	exit 2
fi
case "$version" in
v[0-9]*) ;;
*)
	echo "version $version: want a tag like v1.2.3" >&2
	exit 2
	;;
esac

# The archives must hold what the commit holds: a changed or untracked file
# would make them differ from a rebuild of the same version.
if [ -n "$(git status --porcelain --untracked-files=normal)" ]; then
	echo "the working tree has uncommitted changes (git status): commit or stash them, then build the release" >&2
	exit 2
fi

# Archive times come from the commit, not the clock.
epoch=$(git log -1 --format=%ct)
export SOURCE_DATE_EPOCH=$epoch

rm -rf dist
mkdir -p dist
for t in $TARGETS; do
	os=${t%/*} arch=${t#*/}
	name="rampart_${version#v}_${os}_${arch}"
	stage="dist/$name"
	mkdir -p "$stage"
	exe=rampart
	[ "$os" = windows ] && exe=rampart.exe
	echo "build $t -> dist/$name"
	build "$os" "$arch" "$stage/$exe" "$version"
	cp README.md "$stage/"
	[ -f LICENSE ] && cp LICENSE "$stage/"
	touch -d "@$epoch" "$stage" "$stage"/*
	if [ "$os" = windows ]; then
		(cd dist && find "$name" | LC_ALL=C sort | TZ=UTC zip -q -X -D "$name.zip" -@)
	else
		tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner -C dist -cf - "$name" | gzip -9 -n >"dist/$name.tar.gz"
	fi
	rm -rf "$stage"
done
(cd dist && sha256sum -- *.tar.gz *.zip >checksums.txt)
echo "wrote dist/ ($(wc -l <dist/checksums.txt) archives, dist/checksums.txt)"
