// What a page at large text gets wrong (tests/e2e/test_large_text.py), in one
// pass over its elements; called with the smallest tap target in px.
(tap) => {
  const width = document.documentElement.clientWidth;
  const clips = (e) => getComputedStyle(e).overflow !== 'visible';
  // The box an element's content is drawn in: its own box cut by every
  // ancestor that clips (a table's headings hidden in a 1 px box when its rows
  // become cards, a title clamped to two lines).
  const drawnIn = (e, box) => {
    let [left, top, right, bottom] = [box.left, box.top, box.right, box.bottom];
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      if (!clips(p)) continue;
      const r = p.getBoundingClientRect();
      [left, top, right, bottom] = [Math.max(left, r.left), Math.max(top, r.top),
                                    Math.min(right, r.right), Math.min(bottom, r.bottom)];
    }
    return {left, top, right, bottom, width: right - left, height: bottom - top};
  };
  const shown = (e) => {
    if (e.closest('details:not([open]) > :not(summary), .visually-hidden, [hidden]')) return false;
    const box = drawnIn(e, e.getBoundingClientRect());
    return box.width > 1 && box.height > 1 && getComputedStyle(e).visibility !== 'hidden';
  };
  const name = (e) => `${e.tagName.toLowerCase()}#${e.id} "${e.textContent.trim().slice(0, 15)}"`;
  const found = {overflow: document.documentElement.scrollWidth - width, wide: [], small: [],
                 covered: [], overlapping: []};
  for (const e of document.querySelectorAll('body *')) {
    if (shown(e) && e.getBoundingClientRect().right > width + 1) found.wide.push(name(e));
  }
  const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  for (const e of document.querySelectorAll(controls)) {
    if (!shown(e)) continue;
    const box = e.getBoundingClientRect();
    const label = e.matches('input') && e.closest('label');
    const inSentence = e.matches('a') && getComputedStyle(e).display === 'inline'
      && e.parentElement.textContent.trim().length > e.textContent.trim().length + 3;
    const byLabel = label && label.getBoundingClientRect().height >= tap - 0.5;
    if ((box.width < tap - 0.5 || box.height < tap - 0.5) && !inSentence && !byLabel)
      found.small.push(`${name(e)} ${Math.round(box.width)}×${Math.round(box.height)}`);
    e.scrollIntoView({block: 'center'});
    // (a link that wraps onto two lines: the middle of its first line)
    const middle = e.getClientRects()[0] || e.getBoundingClientRect();
    const x = middle.left + middle.width / 2, y = middle.top + middle.height / 2;
    const top = document.elementFromPoint(x, y);
    const target = label || e;
    if (top && !target.contains(top) && !top.contains(target)) found.covered.push(`${name(e)} under ${name(top)}`);
  }
  window.scrollTo(0, 0);
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const element = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || !shown(element)) continue;
    const range = document.createRange();
    range.selectNodeContents(walker.currentNode);
    for (const line of range.getClientRects()) {
      const box = drawnIn(walker.currentNode, line);
      if (box.width > 1 && box.height > 1) boxes.push({element, box});
    }
  }
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const [a, b] = [boxes[i], boxes[j]];
    if (a.element === b.element) continue;
    const across = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
    const down = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
    if (across > 2 && down > 4) found.overlapping.push(`${name(a.element)} × ${name(b.element)}`);
  }
  for (const key of ['wide', 'small', 'covered', 'overlapping'])
    found[key] = [...new Set(found[key])].slice(0, 5);
  return found;
}
