// Types for release-notes.mjs, which stays plain JavaScript so that the release workflow needs no build.

export declare function changelogSection(changelog: string, version: string): string
