// Copy buttons on the code blocks of lesson and lab text (`article.prose pre > code`, as the MDX
// renders them): each block gets a "Copy" button that copies its text, says "Copied" for a moment
// and tells screen readers through a polite status region. It is a real <button>, so Tab and
// Enter or Space work; without JavaScript the blocks simply have no button.

const RESET_MS = 2000;

/** Copies text with the Clipboard API, or through a selection and execCommand where it is missing. */
async function copyText(text: string, from: HTMLElement): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Refused (permissions, insecure origin): fall through to the selection.
  }
  const selection = getSelection();
  if (!selection) return false;
  const range = document.createRange();
  range.selectNodeContents(from);
  selection.removeAllRanges();
  selection.addRange(range);
  const ok = document.execCommand('copy');
  selection.removeAllRanges();
  return ok;
}

/** Adds a copy button to every prose code block under `root` that has none yet. */
export function addCopyButtons(root: ParentNode = document): void {
  for (const pre of Array.from(root.querySelectorAll<HTMLPreElement>('article.prose pre'))) {
    const code = pre.querySelector('code');
    if (!code || pre.parentElement?.classList.contains('code-block')) continue;
    const wrap = document.createElement('div');
    wrap.className = 'code-block';
    pre.replaceWith(wrap);
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'copy-code';
    button.textContent = 'Copy';
    button.dataset.testid = 'copy-code';
    const status = document.createElement('span');
    status.className = 'sr-only';
    status.setAttribute('role', 'status');
    wrap.append(pre, button, status);
    let timer: ReturnType<typeof setTimeout> | undefined;
    button.addEventListener('click', async () => {
      const ok = await copyText(code.textContent ?? '', code);
      button.textContent = ok ? 'Copied' : 'Copy failed';
      status.textContent = ok ? 'Copied the code to the clipboard.' : 'Could not copy: select the code and press Ctrl+C.';
      clearTimeout(timer);
      timer = setTimeout(() => {
        button.textContent = 'Copy';
        status.textContent = '';
      }, RESET_MS);
    });
  }
}

addCopyButtons();
