import type { SpecialUse } from '@/lib/api/types';

// Small stroke icons drawn inline: emoji and symbol fonts differ between systems (and are
// missing on some), these do not. Decorative: the text next to them carries the meaning.

const PATHS: Record<SpecialUse | 'folder' | 'attachment' | 'flag', string> = {
  inbox: 'M3 13h5l1.5 3h5L16 13h5M5.5 5h13L21 13v6H3v-6z',
  drafts: 'M4 20h4L19 9l-4-4L4 16v4zM13.5 6.5l4 4',
  sent: 'M21 3L3 10.5l7 2.5 2.5 7L21 3zM10 13l5-5',
  archive: 'M3 4h18v4H3zM5 8v12h14V8M10 12h4',
  junk: 'M12 3l9.5 17h-19zM12 10v4.5M12 17.2v.3',
  trash: 'M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v6M14 11v6',
  folder: 'M3 6h6l2 2h10v11H3z',
  attachment: 'M20 11.5l-8 8a5 5 0 01-7-7l8.5-8.5a3.5 3.5 0 015 5L10 17.5a2 2 0 01-3-3l7.5-7.5',
  flag: 'M5 21V4M5 4h12l-2.5 4L17 12H5',
};

export type IconName = keyof typeof PATHS;

export function Icon({ name, className }: { name: IconName; className?: string }) {
  return (
    <svg className={`icon${className ? ` ${className}` : ''}`} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
