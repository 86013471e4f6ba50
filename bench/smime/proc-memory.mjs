// A process's resident memory and its peak, from Linux's /proc: VmRSS and VmHWM in
// /proc/<pid>/status; writing "5" to /proc/<pid>/clear_refs resets VmHWM to the current RSS
// (Linux 4.0+), so the peak of one operation can be read.
import fs from 'node:fs';

/** { rss, hwm } in bytes from the text of /proc/<pid>/status. */
export function parseStatus(text) {
  const kb = (name) => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text);
    if (!m) throw new Error(`no ${name} in /proc status`);
    return Number(m[1]) * 1024;
  };
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** The memory probe measure-loop.mjs expects, for a process (default: this one). */
export function procMemory(pid = 'self') {
  const status = () => parseStatus(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return {
    async reset() {
      fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
      return status().rss;
    },
    async peak() {
      return status().hwm;
    },
  };
}
