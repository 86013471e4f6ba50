import type { ComponentType } from 'react';

import { IdentitiesPanel } from './identities-panel';
import { CertificatesPanel } from './certificates-panel';

/** One section of the Settings dialog: a tab and the panel it shows. */
export interface SettingsTab {
  id: string;
  label: string;
  Panel: ComponentType;
}

// Sections add themselves here, in the order the tabs appear.
export const SETTINGS_TABS: SettingsTab[] = [
  { id: 'identities', label: 'Your certificates', Panel: IdentitiesPanel },
  { id: 'certificates', label: "Contacts' certificates", Panel: CertificatesPanel },
];
