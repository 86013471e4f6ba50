import { describe, expect, it } from 'vitest';

import { resolveInstance } from './instance.mjs';

describe('resolveInstance', () => {
  it('gives demo, test and bench their own blocks of ports', () => {
    const env = { SEALPOST_STACK_STATE_DIR: '/tmp/x' };
    expect(resolveInstance('demo', env).ports.app).toBe(7100);
    expect(resolveInstance('test', env).ports.app).toBe(7200);
    expect(resolveInstance('bench', env).ports).toMatchObject({ app: 7300, imap: 7301, auth: 7307 });
    expect(resolveInstance('other', env).ports.app).toBe(7400);
    expect(resolveInstance('bench', env).stateDir).toBe('/tmp/x/bench');
  });

  it('honours SEALPOST_STACK_PORT_BASE and refuses a bad one', () => {
    expect(resolveInstance('bench', { SEALPOST_STACK_PORT_BASE: '8600' }).ports.imap).toBe(8601);
    expect(() => resolveInstance('bench', { SEALPOST_STACK_PORT_BASE: '80' })).toThrow(/1024 to 65000/);
    expect(() => resolveInstance('Bench!', {})).toThrow(/bad instance name/);
  });
});
