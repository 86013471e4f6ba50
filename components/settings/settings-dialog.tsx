'use client';

import { type KeyboardEvent, useRef, useState } from 'react';

import { ModalDialog } from '../mail/modal-dialog';

import { SETTINGS_TABS } from './settings-tabs';

/** Settings: one tab per section (ARIA tabs: arrow keys move between tabs). */
export function SettingsDialog({ onClose, initialTab }: { onClose: () => void; initialTab?: string }) {
  const [selected, setSelected] = useState(initialTab ?? SETTINGS_TABS[0]?.id ?? '');
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);
  const current = SETTINGS_TABS.find((t) => t.id === selected) ?? SETTINGS_TABS[0];

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const at = SETTINGS_TABS.findIndex((t) => t.id === selected);
    const to =
      event.key === 'ArrowRight' ? (at + 1) % SETTINGS_TABS.length
      : event.key === 'ArrowLeft' ? (at - 1 + SETTINGS_TABS.length) % SETTINGS_TABS.length
      : event.key === 'Home' ? 0
      : event.key === 'End' ? SETTINGS_TABS.length - 1
      : -1;
    if (to < 0) return;
    event.preventDefault();
    setSelected(SETTINGS_TABS[to]!.id);
    tabs.current[to]?.focus();
  };

  return (
    <ModalDialog title="Settings" onClose={onClose} className="settings-dialog">
      <div role="tablist" aria-label="Settings sections" onKeyDown={onKeyDown}>
        {SETTINGS_TABS.map((tab, i) => (
          <button
            key={tab.id}
            ref={(el) => {
              tabs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`settings-tab-${tab.id}`}
            aria-selected={tab.id === current?.id}
            aria-controls={`settings-panel-${tab.id}`}
            tabIndex={tab.id === current?.id ? 0 : -1}
            {...(i === 0 ? { 'data-autofocus': true } : {})}
            onClick={() => setSelected(tab.id)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      {current && (
        <div role="tabpanel" id={`settings-panel-${current.id}`} aria-labelledby={`settings-tab-${current.id}`} className="settings-panel">
          <current.Panel />
        </div>
      )}
      <div className="dialog-buttons">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </ModalDialog>
  );
}
