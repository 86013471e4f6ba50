import { MailStoresProvider } from '@/stores/mail-stores-provider';
import { SecurityStoresProvider } from '@/stores/security-stores-provider';

import { ActionNotice } from './action-notice';
import { FolderTree } from './folder-tree';
import { MailHeader } from './mail-header';
import { MessageList } from './message-list';
import { UndoBar } from './message-toolbar';
import { ConnectionBanner } from './connection-banner';
import { KeyboardShortcuts } from './keyboard-shortcuts';
import { LiveUpdates } from './live-updates';
import { ReadingPane } from './reading-pane';
import { ComposeSecurityWiring } from './security-wiring';
import { CardPinPrompt } from '../settings/card-pin-dialog';
import { IdentityUnlockPrompt } from '../settings/identity-unlock-dialog';
import { SessionEndedRedirect } from './session-ended-redirect';

/** The three-pane mail view: folders, message list, reading pane. Server component; the panes are client leaves. */
export function MailApp({ email }: { email: string }) {
  return (
    <SecurityStoresProvider email={email}>
      <MailStoresProvider email={email}>
        <ComposeSecurityWiring>
        <SessionEndedRedirect />
        <div className="mail-app">
          <MailHeader email={email} />
          <ConnectionBanner />
          <main className="mail-panes">
            <FolderTree />
            <MessageList />
            <ReadingPane />
          </main>
          <UndoBar />
          <ActionNotice />
        </div>
        <LiveUpdates />
        <KeyboardShortcuts />
        <IdentityUnlockPrompt />
        <CardPinPrompt />
        </ComposeSecurityWiring>
      </MailStoresProvider>
    </SecurityStoresProvider>
  );
}
