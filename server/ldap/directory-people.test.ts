import type { Entry } from 'ldapts';
import { describe, expect, it } from 'vitest';

import type { Directory, DirectorySearch } from './directory';
import { DIRECTORY_SIZE_LIMIT, MAX_DIRECTORY_NAME_CHARS, findPeople, personFromEntry } from './directory-people';

/** A directory that answers with fixed entries and remembers what it was asked. */
function fakeDirectory(entries: Entry[]) {
  const asked: DirectorySearch[] = [];
  const dir = { search: async (r: DirectorySearch) => (asked.push(r), entries) } as unknown as Directory;
  return { dir, asked };
}

describe('personFromEntry', () => {
  it('prefers displayName over cn and takes the first mail', () => {
    expect(personFromEntry({ dn: 'x', cn: ['Carol M.'], displayName: 'Carol Müller', mail: ['carol@sealpost.test', 'c@x.test'] })).toEqual({
      name: 'Carol Müller',
      address: 'carol@sealpost.test',
    });
  });

  it('reads attribute names in any case', () => {
    expect(personFromEntry({ dn: 'x', CN: 'Bob', MAIL: 'bob@x.test' })).toEqual({ name: 'Bob', address: 'bob@x.test' });
  });

  it('drops entries without a plausible address and clips long names', () => {
    expect(personFromEntry({ dn: 'x', cn: 'No Mail' })).toBeNull();
    expect(personFromEntry({ dn: 'x', cn: 'Bad', mail: 'two words@x.test' })).toBeNull();
    expect(personFromEntry({ dn: 'x', cn: 'Bad', mail: `${'a'.repeat(250)}@x.test` })).toBeNull();
    expect(personFromEntry({ dn: 'x', cn: 'n'.repeat(MAX_DIRECTORY_NAME_CHARS + 1), mail: 'n@x.test' })!.name).toHaveLength(MAX_DIRECTORY_NAME_CHARS);
  });
});

describe('findPeople', () => {
  it('asks for names and addresses only, with size and time limits, and an escaped filter', async () => {
    const { dir, asked } = fakeDirectory([]);
    await findPeople('a*)(b', dir);
    expect(asked[0]).toEqual({
      filter: '(&(mail=*)(|(cn=a\\2a\\29\\28b*)(mail=a\\2a\\29\\28b*)(givenName=a\\2a\\29\\28b*)(sn=a\\2a\\29\\28b*)))',
      attributes: ['displayName', 'cn', 'mail'],
      sizeLimit: DIRECTORY_SIZE_LIMIT,
      timeLimitSeconds: 2,
    });
  });

  it(`keeps at most ${DIRECTORY_SIZE_LIMIT} people even when the server sends one more, sorted by name`, async () => {
    const entries = Array.from({ length: DIRECTORY_SIZE_LIMIT + 1 }, (_, i) => ({ dn: `uid=${i}`, cn: `Person ${100 - i}`, mail: `p${i}@x.test` }));
    const people = await findPeople('p', fakeDirectory(entries).dir);
    expect(people).toHaveLength(DIRECTORY_SIZE_LIMIT);
    expect(people[0]!.name).toBe('Person 100');
    expect(people.map((p) => p.name)).toEqual([...people.map((p) => p.name)].sort((a, b) => a.localeCompare(b)));
  });
});
