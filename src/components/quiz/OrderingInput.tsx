// Ordering answers with real buttons: each item has "Move up" and "Move down", focus stays on the
// moved item, and a live region says where it went, so the list works from the keyboard alone.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { Md } from './Md.tsx';

const plain = (s: string) => s.replace(/[`*_]/g, '');

/** A reorderable list; `order` is the current option id order. */
export function OrderingInput({ qid, options, order, onChange, disabled }: { qid: string; options: { id: string; text: string }[]; order: string[]; onChange: (order: string[]) => void; disabled?: boolean }) {
  const byId = new Map(options.map((o) => [o.id, o]));
  const [message, setMessage] = useState('');
  const focusNext = useRef<{ id: string; dir: 'up' | 'down' } | null>(null);
  const buttons = useRef(new Map<string, HTMLButtonElement>());

  useLayoutEffect(() => {
    const f = focusNext.current;
    if (!f) return;
    focusNext.current = null;
    const idx = order.indexOf(f.id);
    // At either end the button just used is disabled, so focus its sibling.
    const dir = (f.dir === 'up' && idx === 0) ? 'down' : (f.dir === 'down' && idx === order.length - 1) ? 'up' : f.dir;
    buttons.current.get(`${f.id}:${dir}`)?.focus();
  }, [order]);

  const move = (id: string, dir: 'up' | 'down') => {
    const i = order.indexOf(id);
    const j = dir === 'up' ? i - 1 : i + 1;
    if (j < 0 || j >= order.length) return;
    const next = [...order];
    [next[i], next[j]] = [next[j], next[i]];
    focusNext.current = { id, dir };
    setMessage(`Moved "${plain(byId.get(id)?.text ?? id)}" to position ${j + 1} of ${order.length}.`);
    onChange(next);
  };

  return (
    <div>
      <ol class="ordering" aria-label="Put these in order, first at the top" data-testid={`ordering-${qid}`}>
        {order.map((id, i) => (
          <li key={id} data-option={id}>
            <span class="ordering-pos" aria-hidden="true">{i + 1}</span>
            <Md text={byId.get(id)?.text ?? id} inline class="ordering-text" />
            <span class="ordering-buttons">
              <button type="button" class="btn secondary small" disabled={disabled || i === 0} aria-label={`Move "${plain(byId.get(id)?.text ?? id)}" up`} ref={(el) => { if (el) buttons.current.set(`${id}:up`, el); }} onClick={() => move(id, 'up')}>
                ↑ Up
              </button>
              <button type="button" class="btn secondary small" disabled={disabled || i === order.length - 1} aria-label={`Move "${plain(byId.get(id)?.text ?? id)}" down`} ref={(el) => { if (el) buttons.current.set(`${id}:down`, el); }} onClick={() => move(id, 'down')}>
                ↓ Down
              </button>
            </span>
          </li>
        ))}
      </ol>
      <p class="sr-only" aria-live="polite">{message}</p>
    </div>
  );
}
