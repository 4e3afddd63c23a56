/**
 * Every page of a cursor-paged list, fetched as the loop asks for it: `fetchPage(undefined)` first,
 * then with each page's `next_cursor` until it is null.
 */
export async function* cursorPages<P>(fetchPage: (cursor: string | undefined) => Promise<P>, nextCursorOf: (page: P) => string | null): AsyncGenerator<P> {
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    yield page;
    cursor = nextCursorOf(page) ?? undefined;
  } while (cursor !== undefined);
}

/** The items of every page, one at a time: `for await (const webhook of client.webhooks.all()) …`. */
export async function* itemsOf<P, T>(pages: AsyncIterable<P>, itemsOfPage: (page: P) => readonly T[]): AsyncGenerator<T> {
  for await (const page of pages) yield* itemsOfPage(page);
}

/** Every page of an offset-paged list (`limit`/`offset`, `pagination.has_more`), fetched as the loop asks for it. */
export async function* offsetPages<P extends { readonly pagination: { readonly has_more: boolean } }>(
  fetchPage: (offset: number) => Promise<P>,
  sizeOf: (page: P) => number,
): AsyncGenerator<P> {
  let offset = 0;
  for (;;) {
    const page = await fetchPage(offset);
    yield page;
    const size = sizeOf(page);
    if (!page.pagination.has_more || size === 0) return;
    offset += size;
  }
}
