'use client';

import { useEffect, useMemo } from 'react';

import { bytesToBase64 } from '@/lib/bytes';
import type { ReaderMessage } from '@/lib/mail/partial-message';
import { messageDocument, textAsHtml } from '@/lib/mail/message-document';

import { sanitizeMessageHtml } from './sanitize-message-html';

const INLINE_IMAGE = /^image\/(png|gif|jpeg|webp)$/i;

/**
 * The message body in a sandboxed frame: no scripts (no allow-scripts), its own unique origin (no
 * allow-same-origin), a CSP that blocks every network load unless the user allowed remote images.
 * Links may open in a new tab, outside the sandbox. Decrypted mail never loads remote content,
 * whatever was asked: a fetch would tell the sender, or whoever altered the ciphertext (EFAIL),
 * that and when it was opened, and could carry the plaintext out.
 */
export function MessageBody({
  message,
  allowRemoteImages: asked,
  decrypted = false,
  onBlockedRemote,
}: {
  message: ReaderMessage;
  allowRemoteImages: boolean;
  /** The message was encrypted: the sanitizer and the frame's CSP stay blocking. */
  decrypted?: boolean;
  onBlockedRemote: (count: number) => void;
}) {
  const allowRemoteImages = asked && !decrypted;
  const { doc, blocked } = useMemo(() => {
    if (message.html === null) return { doc: messageDocument(textAsHtml(message.text ?? ''), { allowRemoteImages: false }), blocked: 0 };
    const cidUrls = new Map(
      message.attachments
        .filter((a) => a.contentId && a.content && INLINE_IMAGE.test(a.mimeType))
        .map((a) => [a.contentId!, `data:${a.mimeType.toLowerCase()};base64,${bytesToBase64(a.content!)}`]),
    );
    const clean = sanitizeMessageHtml(message.html, { cidUrls, allowRemoteImages });
    return { doc: messageDocument(clean.html, { allowRemoteImages }), blocked: clean.blockedRemote };
  }, [message, allowRemoteImages]);

  useEffect(() => onBlockedRemote(blocked), [blocked, onBlockedRemote]);
  // A new document gets a new frame: Chromium drops a srcdoc change that lands while the frame is
  // still loading its first document (cid: images filled in just after the text showed).
  return (
    <iframe
      key={doc}
      className="message-frame"
      title="Message body"
      sandbox="allow-popups allow-popups-to-escape-sandbox"
      referrerPolicy="no-referrer"
      srcDoc={doc}
    />
  );
}
