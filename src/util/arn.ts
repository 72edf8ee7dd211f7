/**
 * The last part of an ARN's resource (`…:service/cluster/web` → `web`, `…:task-definition/app:7` →
 * `app:7`), or the string itself when it has no `/` (a name given instead of an ARN).
 */
export function lastPartOfArn(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1)
}
