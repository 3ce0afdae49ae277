#!/usr/bin/env bash
# Fails when a tracked file points at something its readers do not have: files outside the
# repository, section numbers of a contract other than docs/contract.md, or the tracker and
# tasks the work was organised in. Prints every hit as file:line: text, then exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."

# The lock file is generated; this script names what it looks for.
not_here=(':(exclude)package-lock.json' ':(exclude).ci/check-references.sh')
failed=0

# Usage: check <what> <git grep options and patterns...>; pathspecs follow a `--`.
check() {
  local what=$1
  shift
  local hits
  # git grep exits 1 when nothing matches; that is the good case.
  hits=$(git grep -n -I "$@") || true
  if [[ -n $hits ]]; then
    failed=1
    printf '%s:\n%s\n\n' "$what" "$hits"
  fi
}

# The patterns are written with a bracket class so that this file does not match them itself.
check 'Paths outside the repository' -i -E -e '\.\./shar[e]d' -e 'shar[e]d/(docs|seed)' \
  -- . "${not_here[@]}"
# Case-sensitive: the project's own page is docs/contract.md.
check 'The contract by another file name' -E -e 'CONTRAC[T]\.md' -- . "${not_here[@]}"
check 'Section numbers outside docs/contract.md' -E -e '§ ?[0-9]' \
  -- . "${not_here[@]}" ':(exclude)docs/contract.md'
check 'How the work was organised (say what the code does instead)' -i -E \
  -e '\bissue ?#' -e '\bissue [0-9]' -e '\bthe issue\b' -- . "${not_here[@]}"

# A link to another project's issue tracker (https://github.com/owner/repo/issues/N) is fine;
# any other issues/ path is a pointer to this project's own work items.
tracker_hits=$(git grep -n -I -i -F 'issues/' -- . "${not_here[@]}" |
  sed -E 's#https?://[^[:space:])>"]*##g' | grep -i -F 'issues/') || true
if [[ -n $tracker_hits ]]; then
  failed=1
  printf '%s:\n%s\n\n' 'Links to work items' "$tracker_hits"
fi

if [[ $failed -ne 0 ]]; then
  echo 'check-references: the lines above point outside the repository or at how the work was' \
    'organised; say it in the repository'"'"'s own words (the contract is docs/contract.md).' >&2
  exit 1
fi
echo 'check-references: no reference outside the repository.'
