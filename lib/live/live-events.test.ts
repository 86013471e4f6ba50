import { describe, expect, it } from 'vitest';

import { formatLiveEvent, parseLiveEvent } from './live-events';

describe('live events', () => {
  it('formats one SSE message per event and reads it back', () => {
    const text = formatLiveEvent({ type: 'mailbox', folder: 'Projects/Öffentlich\nx' });
    expect(text).toBe('event: mailbox\ndata: {"folder":"Projects/Öffentlich\\nx"}\n\n');
    const [, name, data] = /^event: (.*)\ndata: (.*)\n\n$/.exec(text)!;
    expect(parseLiveEvent(name!, data!)).toEqual({ type: 'mailbox', folder: 'Projects/Öffentlich\nx' });
    expect(formatLiveEvent({ type: 'folders' })).toBe('event: folders\ndata: {}\n\n');
  });

  it('ignores unknown or malformed events', () => {
    expect(parseLiveEvent('message', '{}')).toBeNull();
    expect(parseLiveEvent('mailbox', '{}')).toBeNull();
    expect(parseLiveEvent('ready', 'not json')).toBeNull();
    expect(parseLiveEvent('folders', 'null')).toBeNull();
    expect(parseLiveEvent('imap-unavailable', '')).toEqual({ type: 'imap-unavailable' });
  });
});
