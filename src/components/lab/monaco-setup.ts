// Monaco for the lab page, imported dynamically by CodeEditor so no other page ever loads it.
// Workers are bundled by Vite (`?worker`) and served from our own origin: no CDN. The TypeScript
// service gets kafkajs's own type definitions plus a small Node shim, so IntelliSense knows the
// kafkajs API and `process.env` without shipping all of @types/node.
import * as monaco from 'monaco-editor/esm/vs/editor/editor.api.js';
import 'monaco-editor/esm/vs/editor/editor.all.js';
import 'monaco-editor/esm/vs/editor/standalone/browser/quickAccess/standaloneHelpQuickAccess.js';
import 'monaco-editor/esm/vs/editor/standalone/browser/quickAccess/standaloneCommandsQuickAccess.js';
import 'monaco-editor/esm/vs/editor/standalone/browser/quickAccess/standaloneGotoLineQuickAccess.js';
import * as tsLanguage from 'monaco-editor/esm/vs/language/typescript/monaco.contribution.js';
import 'monaco-editor/esm/vs/basic-languages/typescript/typescript.contribution.js';
// Java and Python get syntax highlighting only (no language service runs in the browser for them).
import 'monaco-editor/esm/vs/basic-languages/java/java.contribution.js';
import 'monaco-editor/esm/vs/basic-languages/python/python.contribution.js';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker.js?worker';
import TsWorker from 'monaco-editor/esm/vs/language/typescript/ts.worker.js?worker';
import kafkajsTypes from 'kafkajs/types/index.d.ts?raw';
import type { typescript as TsNamespace } from 'monaco-editor';
import { NODE_SHIM } from './node-shim.ts';

type MonacoApi = typeof monaco;
/** The lab languages, by their Monaco ids. */
export type EditorLanguage = 'typescript' | 'java' | 'python';
const FILE_OF: Record<EditorLanguage, string> = { typescript: 'main.ts', java: 'Main.java', python: 'main.py' };
type Ts = typeof TsNamespace;

/** The parts of Monaco the editor component uses. */
export interface LabMonaco {
  monaco: MonacoApi;
  create(host: HTMLElement, opts: { value: string; dark: boolean; ariaLabel: string; wrap: boolean; language: EditorLanguage }): monaco.editor.IStandaloneCodeEditor;
  startTypeScript(): void;
  /** Switches every editor to the light or the dark theme. */
  setDark(dark: boolean): void;
}

// Monaco's own vs and vs-dark with the token colours our labs' languages use that fall under WCAG
// AA (4.5:1) on the editor background lifted to a shade of the same hue: comments (the starter's
// TODOs) were 4.2:1 in dark, regular expressions 4.2:1, annotations 3.95:1 (light) and 4.5:1 (dark).
const LIGHT_THEME = 'lz-light';
const DARK_THEME = 'lz-dark';
function defineThemes(): void {
  monaco.editor.defineTheme(LIGHT_THEME, { base: 'vs', inherit: true, colors: {}, rules: [{ token: 'annotation', foreground: '737373' }] });
  monaco.editor.defineTheme(DARK_THEME, {
    base: 'vs-dark',
    inherit: true,
    colors: {},
    rules: [
      { token: 'comment', foreground: '6A9955' },
      { token: 'regexp', foreground: 'D16969' },
      { token: 'annotation', foreground: 'D47878' },
      { token: 'variable.predefined', foreground: '7090D0' },
    ],
  });
}

let configured = false;
let allowTypeScript: () => void = () => {};
// The TypeScript worker is 7 MB (about 1.5 MB gzipped): Monaco may ask for it as soon as a model
// exists, but it is only fetched once the learner focuses the editor (startTypeScript). Until
// then highlighting works (it runs on the page) and diagnostics simply wait.
const typeScriptWanted = new Promise<void>((resolve) => {
  allowTypeScript = resolve;
});

/** Lets Monaco start its TypeScript worker (IntelliSense, type errors); call on first focus. */
export function startTypeScript(): void {
  allowTypeScript();
}

function configure(): void {
  if (configured) return;
  configured = true;
  defineThemes();
  (self as unknown as { MonacoEnvironment: monaco.Environment }).MonacoEnvironment = {
    getWorker(_id: string, label: string) {
      return label === 'typescript' || label === 'javascript' ? typeScriptWanted.then(() => new TsWorker()) : new EditorWorker();
    },
  };
  const ts = tsLanguage as unknown as Ts;
  const defaults = ts.typescriptDefaults;
  defaults.setCompilerOptions({
    target: ts.ScriptTarget.ESNext,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.NodeJs,
    // Every program is a module, as the server bundles and checks it (top-level await without an import).
    moduleDetection: 3 /* ModuleDetectionKind.Force */,
    lib: ['es2022'],
    strict: true,
    noEmit: true,
    allowNonTsExtensions: true,
    esModuleInterop: true,
  });
  defaults.setEagerModelSync(true);
  // kafkajs ships a module-style .d.ts; placed where node resolution looks, `import … from 'kafkajs'` resolves to it.
  defaults.addExtraLib(kafkajsTypes, 'file:///node_modules/kafkajs/index.d.ts');
  defaults.addExtraLib(NODE_SHIM, 'file:///node_modules/@types/node/index.d.ts');
}

/** Sets up Monaco once and returns a factory for lab editors. */
export function loadLabMonaco(): LabMonaco {
  configure();
  return {
    monaco,
    startTypeScript,
    setDark: (dark) => monaco.editor.setTheme(dark ? DARK_THEME : LIGHT_THEME),
    create(host, { value, dark, ariaLabel, wrap, language }) {
      const model = monaco.editor.createModel(value, language, monaco.Uri.parse(`file:///lab/${Date.now()}/${FILE_OF[language]}`));
      return monaco.editor.create(host, {
        model,
        theme: dark ? DARK_THEME : LIGHT_THEME,
        automaticLayout: true,
        minimap: { enabled: false },
        fontSize: 14,
        tabSize: 2,
        scrollBeyondLastLine: false,
        wordWrap: wrap ? 'on' : 'off',
        accessibilitySupport: 'on',
        // The classic hidden-textarea input: Chromium's EditContext path crashed headless Chromium in our browser tests.
        editContext: false,
        ariaLabel,
      });
    },
  };
}
