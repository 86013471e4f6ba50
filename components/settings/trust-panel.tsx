'use client';

import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';

import { describeRevocation } from '@/lib/policy/describe-policy';
import { RootImportError, type TrustAnchor } from '@/lib/trust/trust-anchors';
import { useTrust } from '@/stores/security-stores-provider';

/** "AB:CD:…" as certificate viewers show fingerprints. */
function fingerprint(hex: string): string {
  return hex.toUpperCase().replace(/(..)(?=.)/g, '$1:');
}

const day = (iso: string) => iso.slice(0, 10);

function RootDetails({ root, now }: { root: TrustAnchor; now: number }) {
  const { subject, sha256, notBefore, notAfter } = root.summary;
  const expired = Date.parse(notAfter) < now;
  return (
    <>
      <strong className="root-subject">{subject}</strong>
      <span className="root-validity">
        Valid from {day(notBefore)} to {day(notAfter)}
        {expired ? ' (expired)' : ''}
      </span>
      <span className="root-fingerprint">SHA-256 fingerprint: {fingerprint(sha256)}</span>
    </>
  );
}

/** Settings → Trust: the organisation's roots (read-only), the user's own roots, the revocation mode. */
export function TrustPanel() {
  const trust = useTrust();
  const { status, error, policy, organisationRoots, userRoots, userRootsError } = useStore(trust.state);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ kind: 'status' | 'alert'; text: string } | null>(null);
  const input = useRef<HTMLInputElement>(null);
  // When the panel opened: "expired" marks need no live clock.
  const [now] = useState(() => Date.now());
  useEffect(() => {
    void trust.load();
  }, [trust]);

  const importFile = async (file: File) => {
    setBusy(true);
    setOutcome(null);
    try {
      const { added, alreadyTrusted } = await trust.importRoots(new Uint8Array(await file.arrayBuffer()));
      const parts = [
        ...(added.length ? [`Imported ${added.join('; ')}.`] : []),
        ...(alreadyTrusted.length ? [`Already trusted: ${alreadyTrusted.join('; ')}.`] : []),
      ];
      setOutcome({ kind: 'status', text: parts.join(' ') });
    } catch (err) {
      setOutcome({ kind: 'alert', text: err instanceof RootImportError ? err.message : `${file.name} could not be imported.` });
    } finally {
      setBusy(false);
    }
  };

  const remove = async (root: TrustAnchor) => {
    setBusy(true);
    setOutcome(null);
    try {
      await trust.removeRoot(root.summary.sha256);
      setOutcome({ kind: 'status', text: `Removed ${root.summary.subject}.` });
    } catch {
      setOutcome({ kind: 'alert', text: `${root.summary.subject} could not be removed.` });
    } finally {
      setBusy(false);
    }
  };

  if (status === 'error') {
    return (
      <p role="alert" className="form-error">
        {error}
      </p>
    );
  }
  if (status !== 'ready') return <p className="muted">Loading trust settings…</p>;

  return (
    <div className="trust-panel">
      <section aria-labelledby="trust-organisation-heading">
        <h3 id="trust-organisation-heading">Organisation&apos;s root certificates</h3>
        <p className="muted">Set by your administrator. Certificates these authorities issue are trusted.</p>
        {organisationRoots.length === 0 ? (
          <p>Your organisation has configured no root certificates.</p>
        ) : (
          <ul aria-label="Organisation's root certificates" className="root-list">
            {organisationRoots.map((root) => (
              <li key={root.summary.sha256}>
                <RootDetails root={root} now={now} />
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="trust-user-heading">
        <h3 id="trust-user-heading">Your root certificates</h3>
        <p role="note" className="trust-warning">
          A root certificate makes every certificate it issues trusted, in anyone&apos;s name. Import one only when you have
          checked its fingerprint with its owner.
        </p>
        {userRootsError && (
          <p role="alert" className="form-error">
            {userRootsError}
          </p>
        )}
        {userRoots.length === 0 ? (
          <p className="muted">You have not imported any root certificates.</p>
        ) : (
          <ul aria-label="Your root certificates" className="root-list">
            {userRoots.map((root) => (
              <li key={root.summary.sha256}>
                <RootDetails root={root} now={now} />
                <span className="root-added">Imported {day(root.addedAt)}</span>
                <button type="button" aria-label={`Remove ${root.summary.subject}`} disabled={busy} onClick={() => void remove(root)}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
        <div className="dialog-buttons">
          <button type="button" disabled={busy} onClick={() => input.current?.click()}>
            Import root certificate…
          </button>
          <input
            ref={input}
            type="file"
            hidden
            accept=".cer,.crt,.pem,.der,application/pkix-cert,application/x-x509-ca-cert"
            aria-label="Root certificate file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void importFile(file);
            }}
          />
        </div>
        {outcome?.kind === 'status' && <p role="status">{outcome.text}</p>}
        {outcome?.kind === 'alert' && (
          <p role="alert" className="form-error">
            {outcome.text}
          </p>
        )}
      </section>

      <section aria-labelledby="trust-revocation-heading">
        <h3 id="trust-revocation-heading">Revocation checking</h3>
        <p>{policy && describeRevocation(policy.revocation)}</p>
        <p className="muted">
          Set by your administrator. Revocation lists and OCSP answers are fetched through the server and checked here;
          they are kept for as long as they say they are valid.
        </p>
      </section>
    </div>
  );
}
