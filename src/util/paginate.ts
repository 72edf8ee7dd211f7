/**
 * Every page of a list call. Skipping pages past the first is the most common way teardown tools
 * leave services behind, so every list goes through here.
 */
export async function paginate<T>(
  fetchPage: (nextToken: string | undefined) => Promise<{ items: T[]; nextToken?: string }>
): Promise<T[]> {
  const all: T[] = []
  const seen = new Set<string>()
  let token: string | undefined
  do {
    const page = await fetchPage(token)
    all.push(...page.items)
    token = page.nextToken || undefined
    // A token that comes back twice would loop forever; AWS never does this, a broken proxy might.
    if (token !== undefined) {
      if (seen.has(token)) throw new Error('the list call returned the same nextToken twice')
      seen.add(token)
    }
  } while (token !== undefined)
  return all
}

/**
 * Every page of a list call whose caller takes each page's items itself (the token may be called
 * Marker, NextMarker or NextToken): `read` handles one page and returns the token of the next.
 */
export async function forEachPage(
  read: (token: string | undefined) => Promise<string | undefined>
): Promise<void> {
  await paginate(async token => ({ items: [], nextToken: await read(token) }))
}
