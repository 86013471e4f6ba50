import { describe, expect, it } from 'vitest';

import { DEFAULT_LIST_QUERY, MAX_SEARCH_TERM_CHARS, listQueryKey, listQueryParams, normalizeSearch } from './list-query';

describe('list query', () => {
  it('encodes order and search fields as URL parameters', () => {
    expect(listQueryParams(DEFAULT_LIST_QUERY)).toEqual({ sort: 'date', order: 'desc' });
    expect(listQueryParams({ sort: 'from', descending: false, search: { text: 'x', unread: true, flagged: false, since: '2024-01-02' } })).toEqual({
      sort: 'from',
      order: 'asc',
      's.text': 'x',
      's.since': '2024-01-02',
      's.unread': '1',
    });
  });

  it('drops empty fields, cuts long terms and gives equal keys to equal views', () => {
    expect(normalizeSearch({ text: ' ', from: '' })).toBeNull();
    expect(normalizeSearch({ text: 'y'.repeat(MAX_SEARCH_TERM_CHARS + 50) })?.text).toHaveLength(MAX_SEARCH_TERM_CHARS);
    expect(listQueryKey({ ...DEFAULT_LIST_QUERY, search: { text: ' ' } })).toBe(listQueryKey(DEFAULT_LIST_QUERY));
  });
});
