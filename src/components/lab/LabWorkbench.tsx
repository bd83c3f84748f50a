// The interactive half of a lab page: editor with draft autosave and reset, Run with live progress
// over SSE, per-check results linked to the tasks, hints one at a time, the reference solution
// (after a pass or a confirmed give-up), a link to the next lab after a pass and the learner's
// attempt history.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, apiJson, currentUser } from '../../lib/api-client.ts';
import { CodeEditor } from './CodeEditor.tsx';
import { RunProgress, type Progress } from './RunProgress.tsx';
import { ResultsView } from './ResultsView.tsx';
import { watchRun } from './run-events.ts';
import { diagnosticPlace, type Diagnostic, type LabTask, type RunResults, type RunView } from './results.ts';

export type { LabTask, RunView };
import { AttemptHistory, type Attempt } from './AttemptHistory.tsx';
import { HintsPanel } from './HintsPanel.tsx';
import { SolutionPanel } from './SolutionPanel.tsx';


/** The languages a lab can be solved in, as the page names them. */
export type LabLanguage = 'typescript' | 'java' | 'python';
export const LANGUAGE_NAMES: Record<LabLanguage, { title: string; file: string }> = {
  typescript: { title: 'TypeScript (kafkajs)', file: 'main.ts' },
  java: { title: 'Java (kafka-clients)', file: 'Main.java' },
  python: { title: 'Python (confluent-kafka)', file: 'main.py' },
};

interface Props {
  slug: string;
  /** The lab after this one in teaching order, offered once this one is passed; null for the last. */
  next?: { slug: string; title: string } | null;
  /** The starter per language the lab supports (TypeScript always). */
  starters: Partial<Record<LabLanguage, string>>;
  tasks: LabTask[];
  hintTotal: number;
  /** The lab's time limit per run, counted down while the program runs. */
  timeLimitSeconds?: number;
}

const AUTOSAVE_MS = 800;
/** The learner's language in this browser (a signed-in learner's is also kept in their account). */
const LANGUAGE_KEY = 'lz-lab-language';
// TypeScript keeps the key it always had, so existing drafts survive.
const draftKey = (slug: string, language: LabLanguage = 'typescript') => (language === 'typescript' ? `lz-lab-draft:${slug}` : `lz-lab-draft:${slug}:${language}`);

function readLocal(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}
function writeLocal(key: string, value: string | null) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Private mode or full storage: the draft simply is not kept.
  }
}

/** The diagnostics of a 422 compile_error body's `details`, or none when they are not there. */
function compileDiagnostics(details: unknown): Diagnostic[] {
  const list = (details as { diagnostics?: unknown } | undefined)?.diagnostics;
  return Array.isArray(list) ? list.filter((d): d is Diagnostic => typeof d?.line === 'number' && typeof d?.column === 'number' && typeof d?.message === 'string') : [];
}

/** The lab workbench island. */
export function LabWorkbench({ slug, next = null, starters, tasks, hintTotal, timeLimitSeconds }: Props) {
  const languages = (Object.keys(LANGUAGE_NAMES) as LabLanguage[]).filter((l) => starters[l] !== undefined);
  const [language, setLanguage] = useState<LabLanguage>('typescript');
  const starter = starters[language] ?? '';
  const [code, setCode] = useState(starters.typescript ?? '');
  const [signedIn, setSignedIn] = useState<boolean | null>(null);
  const [saveStatus, setSaveStatus] = useState('');
  const [confirmReset, setConfirmReset] = useState(false);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [output, setOutput] = useState('');
  const [shown, setShown] = useState<RunView | null>(null);
  const [runError, setRunError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [attempts, setAttempts] = useState<Attempt[]>([]);
  const [attemptsError, setAttemptsError] = useState<string | null>(null);
  const [passed, setPassed] = useState(false);
  const [cooldown, setCooldown] = useState(0);
  /** The compile or syntax errors of the last Run, for the editor's markers and the list under Run. */
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([]);
  const loaded = useRef(false);
  const saveTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const stopWatch = useRef<(() => void) | null>(null);

  // Load who is here, then their draft (server for users, this browser for guests).
  useEffect(() => {
    let cancelled = false;
    (async () => {
      const me = await currentUser();
      const user = Boolean(me);
      if (cancelled) return;
      setSignedIn(user);
      // A signed-in learner's choice follows them to every device; a guest's stays in this browser.
      const remembered = (me?.labLanguage ?? readLocal(LANGUAGE_KEY)) as LabLanguage | null;
      const lang: LabLanguage = remembered && starters[remembered] !== undefined ? remembered : 'typescript';
      const draft = await loadDraft(lang, user);
      if (!cancelled) {
        setLanguage(lang);
        setCode(draft ?? starters[lang] ?? '');
      }
      loaded.current = true;
      void refreshAttempts();
      // /labs/<slug>/?run=<id> (e.g. from the dashboard) opens that run's results.
      const linked = new URLSearchParams(location.search).get('run');
      if (linked) void showAttempt(linked);
    })();
    return () => {
      cancelled = true;
      stopWatch.current?.();
    };
  }, [slug]);

  async function refreshAttempts() {
    try {
      const res = await apiJson<{ attempts: Attempt[] }>(`/api/labs/${slug}/attempts`);
      setAttempts(res.attempts);
      setAttemptsError(null);
      if (res.attempts.some((a) => a.outcome === 'pass')) setPassed(true);
    } catch (err) {
      setAttemptsError((err as Error).message);
    }
  }

  function onEdit(next: string) {
    setCode(next);
    if (!loaded.current) return;
    if (saveTimer.current) clearTimeout(saveTimer.current);
    setSaveStatus('Unsaved changes…');
    saveTimer.current = setTimeout(() => void save(next), AUTOSAVE_MS);
  }

  /** A signed-in learner's draft comes from the server, a guest's from this browser. */
  async function loadDraft(lang: LabLanguage, user: boolean | null = signedIn): Promise<string | null> {
    if (user) {
      try {
        const res = await apiJson<{ draft: { code: string } | null }>(`/api/labs/${slug}/draft?language=${lang}`);
        if (res.draft) return res.draft.code;
      } catch (err) {
        setSaveStatus(`Could not load your saved draft: ${(err as Error).message}`);
      }
    }
    return readLocal(draftKey(slug, lang));
  }

  async function save(value: string, lead = '', lang: LabLanguage = language) {
    if (signedIn) {
      try {
        await apiJson(`/api/labs/${slug}/draft`, { method: 'PUT', body: { code: value, language: lang } });
        setSaveStatus(`${lead}Draft saved to your account.`);
      } catch (err) {
        writeLocal(draftKey(slug, lang), value);
        setSaveStatus(`${lead}Saved in this browser only: ${(err as Error).message}`);
      }
    } else {
      writeLocal(draftKey(slug, lang), value);
      setSaveStatus(`${lead}Draft saved in this browser. Sign in to keep drafts across devices.`);
    }
  }

  /** Keeps this language's draft, then opens the other language's draft (or its starter). */
  function switchLanguage(next: LabLanguage) {
    if (next === language || running) return;
    if (saveTimer.current) {
      clearTimeout(saveTimer.current);
      saveTimer.current = null;
      void save(code, '', language);
    }
    writeLocal(LANGUAGE_KEY, next);
    if (signedIn) {
      void apiJson('/api/auth/me', { method: 'PATCH', body: { labLanguage: next } }).catch((err: Error) =>
        setSaveStatus(`Switched to ${LANGUAGE_NAMES[next].title}, but your account could not remember it: ${err.message}`),
      );
    }
    setDiagnostics([]);
    setLanguage(next);
    setCode(starters[next] ?? '');
    setSaveStatus(`Switched to ${LANGUAGE_NAMES[next].title}.`);
    // The saved draft replaces the starter, unless the learner has typed in the meantime.
    const shown = starters[next] ?? '';
    void loadDraft(next).then((draft) => draft !== null && setCode((current) => (current === shown ? draft : current)));
  }

  function resetToStarter() {
    setConfirmReset(false);
    if (saveTimer.current) clearTimeout(saveTimer.current);
    setCode(starter);
    void save(starter, 'Code reset to the starter. ');
  }

  async function fetchRun(id: string): Promise<RunView> {
    return apiJson<RunView>(`/api/runs/${encodeURIComponent(id)}`);
  }

  /** Shows a finished run: from the `done` event's results, or (stream lost) read back from the API. */
  async function finishRun(id: string, results?: RunResults) {
    try {
      const view: RunView = results ? { id, state: 'done', outcome: results.status, results } : await fetchRun(id);
      if (view.state !== 'done') {
        // The stream ended early; poll until the run is done.
        setTimeout(() => void finishRun(id), 1000);
        return;
      }
      setShown(view);
      setDiagnostics(view.results?.diagnostics ?? []);
      setProgress({ state: 'done', position: null });
      if (view.outcome === 'pass' || view.results?.status === 'pass') setPassed(true);
    } catch (err) {
      setRunError(`The run finished but its results could not be read: ${(err as Error).message}`);
    } finally {
      setRunning(false);
      void refreshAttempts();
    }
  }

  async function run() {
    if (running) return;
    setRunError(null);
    setDiagnostics([]);
    setShown(null);
    setOutput('');
    setRunning(true);
    if (saveTimer.current) {
      clearTimeout(saveTimer.current);
      void save(code);
    }
    let runId: string;
    try {
      runId = (await apiJson<{ runId: string | number }>(`/api/labs/${slug}/runs`, { method: 'POST', body: { code, language } })).runId.toString();
    } catch (err) {
      setRunning(false);
      setProgress(null);
      const e = err as ApiError;
      setRunError(e.message);
      if (e.code === 'compile_error') setDiagnostics(compileDiagnostics(e.details));
      if (e.status === 429 && e.retryAfter) startCooldown(e.retryAfter);
      return;
    }
    setProgress({ state: 'queued', position: null });
    stopWatch.current?.();
    stopWatch.current = watchRun(runId, {
      onState: (state, position) => setProgress({ state, position }),
      onOutput: (text) => setOutput((o) => (o.length > 200_000 ? o : o + text)),
      onDone: (results) => void finishRun(runId, results),
      onLost: () => void finishRun(runId),
    });
  }

  // After a 429 the Run button counts down the server's Retry-After instead of failing again.
  function startCooldown(seconds: number) {
    setCooldown(seconds);
    const timer = setInterval(() => {
      setCooldown((left) => {
        if (left <= 1) {
          clearInterval(timer);
          return 0;
        }
        return left - 1;
      });
    }, 1000);
  }

  async function showAttempt(id: string) {
    try {
      const view = await fetchRun(id);
      setShown(view);
      setOutput('');
      setProgress(null);
    } catch (err) {
      setAttemptsError(`Could not open that run: ${(err as Error).message}`);
    }
  }

  return (
    <div class="workbench" data-testid="lab-workbench" data-signed-in={signedIn === null ? undefined : String(signedIn)}>
      {languages.length > 1 && (
        <div class="language-switch" role="radiogroup" aria-label="Language" data-testid="language-switch">
          {languages.map((l) => (
            <label key={l}>
              <input type="radio" name={`lang-${slug}`} value={l} checked={language === l} disabled={running} onChange={() => switchLanguage(l)} data-testid={`language-${l}`} />
              {LANGUAGE_NAMES[l].title}
            </label>
          ))}
        </div>
      )}
      <CodeEditor value={code} onChange={onEdit} label={`Your program (${LANGUAGE_NAMES[language].file})`} onRun={() => void run()} language={language} markers={diagnostics} />
      <div class="toolbar">
        <button type="button" class="btn" onClick={() => void run()} disabled={running || cooldown > 0} data-testid="run-button">
          {running ? 'Running…' : cooldown > 0 ? `Run (wait ${cooldown} s)` : 'Run'}
        </button>
        {confirmReset ? (
          <span class="confirm" role="group" aria-label="Confirm reset">
            <span>Replace your code with the starter?</span>
            <button type="button" class="btn secondary small" onClick={resetToStarter} data-testid="reset-confirm">Yes, reset</button>
            <button type="button" class="btn secondary small" onClick={() => setConfirmReset(false)}>Cancel</button>
          </span>
        ) : (
          <button type="button" class="btn secondary" onClick={() => setConfirmReset(true)} data-testid="reset-button">Reset to starter</button>
        )}
        <span class="muted save-status" aria-live="polite" data-testid="save-status">{saveStatus}</span>
      </div>
      {runError && (
        <div class="notice bad" role="alert" data-testid="run-error">
          <p>{diagnostics.length > 0 ? `Your program did not compile: ${diagnostics.length === 1 ? 'one error' : `${diagnostics.length} errors`}, each marked in the editor at its line. Fix ${diagnostics.length === 1 ? 'it' : 'them'} and press Run again.` : runError}</p>
          {diagnostics.length > 0 && (
            <ul class="diagnostics" aria-label="Errors in your program, also marked in the editor">
              {diagnostics.map((d, i) => (
                <li key={i} data-testid="run-diagnostic" data-line={d.line}>
                  <code>{diagnosticPlace(d)}</code> {d.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <RunProgress progress={progress} output={output} timeLimitSeconds={timeLimitSeconds} />
      {shown && (
        <section class="results" aria-labelledby="results-heading" data-testid="run-results">
          <h2 id="results-heading">Results</h2>
          <ResultsView run={shown} tasks={tasks} />
        </section>
      )}
      {passed && (
        <p class="next-lab" data-testid="next-lab">
          {next ? <>You passed this lab. Next lab: <a href={`/labs/${next.slug}/`}>{next.title}</a></> : <>You passed the last lab. <a href="/labs/">Back to all labs</a></>}
        </p>
      )}
      <HintsPanel slug={slug} total={hintTotal} language={language} />
      <SolutionPanel key={language} slug={slug} passed={passed} language={language} mine={code} />
      <AttemptHistory attempts={attempts} error={attemptsError} onOpen={(id) => void showAttempt(id)} currentId={shown?.id ?? null} />
    </div>
  );
}
