import { describe, expect, it } from 'vitest';

import { decodeMessageDrag, encodeMessageDrag } from './message-drag';

describe('message drag payload', () => {
  it('round-trips folder and uids', () => {
    expect(decodeMessageDrag(encodeMessageDrag({ folder: 'Projects/Öl', uids: [3, 7] }))).toEqual({ folder: 'Projects/Öl', uids: [3, 7] });
  });

  it('rejects anything that is not a message drag', () => {
    for (const bad of ['', 'hello', 'null', '[]', '{"folder":"","uids":[1]}', '{"folder":"INBOX","uids":[]}', '{"folder":"INBOX","uids":[0]}', '{"folder":"INBOX","uids":["1"]}']) {
      expect(decodeMessageDrag(bad)).toBeNull();
    }
  });
});
