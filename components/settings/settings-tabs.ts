import type { ComponentType } from 'react';

import { PolicyPanel } from './policy-panel';
import { TrustPanel } from './trust-panel';

/** One section of the Settings dialog: a tab and the panel it shows. */
export interface SettingsTab {
  id: string;
  label: string;
  Panel: ComponentType;
}

// Sections add themselves here, in the order the tabs appear.
export const SETTINGS_TABS: SettingsTab[] = [];
SETTINGS_TABS.push({ id: 'trust', label: 'Trust', Panel: TrustPanel }, { id: 'policy', label: 'Policy', Panel: PolicyPanel });
