'use client';

import { useEffect } from 'react';
import { useStore } from 'zustand';

import { describePolicy } from '@/lib/policy/describe-policy';
import { useTrust } from '@/stores/security-stores-provider';

/** Settings → Policy: the administrator's S/MIME policy, read-only, in plain words. */
export function PolicyPanel() {
  const trust = useTrust();
  const { status, error, policy } = useStore(trust.state);
  useEffect(() => {
    void trust.load();
  }, [trust]);

  if (status === 'error') {
    return (
      <p role="alert" className="form-error">
        {error}
      </p>
    );
  }
  if (!policy) return <p className="muted">Loading the policy…</p>;
  return (
    <section aria-labelledby="policy-heading" className="policy-panel">
      <h3 id="policy-heading">Your organisation&apos;s S/MIME policy</h3>
      <p className="muted">Set by your administrator on the server; it applies to every message you sign, encrypt or read here.</p>
      <dl aria-label="Security policy" className="policy-list">
        {describePolicy(policy).map(({ topic, meaning }) => (
          <div key={topic}>
            <dt>{topic}</dt>
            <dd>{meaning}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
