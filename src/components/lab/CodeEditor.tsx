// The lab's code editor: a plain textarea that works at once and without JavaScript-heavy
// widgets, upgraded to Monaco (loaded by dynamic import when the editor scrolls into view or the
// textarea is focused, whichever comes first) unless the learner chose the plain editor. Monaco's
// TypeScript worker starts only when the editor is first focused. Both edit the same value; the
// choice and the line-wrap setting are remembered. Ctrl/Cmd+Enter in either asks to run.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { EditorLanguage, LabMonaco } from './monaco-setup.ts';
import type { Diagnostic } from './results.ts';

type EditorMode = 'monaco' | 'plain';
const MODE_KEY = 'lz-editor-mode';
const WRAP_KEY = 'lz-editor-wrap';

interface Props {
  value: string;
  onChange(value: string): void;
  label: string;
  /** Ctrl/Cmd+Enter inside the editor. */
  onRun?(): void;
  /** The program's language (Monaco highlights it; TypeScript also gets type checking). */
  language?: EditorLanguage;
  /** Compile or syntax errors the server reported for this code, shown as editor markers at their line. */
  markers?: Diagnostic[];
}

type MonacoEditor = ReturnType<LabMonaco['create']>;

function prefersDark(): boolean {
  const t = document.documentElement.dataset.theme;
  return t ? t === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
}

function storedWrap(): boolean {
  try {
    return localStorage.getItem(WRAP_KEY) === 'on';
  } catch {
    return false;
  }
}

/** Whether a key event is the run shortcut (Ctrl+Enter, or Cmd+Enter on macOS). */
export function isRunShortcut(e: { key: string; ctrlKey: boolean; metaKey: boolean }): boolean {
  return e.key === 'Enter' && (e.ctrlKey || e.metaKey);
}

function storedMode(): EditorMode {
  try {
    return localStorage.getItem(MODE_KEY) === 'plain' ? 'plain' : 'monaco';
  } catch {
    return 'monaco';
  }
}

/** Monaco editor with a textarea fallback and a toggle between the two. */
export function CodeEditor({ value, onChange, label, onRun, language = 'typescript', markers = [] }: Props) {
  const [mode, setMode] = useState<EditorMode>('plain');
  const [monacoState, setMonacoState] = useState<'idle' | 'loading' | 'ready' | 'failed'>('idle');
  const [wanted, setWanted] = useState<EditorMode>('monaco');
  const [wrap, setWrap] = useState(false);
  const host = useRef<HTMLDivElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const plain = useRef<HTMLTextAreaElement>(null);
  // Where the caret was in the textarea when Monaco took over, so focus and typing carry on there.
  const handOver = useRef<number | null>(null);
  const onRunRef = useRef(onRun);
  onRunRef.current = onRun;
  const editor = useRef<MonacoEditor | null>(null);
  const lab = useRef<LabMonaco | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const applyingExternal = useRef(false);
  const lastEmitted = useRef<string | null>(null);
  const valueRef = useRef(value);
  valueRef.current = value;

  // Decide once mounted; Monaco's chunk is fetched only when the editor is on screen or focused.
  useEffect(() => {
    const preferred = storedMode();
    setWanted(preferred);
    setWrap(storedWrap());
    if (preferred !== 'monaco' || !box.current) return;
    if (!('IntersectionObserver' in window)) {
      loadMonaco();
      return;
    }
    const seen = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        seen.disconnect();
        loadMonaco();
      }
    });
    seen.observe(box.current);
    return () => seen.disconnect();
  }, []);

  const loading = useRef(false);
  function loadMonaco() {
    if (lab.current) {
      setMode('monaco');
      return;
    }
    if (loading.current) return;
    loading.current = true;
    setMonacoState('loading');
    void import('./monaco-setup.ts')
        .then((m) => {
          lab.current = m.loadLabMonaco();
          setMonacoState('ready');
          if (storedMode() === 'monaco') swapWhenReady('monaco');
        })
      .catch((err: unknown) => {
        console.error('Monaco failed to load', err);
        loading.current = false;
        setMonacoState('failed');
        setMode('plain');
      });
  }

  // Create or dispose the Monaco instance as the mode changes.
  useEffect(() => {
    if (mode !== 'monaco' || !lab.current || !host.current) return;
    const labMonaco = lab.current;
    const ed = labMonaco.create(host.current, { value: valueRef.current, dark: prefersDark(), ariaLabel: `${label}. Press Alt+F1 for accessibility help.`, wrap, language });
    editor.current = ed;
    host.current.dataset.ready = 'true';
    const focusSub = ed.onDidFocusEditorText(() => labMonaco.startTypeScript());
    ed.addCommand(labMonaco.monaco.KeyMod.CtrlCmd | labMonaco.monaco.KeyCode.Enter, () => onRunRef.current?.());
    if (handOver.current !== null) {
      const model = ed.getModel();
      if (model) ed.setPosition(model.getPositionAt(handOver.current));
      handOver.current = null;
      ed.focus();
    }
    const sub = ed.onDidChangeModelContent(() => {
      if (applyingExternal.current) return;
      lastEmitted.current = ed.getValue();
      onChangeRef.current(lastEmitted.current);
    });
    // Follow the site's theme toggle.
    const themeWatch = new MutationObserver(() => labMonaco.setDark(prefersDark()));
    themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => {
      themeWatch.disconnect();
      focusSub.dispose();
      sub.dispose();
      ed.getModel()?.dispose();
      ed.dispose();
      editor.current = null;
      if (host.current) delete host.current.dataset.ready;
    };
  }, [mode, monacoState, language]);

  useEffect(() => {
    editor.current?.updateOptions({ wordWrap: wrap ? 'on' : 'off' });
  }, [wrap]);

  // The server's compile and syntax errors as markers (the squiggle, the gutter and the hover), in
  // any language: TypeScript's own checker adds its markers under another owner.
  useEffect(() => {
    const ed = editor.current;
    const model = ed?.getModel();
    if (!ed || !model || !lab.current) return;
    const m = lab.current.monaco;
    const lines = model.getLineCount();
    m.editor.setModelMarkers(
      model,
      'lagzero-server',
      markers.map((d) => {
        const line = Math.min(Math.max(1, d.line ?? 1), lines);
        const column = Math.max(1, d.column ?? 1);
        return { severity: m.MarkerSeverity.Error, message: d.message, startLineNumber: line, startColumn: column, endLineNumber: line, endColumn: Math.max(column + 1, model.getLineMaxColumn(line)) };
      }),
    );
    if (host.current) host.current.dataset.markers = String(markers.length);
  }, [markers, mode, monacoState, language]);

  // Monaco replaces a focused textarea only between keystrokes, carrying the caret over.
  function swapWhenReady(next: EditorMode) {
    if (next === 'monaco' && plain.current && document.activeElement === plain.current) handOver.current = plain.current.selectionStart;
    setMode(next);
  }

  // Values set from outside (reset to starter, a loaded draft) replace the editor's content. A layout
  // effect runs in the same task as the render, before the next keystroke, so a value that merely
  // echoes what the learner typed a moment ago can never overwrite newer typing (or move the cursor).
  useLayoutEffect(() => {
    const ed = editor.current;
    if (ed && ed.getValue() !== value && value !== lastEmitted.current) {
      // Not an edit by the learner: do not echo it back as one.
      applyingExternal.current = true;
      lastEmitted.current = value;
      try {
        ed.setValue(value);
      } finally {
        applyingExternal.current = false;
      }
    }
  }, [value]);

  function choose(next: EditorMode) {
    setWanted(next);
    try {
      localStorage.setItem(MODE_KEY, next);
    } catch {
      // Storage blocked: the choice lasts for this page only.
    }
    if (next === 'monaco') loadMonaco();
    else setMode('plain');
  }

  function toggleWrap() {
    const next = !wrap;
    setWrap(next);
    try {
      localStorage.setItem(WRAP_KEY, next ? 'on' : 'off');
    } catch {
      // Storage blocked: the setting lasts for this page only.
    }
  }

  return (
    <div class="code-editor" ref={box}>
      <div class="editor-bar">
        <span class="muted" id="editor-mode-label">Editor:</span>
        <div role="group" aria-labelledby="editor-mode-label" class="mode-toggle">
          <button type="button" class="btn secondary small" aria-pressed={wanted === 'monaco'} onClick={() => choose('monaco')} data-testid="editor-mode-monaco">
            Code editor
          </button>
          <button type="button" class="btn secondary small" aria-pressed={wanted === 'plain'} onClick={() => choose('plain')} data-testid="editor-mode-plain">
            Plain text
          </button>
        </div>
        <button type="button" class="btn secondary small" aria-pressed={wrap} onClick={toggleWrap} data-testid="wrap-toggle">
          Wrap lines
        </button>
        {monacoState === 'loading' && wanted === 'monaco' && <span class="muted" role="status">Loading the code editor…</span>}
        {monacoState === 'failed' && <span class="bad" role="status">The code editor could not load; the plain text editor works the same.</span>}
      </div>
      <details class="a11y-note">
        <summary id="editor-kbd-hint">
          Keyboard: <kbd>Tab</kbd> indents in the code editor; press <kbd>Ctrl</kbd>+<kbd>M</kbd> first to make <kbd>Tab</kbd> leave it. More tips
        </summary>
        <ul>
          <li>In the code editor, <kbd>Tab</kbd> indents. Press <kbd>Ctrl</kbd>+<kbd>M</kbd> (<kbd>Ctrl</kbd>+<kbd>Shift</kbd>+<kbd>M</kbd> on macOS) to make <kbd>Tab</kbd> move focus out of the editor instead; press it again to go back.</li>
          <li><kbd>Alt</kbd>+<kbd>F1</kbd> opens the editor's accessibility help; <kbd>F1</kbd> opens its command list. Screen reader mode is always on.</li>
          <li><kbd>Ctrl</kbd>+<kbd>Enter</kbd> (<kbd>Cmd</kbd>+<kbd>Enter</kbd> on macOS) runs your program from either editor.</li>
          <li>The plain text editor is an ordinary text box: <kbd>Tab</kbd> always moves focus, and it works without the code editor.</li>
        </ul>
      </details>
      {mode === 'monaco' ? (
        <div ref={host} class="monaco-host" data-testid="monaco-editor" />
      ) : (
        <textarea
          ref={plain}
          class={`plain-editor${wrap ? ' wrap' : ''}`}
          data-testid="plain-editor"
          aria-label={label}
          spellcheck={false}
          autoCapitalize="off"
          autoComplete="off"
          value={value}
          onInput={(e) => onChange((e.target as HTMLTextAreaElement).value)}
          onFocus={() => wanted === 'monaco' && loadMonaco()}
          onKeyDown={(e) => {
            if (isRunShortcut(e)) {
              e.preventDefault();
              onRunRef.current?.();
            }
          }}
        />
      )}
    </div>
  );
}
