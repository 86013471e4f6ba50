import { ComposeLauncher } from '../compose/compose-launcher';
import { SettingsButton } from '../settings/settings-button';

import { ShortcutsButton } from './shortcuts-button';
import { SignOutButton } from './sign-out-button';

/** The top bar: product name, the signed-in address, and signing out. */
export function MailHeader({ email }: { email: string }) {
  return (
    <header className="mail-header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          ✉
        </span>
        Sealpost
      </div>
      <div className="mail-header-actions">
        <ComposeLauncher email={email} />
      </div>
      <div className="mail-header-user">
        <span className="user-address" title="Signed in as">
          {email}
        </span>
        <SettingsButton />
        <ShortcutsButton />
        <SignOutButton />
      </div>
    </header>
  );
}
