'use client';

import { useEffect, useRef, useState } from 'react';

import { useCompose, useFolders, useReader } from '@/stores/mail-stores-provider';

/**
 * Reply, Reply all, Forward (and, in its menu, Forward as attachment) for the open message,
 * inside the reading pane's "Message actions" toolbar; "Continue editing" for a draft.
 */
export function ComposeActions() {
  const folder = useReader((s) => s.folder);
  const uid = useReader((s) => s.uid);
  const isDrafts = useFolders((s) => s.folders.some((f) => f.path === folder && f.specialUse === 'drafts'));
  const openCompose = useCompose((s) => s.openCompose);
  const isEncrypted = useReader((s) => s.isEncrypted);
  const [menuOpen, setMenuOpen] = useState(false);
  const menuItem = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (menuOpen) menuItem.current?.focus();
  }, [menuOpen]);
  if (folder === null || uid === null) return null;
  const source = { folder, uid };

  return (
    <>
      {isDrafts && (
        <button type="button" onClick={() => openCompose({ mode: 'draft', source })}>
          Continue editing
        </button>
      )}
      <button type="button" onClick={() => openCompose({ mode: 'reply', source, sourceEncrypted: isEncrypted(source.folder, source.uid) })}>
        Reply
      </button>
      <button type="button" onClick={() => openCompose({ mode: 'replyAll', source, sourceEncrypted: isEncrypted(source.folder, source.uid) })}>
        Reply all
      </button>
      <button type="button" onClick={() => openCompose({ mode: 'forward', source, sourceEncrypted: isEncrypted(source.folder, source.uid) })}>
        Forward
      </button>
      <span className="menu-anchor">
        <button type="button" aria-label="More forward options" aria-haspopup="menu" aria-expanded={menuOpen} onClick={() => setMenuOpen((o) => !o)}>
          ▾
        </button>
        {menuOpen && (
          <span
            role="menu"
            aria-label="Forward options"
            className="popup-menu"
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.stopPropagation();
                setMenuOpen(false);
              }
            }}
            onBlur={(e) => {
              if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setMenuOpen(false);
            }}
          >
            <button
              ref={menuItem}
              type="button"
              role="menuitem"
              onClick={() => {
                setMenuOpen(false);
                openCompose({ mode: 'forwardAsAttachment', source, sourceEncrypted: isEncrypted(source.folder, source.uid) });
              }}
            >
              Forward as attachment
            </button>
          </span>
        )}
      </span>
    </>
  );
}
