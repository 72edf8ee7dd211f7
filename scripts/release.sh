#!/usr/bin/env bash
# Tags a release of the action: bash scripts/release.sh v1.2.3
# Checks that the working tree is clean, that the committed dist/ is a fresh build of it, that
# package.json has the version and CHANGELOG.md a section for it, then creates the annotated tag v1.2.3
# on HEAD. It pushes nothing: it prints the `git push` command. Pushing the tag starts the release
# workflow (.github/workflows/release.yml), which checks dist/ again, creates the GitHub Release with the
# CHANGELOG section as its notes (scripts/release-notes.mjs) and moves the major tag (v1) to it, which is
# what `uses: ...@v1` follows. --move-major also moves the major tag here, for a repository without it.
set -euo pipefail
cd "$(dirname "$0")/.."
# Node 24 and the build tools from node_modules, as in CI.
export PATH="$PWD/node_modules/.bin:$PATH"

die() {
  echo "release: $*" >&2
  exit 1
}

version=${1:-}
move_major=${2:-}
if [[ ! $version =~ ^v([0-9]+)\.([0-9]+)\.([0-9]+)(-[0-9A-Za-z.-]+)?$ ]]; then
  die "usage: scripts/release.sh vMAJOR.MINOR.PATCH [--move-major] (e.g. v1.2.3, or v1.3.0-rc.1 for a pre-release)"
fi
major="v${BASH_REMATCH[1]}"
prerelease=${BASH_REMATCH[4]}

# Untracked files count too: they could be part of what was built or tested.
if [[ -n $(git status --porcelain) ]]; then
  git status --short >&2
  die "the working tree is not clean: commit or remove the changes above first"
fi
if git rev-parse -q --verify "refs/tags/$version" >/dev/null; then
  die "tag $version already exists (on $(git rev-list -n 1 "$version")); releases are never re-tagged"
fi

echo "== dist/ equals a fresh build of $(git rev-parse --short HEAD)"
bash scripts/check-dist.sh
# check-dist.sh builds into lib/ (ignored) and a scratch directory; make sure it changed nothing tracked.
[[ -z $(git status --porcelain) ]] || die "the build changed tracked files: $(git status --short | head -5)"

# The release workflow refuses a tag whose version the code or the changelog does not have: check now.
number=${version#v}
package_version=$(node -p "require('./package.json').version")
[[ $package_version == "$number" ]] ||
  die "package.json says version $package_version, the tag says $number: run 'npm version $number --no-git-tag-version', update ACTION_VERSION in src/constants.ts, commit"
node scripts/release-notes.mjs "$version" >/dev/null ||
  die "move the Unreleased entries of CHANGELOG.md to a '## [$number] - DATE' section first"

commit=$(git rev-parse HEAD)
git tag -a "$version" -m "ecs-teardown $version" "$commit"
echo "Created tag $version on $commit"

if [[ $move_major != --move-major ]]; then
  printf '\nPush it with (the release workflow then creates the GitHub Release%s):\n' \
    "$([[ -n $prerelease ]] && echo ', marked pre-release' || echo " and moves $major")"
  echo "  git push origin refs/tags/$version"
  exit 0
fi

if [[ -n $prerelease ]]; then
  echo "Pre-release: $major stays where it is."
  printf '\nPush it with:\n  git push origin refs/tags/%s\n' "$version"
  exit 0
fi

previous=$(git rev-parse -q --verify "refs/tags/$major^{commit}" || true)
git tag -f -a "$major" -m "$major -> $version: moved by scripts/release.sh (was ${previous:-not set})" "$commit" >/dev/null
if [[ -n $previous ]]; then
  echo "Moved $major from $previous to $version ($commit)"
else
  echo "Created $major on $version ($commit)"
fi
printf '\nPush them with (the major tag needs --force once it exists on the remote):\n'
echo "  git push origin refs/tags/$version"
echo "  git push --force origin refs/tags/$major"
