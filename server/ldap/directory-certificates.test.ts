import type { Entry } from 'ldapts';
import { describe, expect, it } from 'vitest';

import { AppError } from '../errors';
import type { Directory, DirectorySearch } from './directory';
import {
  MAX_CERTIFICATE_ADDRESSES,
  MAX_CERTIFICATE_VALUE_BYTES,
  MAX_ENTRIES_PER_ADDRESS,
  MAX_VALUES_PER_ATTRIBUTE,
  directoryCertificates,
} from './directory-certificates';

/** A directory that answers each search from `answer` and remembers what it was asked. */
function fakeDirectory(answer: (r: DirectorySearch) => Entry[] | Promise<Entry[]>) {
  const asked: DirectorySearch[] = [];
  const dir = { search: async (r: DirectorySearch) => (asked.push(r), answer(r)) } as unknown as Directory;
  return { dir, asked };
}

const bytes = (s: string) => Buffer.from(s);

describe('directoryCertificates', () => {
  it('asks for the two certificate attributes as bytes, with limits and an escaped equality filter', async () => {
    const { dir, asked } = fakeDirectory(() => []);
    await directoryCertificates(['a*)(mail=*@x.test'], dir);
    expect(asked).toEqual([
      {
        filter: '(|(mail=a\\2a\\29\\28mail=\\2a@x.test))',
        attributes: ['userCertificate;binary', 'userSMIMECertificate'],
        binaryAttributes: ['userCertificate;binary', 'userSMIMECertificate'],
        sizeLimit: MAX_ENTRIES_PER_ADDRESS,
        timeLimitSeconds: 3,
      },
    ]);
  });

  it('answers each address in the order asked, an unknown one with nothing', async () => {
    const { dir } = fakeDirectory((r) =>
      r.filter.includes('bob') ? [{ dn: 'uid=bob', 'userCertificate;binary': bytes('cert'), userSMIMECertificate: [bytes('p7')] }] : [],
    );
    expect(await directoryCertificates(['nobody@x.test', 'bob@x.test'], dir)).toEqual([
      { email: 'nobody@x.test', certificates: [], smimeBundles: [] },
      { email: 'bob@x.test', certificates: [bytes('cert')], smimeBundles: [bytes('p7')] },
    ]);
  });

  it('searches an address once however it is spelled, and relays a value found twice once', async () => {
    const same = { dn: 'x', 'USERCERTIFICATE;BINARY': [bytes('c'), bytes('c')] };
    const { dir, asked } = fakeDirectory(() => [same, { ...same, dn: 'y' }]);
    const results = await directoryCertificates(['Bob@x.test', 'bob@x.test'], dir);
    expect(asked).toHaveLength(1);
    expect(results.map((r) => [r.email, r.certificates])).toEqual([
      ['Bob@x.test', [bytes('c')]],
      ['bob@x.test', [bytes('c')]],
    ]);
  });

  it('drops text values, empty and oversized values, and keeps at most the limits', async () => {
    const many = Array.from({ length: MAX_VALUES_PER_ATTRIBUTE + 3 }, (_, i) => bytes(`v${i}`));
    const entries: Entry[] = Array.from({ length: MAX_ENTRIES_PER_ADDRESS + 2 }, (_, i) => ({
      dn: `e${i}`,
      'userCertificate;binary': i === 0 ? many : [bytes(`e${i}`), Buffer.alloc(0), Buffer.alloc(MAX_CERTIFICATE_VALUE_BYTES + 1)],
      userSMIMECertificate: 'decoded as text',
    }));
    const { dir } = fakeDirectory(() => entries);
    const [result] = await directoryCertificates(['a@x.test'], dir);
    expect(result!.certificates).toEqual([
      ...many.slice(0, MAX_VALUES_PER_ATTRIBUTE),
      ...[1, 2, 3, 4].map((i) => bytes(`e${i}`)),
    ]);
    expect(result!.smimeBundles).toEqual([]);
  });

  it('refuses more than the most addresses, and passes on directory-unavailable', async () => {
    const { dir, asked } = fakeDirectory(() => []);
    const tooMany = Array.from({ length: MAX_CERTIFICATE_ADDRESSES + 1 }, (_, i) => `u${i}@x.test`);
    await expect(directoryCertificates(tooMany, dir)).rejects.toMatchObject({ code: 'bad-request' });
    expect(asked).toHaveLength(0);
    const down = fakeDirectory(() => Promise.reject(new AppError('directory-unavailable'))).dir;
    await expect(directoryCertificates(['a@x.test', 'b@x.test'], down)).rejects.toMatchObject({ code: 'directory-unavailable' });
  });
});
