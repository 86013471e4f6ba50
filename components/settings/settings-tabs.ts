import type { ComponentType } from 'react';

import { CertificatesPanel } from './certificates-panel';
import { IdentitiesPanel } from './identities-panel';
import { PolicyPanel } from './policy-panel';
import { SendingPanel } from './sending-panel';
import { SmartCardPanel } from './smart-card-panel';
import { TrustPanel } from './trust-panel';

/** One section of the Settings dialog: a tab and the panel it shows. */
export interface SettingsTab {
  id: string;
  label: string;
  Panel: ComponentType;
}

/** The Settings dialog's sections, in the order the tabs appear. */
export const SETTINGS_TABS: SettingsTab[] = [
  { id: 'identities', label: 'Your certificates', Panel: IdentitiesPanel },
  { id: 'smart-card', label: 'Smart card', Panel: SmartCardPanel },
  { id: 'certificates', label: "Contacts' certificates", Panel: CertificatesPanel },
  { id: 'sending', label: 'Sending', Panel: SendingPanel },
  { id: 'trust', label: 'Trust', Panel: TrustPanel },
  { id: 'policy', label: 'Policy', Panel: PolicyPanel },
];
