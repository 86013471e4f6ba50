import { describe, expect, it } from 'vitest';

import { type KeyTarget, SHORTCUTS, isTextTarget, shortcutFor } from './shortcuts';

const el = (tagName: string, attrs: Record<string, string> = {}, extra: Partial<KeyTarget> = {}): KeyTarget => ({
  tagName,
  type: attrs.type,
  getAttribute: (n) => attrs[n] ?? null,
  closest: () => null,
  ...extra,
});
const body = el('BODY');
const list = el('DIV', { role: 'listbox' });

describe('keyboard shortcuts', () => {
  it.each([
    ['j', 'next'],
    ['ArrowDown', 'next'],
    ['k', 'previous'],
    ['ArrowUp', 'previous'],
    ['Enter', 'open'],
    ['r', 'reply'],
    ['a', 'replyAll'],
    ['f', 'forward'],
    ['c', 'compose'],
    ['Delete', 'delete'],
    ['/', 'search'],
    ['Escape', 'close'],
    ['?', 'help'],
  ])('%s -> %s', (key, action) => {
    expect(shortcutFor({ key, target: body })).toBe(action);
    expect(shortcutFor({ key, target: list })).toBe(action);
  });

  it('has one entry per action, each key used once', () => {
    const keys = SHORTCUTS.flatMap((s) => s.keys);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(SHORTCUTS.map((s) => s.action)).size).toBe(SHORTCUTS.length);
  });

  it('leaves keys typed into text fields alone', () => {
    for (const target of [el('INPUT'), el('INPUT', { type: 'search' }), el('TEXTAREA'), el('SELECT'), el('DIV', {}, { isContentEditable: true }), el('DIV', { role: 'combobox' })]) {
      expect(isTextTarget(target)).toBe(true);
      expect(shortcutFor({ key: 'r', target })).toBeNull();
      expect(shortcutFor({ key: 'Escape', target })).toBeNull();
    }
    expect(isTextTarget(el('INPUT', { type: 'checkbox' }))).toBe(false);
    expect(shortcutFor({ key: 'j', target: el('INPUT', { type: 'checkbox' }) })).toBe('next');
  });

  it('leaves modified keys, composing input and handled keys alone', () => {
    expect(shortcutFor({ key: 'r', ctrlKey: true, target: body })).toBeNull();
    expect(shortcutFor({ key: 'r', metaKey: true, target: body })).toBeNull();
    expect(shortcutFor({ key: 'f', altKey: true, target: body })).toBeNull();
    expect(shortcutFor({ key: 'c', isComposing: true, target: body })).toBeNull();
    expect(shortcutFor({ key: 'ArrowDown', defaultPrevented: true, target: list })).toBeNull();
    expect(shortcutFor({ key: 'R', target: body })).toBeNull();
    expect(shortcutFor({ key: 'x', target: body })).toBeNull();
  });

  it('lets buttons and links keep their Enter', () => {
    expect(shortcutFor({ key: 'Enter', target: el('BUTTON') })).toBeNull();
    expect(shortcutFor({ key: 'Enter', target: el('A') })).toBeNull();
    expect(shortcutFor({ key: 'Enter', target: el('LI', { role: 'treeitem' }) })).toBeNull();
    expect(shortcutFor({ key: 'r', target: el('BUTTON') })).toBe('reply');
  });

  it('inside a dialog only Esc counts', () => {
    const inDialog = el('BUTTON', {}, { closest: () => ({}) });
    expect(shortcutFor({ key: 'j', target: inDialog })).toBeNull();
    expect(shortcutFor({ key: 'Escape', target: inDialog })).toBe('close');
  });
});
