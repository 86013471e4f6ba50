'use client';

import type { SecurityChoices } from './use-security-choices';

/**
 * The "Sign" and "Encrypt" toggle buttons (aria-pressed) and "Attach my certificate". A toggle
 * the policy requires stays on, disabled, and says why.
 */
export function SecurityToggles({ security, disabled }: { security: SecurityChoices; disabled: boolean }) {
  const { policy } = security;
  return (
    <div className="security-toggles" role="group" aria-label="Security">
      <button
        type="button"
        className="security-toggle"
        aria-pressed={security.sign}
        disabled={disabled || policy.requireSigning}
        aria-describedby={policy.requireSigning ? 'compose-sign-required' : undefined}
        onClick={() => security.setSign((on) => !on)}
      >
        Sign
      </button>
      <button
        type="button"
        className="security-toggle"
        aria-pressed={security.encrypt}
        disabled={disabled || policy.requireEncryption}
        aria-describedby={policy.requireEncryption ? 'compose-encrypt-required' : undefined}
        onClick={() => security.setEncrypt((on) => !on)}
      >
        Encrypt
      </button>
      <label className="attach-certificate">
        <input type="checkbox" checked={security.attachCertificate} disabled={disabled} onChange={(e) => security.setAttachCertificate(e.target.checked)} /> Attach my
        certificate
      </label>
      {policy.requireSigning && (
        <span id="compose-sign-required" className="muted">
          Your organisation requires signing.
        </span>
      )}
      {policy.requireEncryption && (
        <span id="compose-encrypt-required" className="muted">
          Your organisation requires encryption.
        </span>
      )}
      {security.keys.state === 'error' && (
        <span role="status" className="form-error">
          {security.keys.message}
        </span>
      )}
    </div>
  );
}
