'use client';

import { type DragEvent, type FormEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';

import { api, errorMessage } from '@/lib/api/client';
import type { MailAddress, ProtectedSendResult, SendResult } from '@/lib/api/types';
import { buildMessage } from '@/lib/mail/build-message';
import { isSmimeError } from '@/lib/smime';
import { type ComposeFields, attachmentId, outgoingMessage, readRecipients, switchFormat } from '@/lib/mail/compose-fields';

import { AttachmentField, MAX_ATTACHMENTS_BYTES, formatSize } from './attachment-field';
import { DiscardConfirm } from './discard-confirm';
import { RecipientInput } from './recipient-input';
import { RichTextEditor } from './rich-text-editor';
import { useComposeSecurity } from './security-context';
import { SecurityRecipients } from './security-recipients';
import { SecurityToggles } from './security-toggles';
import { DraftRefusedError, useDraftAutosave } from './use-draft-autosave';
import { type ProtectStage, SendBlockedError, useSecurityChoices } from './use-security-choices';

interface Props {
  from: MailAddress;
  initial: ComposeFields;
  /** The draft this composer continues (replaced by its next save), null for a fresh one. */
  draftUid: number | null;
  focusBody: boolean;
  /** Encrypt starts on: the message answered (or the draft continued) was encrypted. */
  startEncrypted?: boolean;
  /** Encrypted copies send the Subject as "[...]": the message answered (or the draft) hid it. */
  hideSubject?: boolean;
  onClose: (outcome?: string) => void;
  onSent: (r: SendResult | ProtectedSendResult) => void;
}

function stageText(stage: ProtectStage): string {
  if (stage === 'checking') return 'Checking certificates…';
  if (stage === 'signing') return 'Signing…';
  return stage.of > 1 ? `Encrypting… (${stage.encrypting} of ${stage.of})` : 'Encrypting…';
}

/**
 * The composer's form. The browser builds the exact bytes; the server submits them and keeps
 * the same bytes in Sent. On any failure the form stays as it was, and the draft is saved.
 */
export function ComposeForm({ from, initial, draftUid, focusBody, startEncrypted = false, hideSubject = false, onClose, onSent }: Props) {
  const [fields, setFields] = useState(initial);
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<{ sent: number; total: number } | null>(null);
  const [stage, setStage] = useState<ProtectStage | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [dropping, setDropping] = useState(false);
  const [editorKey, setEditorKey] = useState(0);
  // Files still being read: sending meanwhile would send the message without them.
  const [reading, setReading] = useState(0);

  // A reply starts above the quote.
  const body = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (focusBody && body.current) {
      body.current.setSelectionRange(0, 0);
      body.current.scrollTop = 0;
    }
  }, [focusBody]);

  // Sign and Encrypt (only when the security sources are provided), over the valid addresses.
  const { to, cc, bcc } = fields;
  const addresses = useMemo(() => {
    const { recipients } = readRecipients({ ...initial, to, cc, bcc });
    return { to: recipients.to.map((a) => a.address), cc: recipients.cc.map((a) => a.address), bcc: recipients.bcc.map((a) => a.address) };
  }, [initial, to, cc, bcc]);
  const security = useSecurityChoices(useComposeSecurity(), from.address, addresses, startEncrypted, hideSubject);

  const draftProtection = security.draftProtection;
  const buildDraft = useCallback(async () => {
    const raw = buildMessage(outgoingMessage(fields, from, readRecipients(fields).recipients, { draft: true }));
    // A draft of an encrypted message is encrypted to the sender, or not saved at all: never in the clear.
    const protection = draftProtection();
    if (protection.mode === 'refuse') throw new DraftRefusedError(protection.message);
    return protection.mode === 'encrypt' ? protection.save(raw) : raw;
  }, [fields, from, draftProtection]);
  const draft = useDraftAutosave(buildDraft, draftUid);

  // Turning Encrypt on (or off) replaces the saved draft with one protected accordingly.
  const encryptOn = security.encrypt;
  const firstEncrypt = useRef(encryptOn);
  const draftChanged = draft.changed;
  useEffect(() => {
    if (encryptOn === firstEncrypt.current) return;
    firstEncrypt.current = encryptOn;
    draftChanged();
  }, [encryptOn, draftChanged]);

  const update = (change: Partial<ComposeFields> | ((f: ComposeFields) => ComposeFields)) => {
    setFields((f) => (typeof change === 'function' ? change(f) : { ...f, ...change }));
    setTouched(true);
    draft.changed();
  };

  async function addFiles(files: File[]) {
    if (!files.length) return;
    let total = fields.attachments.reduce((n, a) => n + a.content.length, 0);
    const added: ComposeFields['attachments'] = [];
    const refused: string[] = [];
    setReading((n) => n + 1);
    try {
      for (const file of files) {
        if (total + file.size > MAX_ATTACHMENTS_BYTES) {
          refused.push(`${file.name} (${formatSize(file.size)})`);
          continue;
        }
        total += file.size;
        added.push({ id: attachmentId(), filename: file.name, mimeType: file.type || 'application/octet-stream', content: new Uint8Array(await file.arrayBuffer()) });
      }
    } finally {
      setReading((n) => n - 1);
    }
    setError(refused.length ? `Attachments can be at most ${formatSize(MAX_ATTACHMENTS_BYTES)} in all. Not attached: ${refused.join(', ')}.` : null);
    if (added.length) update((f) => ({ ...f, attachments: [...f.attachments, ...added] }));
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (reading > 0) return;
    const { recipients, invalid } = readRecipients(fields);
    if (invalid.length) return setError(`Not an e-mail address: ${invalid.join(', ')}`);
    if (recipients.to.length + recipients.cc.length + recipients.bcc.length === 0) return setError('Add at least one recipient.');
    // Forwarded files count too: past this, the message would exceed what the server accepts.
    const attached = fields.attachments.reduce((n, a) => n + a.content.length, 0);
    if (attached > MAX_ATTACHMENTS_BYTES) {
      return setError(`Attachments can be at most ${formatSize(MAX_ATTACHMENTS_BYTES)} in all; these are ${formatSize(attached)}. Remove some to send.`);
    }
    setBusy(true);
    setError(null);
    setProgress({ sent: 0, total: 1 });
    draft.hold();
    try {
      // Let the progress bar appear before the (synchronous) build of a large message.
      await new Promise((resolve) => setTimeout(resolve, 30));
      const raw = buildMessage(outgoingMessage(fields, from, recipients, { draft: false }));
      const envelope = [...recipients.to, ...recipients.cc, ...recipients.bcc].map((a) => a.address);
      const onProgress = (sent: number, total: number) => setProgress({ sent, total });
      const submission = await security.protect(raw, setStage);
      setStage(null);
      const result = submission
        ? await api.sendProtected({ raw: submission.raw, to: submission.to }, submission.separate, onProgress)
        : await api.sendWithProgress(raw, envelope, onProgress);
      const uid = await draft.stop();
      if (uid !== null) await api.deleteDraft(uid).catch(() => undefined);
      onSent(result);
    } catch (e) {
      setError(
        e instanceof SendBlockedError
          ? e.message
          : isSmimeError(e) && e.code === 'key-unavailable'
            ? `The message was not sent: the key on your smart card could not be used (${e.message}). It is kept in Drafts; check the card and send again.`
            : isSmimeError(e)
              ? `The message could not be signed or encrypted, and was not sent: ${e.message}`
            : errorMessage(e, 'The message could not be sent.'),
      );
      setBusy(false);
      setProgress(null);
      setStage(null);
      // Nothing is lost: the message as it is goes to Drafts.
      await draft.saveNow(true);
    }
  }

  const requestClose = async () => {
    if (busy) return;
    if (await draft.saveNow()) onClose(draft.uid() !== null ? 'Draft saved.' : undefined);
  };

  const discard = () => {
    if (draft.uid() === null && !touched) onClose();
    else setConfirming(true);
  };
  const deleteDraft = async () => {
    const uid = await draft.stop();
    if (uid === null) return onClose();
    try {
      await api.deleteDraft(uid);
      onClose('Draft deleted.');
    } catch (e) {
      onClose(errorMessage(e, 'The draft could not be deleted.'));
    }
  };

  const onDragOver = (e: DragEvent) => {
    if (!e.dataTransfer.types.includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    setDropping(true);
  };
  const onDrop = (e: DragEvent) => {
    if (!e.dataTransfer.types.includes('Files')) return;
    e.preventDefault();
    setDropping(false);
    void addFiles(Array.from(e.dataTransfer.files));
  };

  const percent = progress ? Math.min(100, Math.round((progress.sent / Math.max(1, progress.total)) * 100)) : 0;
  const status = draft.status;
  return (
    <form
      aria-labelledby="compose-title"
      onSubmit={onSubmit}
      aria-busy={busy}
      className={dropping ? 'drop-target' : undefined}
      onDragOver={onDragOver}
      onDragLeave={() => setDropping(false)}
      onDrop={onDrop}
      onKeyDown={(e) => {
        // Esc closes the composer and keeps what was written as a draft.
        if (e.key === 'Escape' && !confirming) {
          e.preventDefault();
          e.stopPropagation();
          void requestClose();
        }
      }}
    >
      <RecipientInput id="compose-to" name="to" label="To" value={fields.to} onChange={(to) => update({ to })} autoFocus={!focusBody} />
      <RecipientInput id="compose-cc" name="cc" label="Cc" value={fields.cc} onChange={(cc) => update({ cc })} />
      <RecipientInput id="compose-bcc" name="bcc" label="Bcc" value={fields.bcc} onChange={(bcc) => update({ bcc })} />
      {security.enabled && (
        <>
          <SecurityToggles security={security} disabled={busy} />
          <SecurityRecipients security={security} disabled={busy} />
        </>
      )}
      <label htmlFor="compose-subject">Subject</label>
      <input
        id="compose-subject"
        name="subject"
        type="text"
        autoComplete="off"
        value={fields.subject}
        aria-describedby={security.subjectHidden ? 'compose-subject-hidden' : undefined}
        onChange={(e) => update({ subject: e.target.value })}
      />
      {security.subjectHidden && (
        <p id="compose-subject-hidden" className="muted">
          The subject is sent hidden (“[...]” outside the encryption), as in the message you are answering; only the recipients see it.
        </p>
      )}
      <fieldset className="format-toggle">
        <legend>Format</legend>
        {(['plain', 'rich'] as const).map((format) => (
          <label key={format}>
            <input
              type="radio"
              name="format"
              checked={fields.format === format}
              onChange={() => {
                update((f) => switchFormat(f, format));
                setEditorKey((k) => k + 1);
              }}
            />{' '}
            {format === 'plain' ? 'Plain text' : 'Rich text'}
          </label>
        ))}
      </fieldset>
      {fields.format === 'plain' ? (
        <>
          <label htmlFor="compose-body">Message</label>
          <textarea
            ref={body}
            id="compose-body"
            name="body"
            rows={12}
            autoFocus={focusBody}
            value={fields.text}
            onChange={(e) => update({ text: e.target.value })}
          />
        </>
      ) : (
        <RichTextEditor key={editorKey} initialHtml={fields.html} onChange={(html) => update({ html })} />
      )}
      <AttachmentField
        attachments={fields.attachments}
        onAdd={(files) => void addFiles(files)}
        onRemove={(id) => update((f) => ({ ...f, attachments: f.attachments.filter((a) => a.id !== id) }))}
        disabled={busy}
      />
      {dropping && <p className="drop-hint">Drop files to attach them</p>}
      {stage ? (
        <div className="send-progress" role="status">
          <progress aria-label="Protection progress" /> {stageText(stage)}
        </div>
      ) : (
        progress && (
          <div className="send-progress">
            <progress aria-label="Upload progress" max={100} value={percent} /> {percent < 100 ? `Uploading… ${percent}%` : 'Sending…'}
          </div>
        )
      )}
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
      <p role="status" className="draft-status">
        {reading > 0 ? 'Attaching files…' : status.state === 'saving' ? 'Saving draft…' : status.state === 'saved' ? 'Draft saved' : status.state === 'error' ? status.message : ''}
      </p>
      <div className="dialog-buttons">
        <button type="submit" disabled={busy || reading > 0}>
          Send
        </button>
        <button type="button" onClick={discard} disabled={busy}>
          Discard
        </button>
        <button type="button" onClick={() => void requestClose()} disabled={busy}>
          Close
        </button>
      </div>
      {confirming && (
        <DiscardConfirm
          onDelete={() => void deleteDraft()}
          onKeep={async () => {
            setConfirming(false);
            if (await draft.saveNow()) onClose(draft.uid() !== null ? 'Draft saved.' : undefined);
          }}
          onCancel={() => setConfirming(false)}
        />
      )}
    </form>
  );
}
