import { describe, expect, it, vi } from 'vitest';

import type { MessageSummary, MessageWindow } from '@/lib/api/types';
import { createComposeStore } from '@/stores/compose-store';
import { createMessageListStore } from '@/stores/message-list-store';
import { createReaderStore } from '@/stores/reader-store';
import { createShortcutsHelpStore } from '@/stores/shortcuts-help-store';

import { runShortcut } from './run-shortcut';

const row = (uid: number): MessageSummary => ({
  uid,
  from: null,
  to: [],
  subject: `m${uid}`,
  date: new Date(0).toISOString(),
  size: 1,
  seen: true,
  flagged: false,
  hasAttachment: false,
});

async function setup() {
  const fetchWindow = async (folder: string): Promise<MessageWindow> => ({ folder, total: 3, offset: 0, messages: [3, 2, 1].map(row), version: 1, sortFallback: false });
  const stores = {
    messageList: createMessageListStore({ fetchWindow }),
    reader: createReaderStore({ fetchSource: async () => new TextEncoder().encode('Subject: x\r\n\r\nhi\r\n') }),
    compose: createComposeStore(),
    shortcutsHelp: createShortcutsHelpStore(),
  };
  await stores.messageList.getState().open('INBOX');
  const focused: string[] = [];
  const moveToTrash = vi.fn(async () => {});
  const effects = {
    moveToTrash,
    element: (id: string) => (id === 'mail-search' || id.startsWith('message-') ? { focus: () => focused.push(id), scrollIntoView: () => {} } : null),
  };
  return { stores, effects, focused, moveToTrash };
}

describe('runShortcut', () => {
  it('j/k move the selection and stop at the ends', async () => {
    const { stores, effects } = await setup();
    const selected = () => stores.messageList.getState().selectedUid;
    expect(runShortcut('next', stores, effects)).toBe(true);
    expect(selected()).toBe(3);
    runShortcut('next', stores, effects);
    runShortcut('next', stores, effects);
    runShortcut('next', stores, effects);
    expect(selected()).toBe(1);
    runShortcut('previous', stores, effects);
    expect(selected()).toBe(2);
  });

  it('without a selected message, Enter, r, a, f and Delete do nothing', async () => {
    const { stores, effects, moveToTrash } = await setup();
    for (const action of ['open', 'reply', 'replyAll', 'forward', 'delete'] as const) expect(runShortcut(action, stores, effects)).toBe(false);
    expect(stores.compose.getState().request).toBeNull();
    expect(moveToTrash).not.toHaveBeenCalled();
  });

  it('r, a and f open the composer on the selected message; c opens a new one', async () => {
    const { stores, effects } = await setup();
    stores.messageList.getState().select(2);
    runShortcut('replyAll', stores, effects);
    // The message was not encrypted (it is not open as an encrypted one): the reply starts unencrypted.
    expect(stores.compose.getState().request).toEqual({ mode: 'replyAll', source: { folder: 'INBOX', uid: 2 }, sourceEncrypted: false });
    expect(runShortcut('forward', stores, effects)).toBe(false); // one composer at a time
    stores.compose.getState().close();
    runShortcut('compose', stores, effects);
    expect(stores.compose.getState().request).toEqual({ mode: 'new' });
  });

  it('Enter shows the open message in the full window and Esc leaves it', async () => {
    const { stores, effects } = await setup();
    stores.messageList.getState().select(2);
    await stores.reader.getState().open('INBOX', 2);
    expect(runShortcut('open', stores, effects)).toBe(true);
    expect(stores.reader.getState().fullWindow).toBe(true);
    expect(runShortcut('close', stores, effects)).toBe(true);
    expect(stores.reader.getState().fullWindow).toBe(false);
    expect(runShortcut('close', stores, effects)).toBe(false);
  });

  it('? opens the help, Esc closes it first; / focuses the search box; Delete moves to Trash', async () => {
    const { stores, effects, focused, moveToTrash } = await setup();
    runShortcut('help', stores, effects);
    expect(stores.shortcutsHelp.getState().open).toBe(true);
    runShortcut('close', stores, effects);
    expect(stores.shortcutsHelp.getState().open).toBe(false);
    expect(runShortcut('search', stores, effects)).toBe(true);
    expect(focused).toEqual(['mail-search']);
    expect(runShortcut('search', stores, { ...effects, element: () => null })).toBe(false);
    stores.messageList.getState().select(3);
    runShortcut('delete', stores, effects);
    expect(moveToTrash).toHaveBeenCalledOnce();
  });
});
