#!/usr/bin/env bash
# Builds a Go command-line tool from the Go module proxy into a cached,
# versioned directory and prints the binary's path on stdout:
#
#   bash deploy/tools/install-go-tool.sh promtool    # as go-tools.txt pins it
#   bash deploy/tools/install-go-tool.sh promtool \
#       github.com/prometheus/prometheus/cmd/promtool v0.316.0
#
# The tool lands in $ORDERFLOW_TOOLS_DIR/<name>-<version>/<name> (default
# $HOME/.cache/orderflow-tools). A binary already there is reused without
# touching the network, so repeated test runs build each tool once. The
# build goes to a temporary directory first and is moved into place whole;
# a lock keeps two concurrent runs from building the same tool twice.
# Needs Go (on PATH or in /usr/local/go/bin); build progress goes to stderr.
set -euo pipefail

if (($# == 1)); then
  pinned=$(awk -v n="$1" '$1 == n { print $2, $3 }' "$(dirname "$0")/go-tools.txt")
  if [[ -z $pinned ]]; then
    echo "install-go-tool: $1 is not in $(dirname "$0")/go-tools.txt" >&2
    exit 2
  fi
  set -- "$1" $pinned
fi
if (($# != 3)); then
  echo "usage: $0 NAME [MODULE/PATH/TO/CMD VERSION]" >&2
  exit 2
fi
name=$1 package=$2 version=$3
tools_dir=${ORDERFLOW_TOOLS_DIR:-$HOME/.cache/orderflow-tools}
dir="$tools_dir/$name-$version"
binary="$dir/$name"

if [[ -x $binary ]]; then
  echo "$binary"
  exit 0
fi

go=$(command -v go || true)
if [[ -z $go && -x /usr/local/go/bin/go ]]; then go=/usr/local/go/bin/go; fi
if [[ -z $go ]]; then
  echo "install-go-tool: Go is needed to build $name $version: a Go toolchain" \
       "recent enough for its go.mod, on PATH or in /usr/local/go" >&2
  exit 1
fi

mkdir -p "$tools_dir"
exec 9>"$tools_dir/.$name-$version.lock"
flock 9
if [[ ! -x $binary ]]; then  # another run may have built it while we waited
  staging=$(mktemp -d "$tools_dir/.$name-$version.XXXXXX")
  trap 'rm -rf "$staging"' EXIT
  echo "install-go-tool: building $name $version (first time only; a few minutes)" >&2
  start=$SECONDS
  # CGO off: a static binary that needs no C toolchain; -p 2 stays within
  # a two-core machine's budget.
  CGO_ENABLED=0 GOBIN="$staging" GOFLAGS="${GOFLAGS:-} -p=2" \
    "$go" install "$package@$version" >&2
  rm -rf "$dir"
  mkdir -p "$dir"
  mv "$staging/$name" "$binary"
  echo "install-go-tool: $name $version built in $((SECONDS - start)) s" >&2
fi
echo "$binary"
