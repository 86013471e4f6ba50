'use client';

import { MailStoresProvider } from '@/stores/mail-stores-provider';

import { FolderTree } from './folder-tree';
import { MailHeader } from './mail-header';
import { MessageList } from './message-list';
import { ReadingPane } from './reading-pane';

/** The three-pane mail view: folders, message list, reading pane. */
export function MailApp({ email }: { email: string }) {
  return (
    <MailStoresProvider>
      <div className="mail-app">
        <MailHeader email={email} />
        <div className="mail-panes">
          <FolderTree />
          <MessageList />
          <ReadingPane />
        </div>
      </div>
    </MailStoresProvider>
  );
}
