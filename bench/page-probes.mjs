// Functions that run inside the page (passed to Playwright's page.evaluate, so each one is
// self-contained). They time with performance marks and a MutationObserver in the page itself:
// no polling from outside, no Playwright round trips inside the measured interval.
//
// "Drawn" means: the rows are in the DOM and one frame has been produced after them
// (requestAnimationFrame, then a task: the frame with the rows has been handed to the compositor).

/* global window, document, MutationObserver, requestAnimationFrame */

/**
 * Arms the "first rows" probe: the next click anywhere starts the clock (its event time), and
 * the first option with content (not a placeholder) in the Messages listbox after it stops it. Call before clicking a
 * folder whose list is empty now; collect with collectProbe().
 */
export function armFirstRows({ timeoutMs }) {
  const sel = '[role="listbox"][aria-label="Messages"] [role="option"]';
  if (document.querySelector(sel)) throw new Error('the Messages list must be empty before the click');
  for (const name of ['bench:click', 'bench:first-rows-dom', 'bench:first-rows-frame']) performance.clearMarks(name);
  performance.clearMeasures('bench:first-rows');
  window.__benchProbe = new Promise((resolve) => {
    let clickAt = null;
    let done = false;
    const finish = (result) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      observer.disconnect();
      document.removeEventListener('click', onClick, true);
      resolve(result);
    };
    const timer = setTimeout(() => finish({ ok: false, reason: `no rows within ${timeoutMs} ms of the click` }), timeoutMs);
    const onClick = (event) => {
      if (clickAt !== null) return;
      clickAt = event.timeStamp;
      performance.mark('bench:click', { startTime: event.timeStamp });
      check();
    };
    const check = () => {
      if (clickAt === null || done) return;
      // Placeholders (aria-busy, or no text yet) are not rows drawn.
      const rows = [...document.querySelectorAll(sel)].filter((o) => o.getAttribute('aria-busy') !== 'true' && o.textContent?.trim()).length;
      if (!rows) return;
      const dom = performance.mark('bench:first-rows-dom').startTime;
      observer.disconnect();
      requestAnimationFrame(() =>
        setTimeout(() => {
          performance.mark('bench:first-rows-frame');
          const m = performance.measure('bench:first-rows', 'bench:click', 'bench:first-rows-frame');
          finish({ ok: true, ms: m.duration, domMs: dom - clickAt, rows });
        }, 0),
      );
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['aria-busy'] });
    document.addEventListener('click', onClick, true);
  });
}

/**
 * Jumps the Messages listbox to the middle (scrollTop = scrollHeight / 2) and resolves when an
 * option whose position is within `tolerance` of `target` is drawn inside the list's viewport.
 * An option's position is its aria-posinset; without one (a list that is not virtualized) its
 * index among the options + 1. Options marked aria-busy="true" or without text are placeholders
 * and do not count. Resolves { ok: false, … } with what was reached when the time runs out.
 */
export function jumpToMiddle({ target, tolerance, timeoutMs }) {
  const listbox = document.querySelector('[role="listbox"][aria-label="Messages"]');
  if (!listbox) throw new Error('no Messages listbox');
  for (const name of ['bench:jump', 'bench:jump-dom', 'bench:jump-frame']) performance.clearMarks(name);
  performance.clearMeasures('bench:jump');
  return new Promise((resolve) => {
    let done = false;
    let furthest = 0;
    let virtualized = false;
    const finish = (result) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      observer.disconnect();
      listbox.removeEventListener('scroll', check);
      resolve(result);
    };
    const positionDrawn = () => {
      const view = listbox.getBoundingClientRect();
      const options = listbox.querySelectorAll('[role="option"]');
      let found = null;
      options.forEach((option, index) => {
        const attr = option.getAttribute('aria-posinset');
        if (attr !== null) virtualized = true;
        const pos = attr !== null ? Number(attr) : index + 1;
        if (option.getAttribute('aria-busy') === 'true' || !option.textContent?.trim()) return;
        const r = option.getBoundingClientRect();
        if (r.bottom <= view.top || r.top >= view.bottom) return;
        furthest = Math.max(furthest, pos);
        if (found === null && Math.abs(pos - target) <= tolerance) found = pos;
      });
      return found;
    };
    const check = () => {
      if (done) return;
      const pos = positionDrawn();
      if (pos === null) return;
      const dom = performance.mark('bench:jump-dom').startTime;
      observer.disconnect();
      requestAnimationFrame(() =>
        setTimeout(() => {
          performance.mark('bench:jump-frame');
          const m = performance.measure('bench:jump', 'bench:jump', 'bench:jump-frame');
          finish({ ok: true, ms: m.duration, domMs: dom - start, position: pos, virtualized });
        }, 0),
      );
    };
    const timer = setTimeout(() => {
      const options = listbox.querySelectorAll('[role="option"]').length;
      finish({
        ok: false,
        reason: `no option near position ${target} was drawn within ${timeoutMs} ms`,
        furthest,
        options,
        virtualized,
        setsize: listbox.querySelector('[role="option"]')?.getAttribute('aria-setsize') ?? null,
        scrollHeight: listbox.scrollHeight,
      });
    }, timeoutMs);
    const observer = new MutationObserver(check);
    observer.observe(listbox, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['aria-posinset', 'aria-busy'] });
    listbox.addEventListener('scroll', check);
    const start = performance.mark('bench:jump').startTime;
    listbox.scrollTop = listbox.scrollHeight / 2;
  });
}

/** Resolves the promise an armFirstRows() call left behind. */
export function collectProbe() {
  return window.__benchProbe;
}
