// One question while the quiz runs: the prompt and the right input for its type (radio buttons,
// checkboxes, a reorderable list, a number/setting field, or a written answer that is then
// self-assessed against the model answer's key points).
import { Md } from './Md.tsx';
import { OrderingInput } from './OrderingInput.tsx';
import type { Answer, QuizQuestion } from './types.ts';

export const TYPE_HINT: Record<QuizQuestion['type'], string> = {
  single: 'Choose one answer.',
  true_false: 'True or false?',
  multiple: 'Choose every answer that applies.',
  ordering: 'Put the steps in order with the Up and Down buttons.',
  numeric: 'Type a number or a setting value.',
  open: 'Write your answer, then check it against the model answer and tick the key points you covered (self-assessed).',
};

export interface QuestionViewProps {
  q: QuizQuestion;
  index: number;
  total: number;
  answer: Answer | undefined;
  /** `debounce` for typing, so each keystroke is not a request. */
  onAnswer: (a: Answer, opts?: { debounce?: boolean }) => void;
  revealed?: { modelAnswer: string; keyPoints: string[] };
  onReveal: () => void;
  disabled: boolean;
  saveStatus?: string;
  headingRef?: (el: HTMLHeadingElement | null) => void;
}

/** Renders one question with its answer input. */
export function QuestionView({ q, index, total, answer, onAnswer, revealed, onReveal, disabled, saveStatus, headingRef }: QuestionViewProps) {
  const name = `q-${q.id}`;
  const selected = answer && 'selected' in answer ? answer.selected : [];
  const headingId = `${name}-heading`;
  return (
    <section class="card quiz-question" aria-labelledby={headingId} data-testid="quiz-question" data-question-id={q.id} data-question-type={q.type}>
      <h2 id={headingId} tabIndex={-1} ref={headingRef} class="quiz-question-heading">
        Question {index + 1} of {total}
      </h2>
      <p class="muted quiz-meta">
        <span class="tag">{q.pattern}</span>
        <span class="tag">{q.level}</span>
        {q.topics.map((t) => (
          <span class="tag" key={t}>{t}</span>
        ))}
      </p>
      {(q.type === 'single' || q.type === 'true_false' || q.type === 'multiple') && (
        <fieldset class="quiz-choices" disabled={disabled}>
          <legend>
            <Md text={q.prompt} />
            <span class="muted quiz-hint">{TYPE_HINT[q.type]}</span>
          </legend>
          {(q.options ?? []).map((o) => {
            const id = `${name}-${o.id}`;
            const multi = q.type === 'multiple';
            return (
              <div class="quiz-choice" key={o.id}>
                <input
                  type={multi ? 'checkbox' : 'radio'}
                  id={id}
                  name={name}
                  value={o.id}
                  checked={selected.includes(o.id)}
                  onChange={(e) => {
                    const on = (e.currentTarget as HTMLInputElement).checked;
                    const next = multi ? (on ? [...selected, o.id] : selected.filter((x) => x !== o.id)) : [o.id];
                    onAnswer({ selected: next });
                  }}
                />
                <label for={id}>
                  <Md text={o.text} inline />
                </label>
              </div>
            );
          })}
        </fieldset>
      )}
      {q.type === 'ordering' && (
        <div role="group" aria-labelledby={`${name}-prompt`}>
          <div id={`${name}-prompt`}>
            <Md text={q.prompt} />
            <p class="muted quiz-hint">{TYPE_HINT.ordering}</p>
          </div>
          <OrderingInput
            qid={q.id}
            options={q.options ?? []}
            order={answer && 'order' in answer && answer.order.length ? answer.order : (q.options ?? []).map((o) => o.id)}
            onChange={(order) => onAnswer({ order })}
            disabled={disabled}
          />
          {!(answer && 'order' in answer) && (
            <button type="button" class="btn secondary" disabled={disabled} onClick={() => onAnswer({ order: (q.options ?? []).map((o) => o.id) })}>
              Keep this order as my answer
            </button>
          )}
        </div>
      )}
      {q.type === 'numeric' && (
        <div>
          <Md text={q.prompt} />
          <label for={`${name}-value`}>Your answer{q.unit ? ` (in ${q.unit})` : ''}</label>{' '}
          <input
            id={`${name}-value`}
            type="text"
            inputMode="decimal"
            autoComplete="off"
            maxLength={200}
            disabled={disabled}
            value={answer && 'value' in answer ? answer.value : ''}
            onInput={(e) => onAnswer({ value: (e.currentTarget as HTMLInputElement).value }, { debounce: true })}
            onBlur={(e) => onAnswer({ value: (e.currentTarget as HTMLInputElement).value })}
          />
          {q.unit && <span class="muted"> {q.unit}</span>}
        </div>
      )}
      {q.type === 'open' && (
        <OpenAnswer q={q} name={name} answer={answer} onAnswer={onAnswer} revealed={revealed} onReveal={onReveal} disabled={disabled} />
      )}
      <p class="muted quiz-save" aria-live="polite" data-testid="quiz-save-status">
        {saveStatus ?? ''}
      </p>
    </section>
  );
}

function OpenAnswer({ q, name, answer, onAnswer, revealed, onReveal, disabled }: { q: QuizQuestion; name: string; answer: Answer | undefined; onAnswer: QuestionViewProps['onAnswer']; revealed?: { modelAnswer: string; keyPoints: string[] }; onReveal: () => void; disabled: boolean }) {
  const text = answer && 'text' in answer ? answer.text : '';
  const ticked = answer && 'text' in answer ? (answer.ticked ?? []) : [];
  // Nothing written means nothing to self-assess: the server refuses ticks on an empty answer.
  const empty = text.trim() === '';
  return (
    <div>
      <Md text={q.prompt} />
      <p class="muted quiz-hint">{TYPE_HINT.open}</p>
      <label for={`${name}-text`}>Your answer</label>
      <textarea
        id={`${name}-text`}
        rows={6}
        maxLength={5000}
        class="quiz-open-text"
        readOnly={Boolean(revealed)}
        disabled={disabled}
        value={text}
        aria-describedby={revealed ? `${name}-locked` : undefined}
        onInput={(e) => onAnswer({ text: (e.currentTarget as HTMLTextAreaElement).value }, { debounce: true })}
        onBlur={(e) => !revealed && onAnswer({ text: (e.currentTarget as HTMLTextAreaElement).value })}
      />
      {!revealed ? (
        <p>
          <button type="button" class="btn secondary" disabled={disabled} onClick={onReveal} data-testid="quiz-reveal">
            Check against the model answer
          </button>{' '}
          <span class="muted">
            Your written answer is locked once you look.{empty && ' With nothing written yet, you can read the model answer but this question will score 0.'}
          </span>
        </p>
      ) : (
        <div class="quiz-reveal">
          <p id={`${name}-locked`} class="muted">Your answer is locked. Compare it with the model answer and tick what you covered.</p>
          <h3>Model answer</h3>
          <Md text={revealed.modelAnswer} />
          {empty && (
            <p class="bad" id={`${name}-empty`} data-testid="quiz-open-empty">
              You revealed the model answer without writing one, so there is nothing to tick: this question scores 0.
            </p>
          )}
          <fieldset disabled={disabled || empty} aria-describedby={empty ? `${name}-empty` : undefined} data-testid="quiz-keypoints">
            <legend>Self-assessed: which key points did your answer cover? This question scores the fraction you tick.</legend>
            {revealed.keyPoints.map((k, i) => (
              <div class="quiz-choice" key={i}>
                <input
                  type="checkbox"
                  id={`${name}-kp-${i}`}
                  checked={ticked.includes(i)}
                  onChange={(e) => {
                    const on = (e.currentTarget as HTMLInputElement).checked;
                    onAnswer({ text, ticked: on ? [...ticked, i].sort((a, b) => a - b) : ticked.filter((x) => x !== i) });
                  }}
                />
                <label for={`${name}-kp-${i}`}>
                  <Md text={k} inline />
                </label>
              </div>
            ))}
          </fieldset>
        </div>
      )}
    </div>
  );
}
