'use client';

import { type FormEvent, useState } from 'react';

import type { PinRequest } from '@/lib/webusb-token/piv/card-key';
import { slotName, wrongPinText } from '@/stores/card-store';
import { useCard } from '@/stores/security-stores-provider';

import { ModalDialog } from '../mail/modal-dialog';

/** Longest PIV PIN (SP 800-73-4: up to 8 characters). */
const PIN_MAX_LENGTH = 8;

const WHY: Record<PinRequest['reason'], string> = {
  'pin-always': 'This key asks for the PIN before every use.',
  'pin-required': 'The card asks for its PIN.',
  'wrong-pin': '',
};

/**
 * "Smart card PIN": drawn by the app, not the browser. The PIN goes from this field to the card
 * (through the card store's prompt) and nowhere else: never to the server, never stored.
 */
export function CardPinDialog({ request, onAnswer }: { request: PinRequest; onAnswer: (pin: string | null) => void }) {
  const [pin, setPin] = useState('');
  const left = request.retriesLeft;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const entered = pin;
    setPin('');
    onAnswer(entered);
  };

  return (
    <ModalDialog title="Smart card PIN" onClose={() => onAnswer(null)}>
      <form onSubmit={onSubmit} className="dialog-form identity-form" noValidate>
        <p>
          Enter the PIN of your smart card to use the key in slot {slotName(request.slot)}. {WHY[request.reason]}
        </p>
        {request.reason === 'wrong-pin' && (
          <p role="alert" className="form-error">
            {wrongPinText(left)}
          </p>
        )}
        {left !== undefined && <p className="muted">Tries left: {left}</p>}
        {left === 1 && <p className="form-error">One try left: a wrong PIN blocks the card.</p>}
        <label htmlFor="card-pin">PIN</label>
        <input
          id="card-pin"
          type="password"
          inputMode="numeric"
          autoComplete="off"
          maxLength={PIN_MAX_LENGTH}
          data-autofocus
          value={pin}
          onChange={(e) => setPin(e.target.value)}
        />
        <div className="dialog-buttons">
          <button type="submit" disabled={pin.length === 0}>
            Continue
          </button>
          <button type="button" onClick={() => onAnswer(null)}>
            Cancel
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

/** Answers the card store's PIN prompts from anywhere in the app: mount it once in the mail view. */
export function CardPinPrompt() {
  const request = useCard((s) => s.pinRequest);
  const answer = useCard((s) => s.answerPin);
  if (!request) return null;
  return <CardPinDialog request={request} onAnswer={answer} />;
}
