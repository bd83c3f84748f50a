// Highlights the section being read in a lesson's table of contents: an IntersectionObserver
// watches the headings the contents link to and marks the link of the last heading above a line
// 35 % down the viewport with aria-current="true" (the CSS styles that attribute). The observer's
// root reaches far above the viewport, so "intersecting" means "scrolled above the line" and a
// jump past several headings still reports each of them.

/** Index of the current section: the last heading whose top is at or above `line`; -1 before the first. */
export function currentSection(tops: readonly number[], line: number): number {
  let current = -1;
  tops.forEach((top, i) => {
    if (top <= line) current = i;
  });
  return current;
}

const LINE = 0.35;

/** Starts the highlight for every link to a heading inside `links` (the sidebar and inline contents). */
export function watchToc(links: HTMLAnchorElement[]): void {
  const byId = new Map<string, HTMLAnchorElement[]>();
  for (const a of links) {
    const id = decodeURIComponent(a.hash.slice(1));
    if (id) byId.set(id, [...(byId.get(id) ?? []), a]);
  }
  const headings = Array.from(byId.keys())
    .map((id) => document.getElementById(id))
    .filter((h): h is HTMLElement => h !== null);
  if (headings.length === 0 || !('IntersectionObserver' in window)) return;

  let active: string | null = null;
  const mark = (id: string | null) => {
    if (id === active) return;
    if (active) byId.get(active)?.forEach((a) => a.removeAttribute('aria-current'));
    if (id) byId.get(id)?.forEach((a) => a.setAttribute('aria-current', 'true'));
    active = id;
  };
  const update = () => {
    const tops = headings.map((h) => h.getBoundingClientRect().top);
    let i = currentSection(tops, innerHeight * LINE);
    // At the very end of the page the last sections can never reach the line: a heading the
    // reader jumped to (the URL's hash) that is on screen wins there.
    const atBottom = innerHeight + scrollY >= document.documentElement.scrollHeight - 2;
    const target = headings.findIndex((h) => `#${h.id}` === decodeURIComponent(location.hash));
    if (atBottom && target > i && tops[target] < innerHeight) i = target;
    mark(i >= 0 ? headings[i].id : null);
  };
  const observer = new IntersectionObserver(update, { rootMargin: `100000px 0px -${(1 - LINE) * 100}% 0px` });
  headings.forEach((h) => observer.observe(h));
  addEventListener('hashchange', update);
}
