/**
 * copy-buttons: makes the page's copy buttons work. Buttons are in the HTML but
 * `hidden`, so without JavaScript nobody sees a button that does nothing. A
 * button copies its `data-copy` value, or when that is empty, the text of the
 * <pre> in its enclosing [data-copy-scope].
 */
const FEEDBACK_MS = 1600;

function textFor(button: HTMLButtonElement): string {
  if (button.dataset.copy) return button.dataset.copy;
  const pre = button.closest('[data-copy-scope]')?.querySelector('pre');
  return (pre?.textContent ?? '').replace(/\n$/, '');
}

/**
 * copyText writes to the clipboard. navigator.clipboard exists only in secure
 * contexts; a workshop served over plain http on a LAN address is not one, so
 * fall back to the older selection + execCommand('copy') there.
 */
async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('copy refused');
}

for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-copy]')) {
  const label = button.textContent;
  let timer: number | undefined;
  button.hidden = false;
  button.addEventListener('click', async () => {
    try {
      await copyText(textFor(button));
      button.textContent = 'Copied';
    } catch {
      button.textContent = 'Copy failed';
    }
    clearTimeout(timer);
    timer = window.setTimeout(() => (button.textContent = label), FEEDBACK_MS);
  });
}
