'use client';

import { type FormEvent, useState } from 'react';

import { slotName } from '@/stores/card-store';
import { useCard } from '@/stores/security-stores-provider';

import { isoDay } from './certificate-summaries';

/**
 * Settings, "Smart card": connect a PIV card (WebUSB or the local PC/SC bridge), see its
 * certificates, and choose which key signs and which keys decrypt. Choices last while the card
 * stays connected on this page; nothing about the card is stored.
 */
export function SmartCardPanel() {
  const status = useCard((s) => s.status);
  const reader = useCard((s) => s.reader);
  const problem = useCard((s) => s.problem);
  const connect = useCard((s) => s.connect);
  const disconnect = useCard((s) => s.disconnect);

  return (
    <div className="smart-card-panel">
      <p className="muted">Use the keys on a PIV smart card (such as a YubiKey). The PIN is asked for by this app and goes only to the card.</p>
      <section aria-labelledby="card-webusb-heading">
        <h3 id="card-webusb-heading">USB reader in this browser</h3>
        <p className="muted">Connects through WebUSB: pick your reader in the browser&apos;s list.</p>
        <div className="dialog-buttons">
          <button type="button" onClick={() => void connect('webusb')} disabled={status === 'connecting'}>
            {status === 'connecting' ? 'Connecting…' : 'Connect (WebUSB)'}
          </button>
          {status === 'connected' && (
            <button type="button" onClick={() => void disconnect()}>
              Disconnect
            </button>
          )}
        </div>
      </section>
      <BridgeSection />
      <p role="status" aria-label="Smart card status">
        {status === 'connected' ? `Connected: ${reader ?? 'reader'}` : status === 'connecting' ? 'Connecting…' : 'No card connected.'}
      </p>
      {problem && (
        <p role="alert" className="form-error">
          {problem.message}
        </p>
      )}
      {status === 'connected' && <CardCertificatesTable />}
    </div>
  );
}

/**
 * The local PC/SC bridge: its address, the pairing code the first time (the token it gives is
 * kept by this browser; "Forget pairing" drops it), and the command that starts it.
 */
function BridgeSection() {
  const status = useCard((s) => s.status);
  const paired = useCard((s) => s.bridgePaired);
  const lastUrl = useCard((s) => s.bridgeUrl);
  const connect = useCard((s) => s.connect);
  const forgetPairing = useCard((s) => s.forgetBridgePairing);
  const [url, setUrl] = useState(lastUrl);
  const [pairingCode, setPairingCode] = useState('');
  const origin = typeof window === 'undefined' ? 'https://your-webmail' : window.location.origin;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void connect('bridge', { url, pairingCode: paired ? undefined : pairingCode }).then(() => setPairingCode(''));
  };

  return (
    <section aria-labelledby="card-bridge-heading">
      <h3 id="card-bridge-heading">Local bridge</h3>
      <p className="muted">
        A small program on this computer that reaches every reader the system knows (PC/SC). It works in every browser. Start it with{' '}
        <code>npm run bridge -- --origin {origin}</code>; it prints a pairing code to type here once.
      </p>
      <form onSubmit={submit} aria-label="Local bridge">
        <label>
          Bridge address
          <input type="text" value={url} onChange={(e) => setUrl(e.target.value)} spellCheck={false} autoComplete="off" />
        </label>
        {paired ? (
          <p className="muted">
            This browser is paired with the bridge.{' '}
            <button type="button" onClick={() => forgetPairing(url)}>
              Forget pairing
            </button>
          </p>
        ) : (
          <label>
            Pairing code
            <input type="text" value={pairingCode} onChange={(e) => setPairingCode(e.target.value)} placeholder="ABCD-1234" spellCheck={false} autoComplete="off" />
          </label>
        )}
        <div className="dialog-buttons">
          <button type="submit" disabled={status === 'connecting'}>
            Connect (local bridge)
          </button>
        </div>
      </form>
    </section>
  );
}

function CardCertificatesTable() {
  const certificates = useCard((s) => s.certificates);
  const signingSlot = useCard((s) => s.signingSlot);
  const decryptionSlots = useCard((s) => s.decryptionSlots);
  const chooseForSigning = useCard((s) => s.chooseForSigning);
  const chooseForDecryption = useCard((s) => s.chooseForDecryption);
  if (certificates.length === 0) return null;
  return (
    <table aria-label="Card certificates" className="card-certificates">
      <thead>
        <tr>
          <th scope="col">Slot</th>
          <th scope="col">Subject</th>
          <th scope="col">Valid</th>
          <th scope="col">Use</th>
        </tr>
      </thead>
      <tbody>
        {certificates.map(({ slot, summary, addresses }) => (
          <tr key={slot}>
            <td>{slotName(slot)}</td>
            <td>
              {summary.subject}
              {addresses.length > 0 && <div className="muted">{addresses.join(', ')}</div>}
            </td>
            <td>
              {isoDay(summary.notBefore)} to {isoDay(summary.notAfter)}
            </td>
            <td>
              <label>
                <input type="checkbox" checked={signingSlot === slot} onChange={(e) => chooseForSigning(slot, e.target.checked)} aria-label={`Use ${slotName(slot)} for signing`} />
                Use for signing
              </label>
              <label>
                <input
                  type="checkbox"
                  checked={decryptionSlots.includes(slot)}
                  onChange={(e) => chooseForDecryption(slot, e.target.checked)}
                  aria-label={`Use ${slotName(slot)} for decryption`}
                />
                Use for decryption
              </label>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
