/**
 * copy-buttons: makes the page's copy buttons work. Buttons are in the HTML but
 * `hidden`, so without JavaScript (or without a clipboard) nobody sees a button
 * that does nothing. A button copies its `data-copy` value, or when that is
 * empty, the text of the <pre> in its enclosing [data-copy-scope].
 */
const FEEDBACK_MS = 1600;

function textFor(button: HTMLButtonElement): string {
  if (button.dataset.copy) return button.dataset.copy;
  const pre = button.closest('[data-copy-scope]')?.querySelector('pre');
  return (pre?.textContent ?? '').replace(/\n$/, '');
}

if (navigator.clipboard) {
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-copy]')) {
    const label = button.textContent;
    let timer: number | undefined;
    button.hidden = false;
    button.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(textFor(button));
        button.textContent = 'Copied';
      } catch {
        button.textContent = 'Copy failed';
      }
      clearTimeout(timer);
      timer = window.setTimeout(() => (button.textContent = label), FEEDBACK_MS);
    });
  }
}
