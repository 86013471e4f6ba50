import { execFileSync } from 'node:child_process';
import path from 'node:path';

import type { Entry } from 'ldapts';
import { afterAll, describe, expect, it } from 'vitest';

import type { LdapConfig } from '@/server/config';
import { AppError } from '@/server/errors';
import { findPeople } from '@/server/ldap/directory-people';
import { Directory, type DirectorySearch } from '@/server/ldap/directory';

import { stack } from '../support/stack';

// Address completion against the stack's real slapd (dc=sealpost,dc=test; scripts/stack/ldap.mjs).

const devstack = path.resolve(__dirname, '../../scripts/devstack.mjs');
const cfg: LdapConfig = {
  url: `ldap://${stack.host}:${stack.ports.ldap}`,
  baseDn: 'dc=sealpost,dc=test',
  bindDn: undefined,
  bindPassword: undefined,
  connectTimeoutMs: 2000,
  timeoutMs: 3000,
};

/** Keeps every entry the directory answered, to check what was fetched. */
class RecordingDirectory extends Directory {
  readonly seen: Entry[] = [];
  override async search(request: DirectorySearch): Promise<Entry[]> {
    const entries = await super.search(request);
    this.seen.push(...entries);
    return entries;
  }
}

const dir = new RecordingDirectory(cfg);
afterAll(() => dir.close());

const addresses = (people: { address: string }[]) => people.map((p) => p.address);

async function failure(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('findPeople', () => {
  it.each(['Bo', 'bo', 'ødeg', 'ØDEGÅRD', 'bob@', 'Bob Ø'])('finds Bob Ødegård by "%s"', async (q) => {
    const people = await findPeople(q, dir);
    expect(people).toContainEqual({ name: 'Bob Ødegård', address: 'bob@sealpost.test' });
  });

  it('matches prefixes only, on names and addresses', async () => {
    expect(addresses(await findPeople('Mül', dir))).toEqual(['carol@sealpost.test']);
    expect(addresses(await findPeople('Ünal', dir))).toEqual(['heidi@sealpost.test']);
    expect(addresses(await findPeople('degård', dir))).toEqual([]);
  });

  it('fetches names and addresses only, never certificates', async () => {
    dir.seen.length = 0;
    await findPeople('a', dir);
    expect(dir.seen.length).toBeGreaterThan(0);
    for (const entry of dir.seen) {
      expect(Object.keys(entry).filter((k) => k !== 'dn').every((k) => ['displayName', 'cn', 'mail'].includes(k))).toBe(true);
    }
  });

  it.each(['*)(mail=*', '*', ')(|(objectClass=*', '\\2a', 'bob*)(|(cn=*'])('finds nothing extra for the injection "%s"', async (q) => {
    expect(await findPeople(q, dir)).toEqual([]);
  });

  it('stops at the size limit without failing', async () => {
    const entries = await dir.search({ filter: '(mail=*)', attributes: ['mail'], sizeLimit: 2, timeLimitSeconds: 2 });
    expect(entries).toHaveLength(2);
  });
});

describe('directory faults', () => {
  it('binds with a service account, and a wrong password is directory-unavailable', async () => {
    const admin = new Directory({ ...cfg, bindDn: 'cn=admin,dc=sealpost,dc=test', bindPassword: 'sealpost-ldap-admin' });
    const wrong = new Directory({ ...cfg, bindDn: 'cn=admin,dc=sealpost,dc=test', bindPassword: 'wrong' });
    try {
      expect(addresses(await findPeople('carol', admin))).toEqual(['carol@sealpost.test']);
      expect((await failure(findPeople('carol', wrong))).code).toBe('directory-unavailable');
    } finally {
      await admin.close();
      await wrong.close();
    }
  });

  it('answers directory-unavailable while slapd is stopped, and recovers when it is back', async () => {
    const own = new Directory(cfg);
    try {
      expect(await findPeople('carol', own)).toHaveLength(1);
      execFileSync(process.execPath, [devstack, 'stop', '--instance', stack.name, '--only', 'ldap'], { stdio: 'pipe' });
      expect((await failure(findPeople('carol', own))).code).toBe('directory-unavailable');
      expect((await failure(findPeople('carol', new Directory(cfg)))).code).toBe('directory-unavailable');
    } finally {
      execFileSync(process.execPath, [devstack, 'start', '--instance', stack.name, '--no-seed'], { stdio: 'pipe' });
    }
    expect(await findPeople('carol', own)).toHaveLength(1);
    await own.close();
  });

  it('answers directory-unavailable when nothing listens', async () => {
    const nowhere = new Directory({ ...cfg, url: 'ldap://127.0.0.1:9', connectTimeoutMs: 500 });
    expect((await failure(findPeople('carol', nowhere))).code).toBe('directory-unavailable');
  });
});
