'use client';

import { useEffect, useMemo, useRef, useState } from 'react';
import { createPortal } from 'react-dom';

import type { MailAddress } from '@/lib/api/types';
import { useFolders, useMessageList, useOpenMessage, useReader } from '@/stores/mail-stores-provider';

import { AttachmentList } from './attachment-list';
import { MessageBody } from './message-body';
import { MessageNotices } from './message-notices';
import { MessageToolbar } from './message-toolbar';
import { SecurityBanner } from './security-banner';
import { useFullWindowKeys } from './use-full-window-keys';

const formatAddress = (a: MailAddress) => (a.name ? `${a.name} <${a.address}>` : a.address);
const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short' });

/** The open message: headers, body (sandboxed) and attachments. */
export function ReadingPane() {
  const folder = useFolders((s) => s.selectedPath);
  const selectedUid = useMessageList((s) => s.selectedUid);
  const message = useReader((s) => s.message);
  const status = useReader((s) => s.status);
  const error = useReader((s) => s.error);
  const remoteAllowed = useReader((s) => s.remoteImagesAllowed);
  const allowRemote = useReader((s) => s.allowRemoteImages);
  const close = useReader((s) => s.close);
  const loadAttachment = useReader((s) => s.loadAttachment);
  const fullWindow = useReader((s) => s.fullWindow);
  const setFullWindow = useReader((s) => s.setFullWindow);
  const encrypted = useReader((s) => s.security?.encrypted ?? false);
  const openMessage = useOpenMessage();
  const [blocked, setBlocked] = useState(0);
  const fullRegion = useRef<HTMLDivElement>(null);
  const fullButton = useRef<HTMLButtonElement>(null);
  const [leaveFullWindow] = useState(() => () => setFullWindow(false));
  useFullWindowKeys(fullWindow && message !== null, leaveFullWindow, fullRegion, fullButton);
  // cid: images drawn in the body are not listed as files (one array per message: blob URLs hang on it).
  const files = useMemo(() => message?.attachments.filter((a) => !a.inline || !a.contentId) ?? [], [message]);

  useEffect(() => {
    if (selectedUid === null) close();
    else void openMessage(folder, selectedUid);
  }, [folder, selectedUid, close, openMessage]);

  // In full window the message is drawn into <body>, over everything (and shown even where the
  // reading pane is hidden, on narrow screens).
  const view = message && (
    <div
      ref={fullRegion}
      className={fullWindow ? 'full-window-reader' : 'message-holder'}
      {...(fullWindow ? { role: 'region', 'aria-label': message.subject || 'Message', tabIndex: -1 } : {})}
    >
      <div className="reader-bar">
        {fullWindow ? (
          <button type="button" onClick={leaveFullWindow}>
            Back to list
          </button>
        ) : (
          <button type="button" ref={fullButton} onClick={() => setFullWindow(true)}>
            Open in full window
          </button>
        )}
      </div>
      <article className="message" aria-label="Message">
        <MessageToolbar />
        <header className="message-headers">
          <h2>{message.subject || '(no subject)'}</h2>
          <dl>
            <dt>From</dt>
            <dd>{message.from ? formatAddress(message.from) : '(unknown sender)'}</dd>
            {message.to.length > 0 && (
              <>
                <dt>To</dt>
                <dd>{message.to.map(formatAddress).join(', ')}</dd>
              </>
            )}
            {message.cc.length > 0 && (
              <>
                <dt>Cc</dt>
                <dd>{message.cc.map(formatAddress).join(', ')}</dd>
              </>
            )}
            {message.date && (
              <>
                <dt>Date</dt>
                <dd>
                  <time dateTime={message.date}>{dateFormat.format(new Date(message.date))}</time>
                </dd>
              </>
            )}
          </dl>
        </header>
        <SecurityBanner />
        <MessageNotices notices={message.notices} />
        {blocked > 0 && encrypted && (
          <div className="remote-notice" role="status">
            Remote images and other remote content are never loaded for encrypted messages: loading them could tell the sender, or
            someone who altered the message, that you opened it.
          </div>
        )}
        {blocked > 0 && !encrypted && !remoteAllowed && (
          <div className="remote-notice" role="status">
            Remote images in this message were blocked to protect your privacy.{' '}
            <button type="button" onClick={allowRemote}>
              Show remote images
            </button>
          </div>
        )}
        <AttachmentList attachments={files} load={loadAttachment} />
        <MessageBody message={message} allowRemoteImages={remoteAllowed} decrypted={encrypted} onBlockedRemote={setBlocked} />
      </article>
    </div>
  );

  if (selectedUid === null) {
    return (
      <section className="reading-pane" aria-label="Reading pane">
        <p className="muted placeholder">Select a message to read it.</p>
      </section>
    );
  }
  return (
    <section className="reading-pane" aria-label="Reading pane" aria-busy={status === 'loading'}>
      {status === 'loading' && <p className="muted">Loading…</p>}
      {status === 'error' && (
        <p role="alert" className="pane-error">
          {error}
        </p>
      )}
      {view && (fullWindow ? createPortal(view, document.body) : view)}
    </section>
  );
}
