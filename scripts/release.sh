#!/usr/bin/env bash
# Tags a release of the action: bash scripts/release.sh v1.2.3
# Checks that the working tree is clean and that the committed dist/ is a fresh build of it, creates the
# annotated tag v1.2.3 on HEAD and moves the major tag (v1) to it, which is what `uses: ...@v1` follows.
# It pushes nothing: it prints the two `git push` commands to run.
set -euo pipefail
cd "$(dirname "$0")/.."
# Node 24 and the build tools from node_modules, as in CI.
export PATH="$PWD/node_modules/.bin:$PATH"

die() {
  echo "release: $*" >&2
  exit 1
}

version=${1:-}
if [[ ! $version =~ ^v([0-9]+)\.([0-9]+)\.([0-9]+)(-[0-9A-Za-z.-]+)?$ ]]; then
  die "usage: scripts/release.sh vMAJOR.MINOR.PATCH (e.g. v1.2.3, or v1.3.0-rc.1 for a pre-release)"
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

# Worth a look, not a reason to stop: the version in the code and the changelog's entry.
number=${version#v}
package_version=$(node -p "require('./package.json').version")
[[ $package_version == "$number" ]] ||
  echo "release: warning: package.json says version $package_version, the tag says $number" >&2
grep -qs "^## \[$number\]" CHANGELOG.md ||
  echo "release: warning: CHANGELOG.md has no '## [$number]' section (move Unreleased there first)" >&2

commit=$(git rev-parse HEAD)
git tag -a "$version" -m "ecs-teardown $version" "$commit"
echo "Created tag $version on $commit"

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
