/* Pieces every view uses: key figures, due dates, status badges, download buttons. */
import { download } from '../api.js';
import { h } from '../dom.js';
import { formatDate, todayWib } from '../format.js';
import { lang, t } from '../i18n.js';

/** Key figures as a definition list: [[label, value, id?], ...]. */
export function kpis(items, id) {
  return h('dl', { class: 'kpis', id },
    items.map(([label, value, key]) => h('div', { class: 'kpi' }, h('dt', { text: label }), h('dd', { text: value, 'data-kpi': key }))));
}

export function isOverdue(due, done) {
  return !done && !!due && due < todayWib();
}

/** A due date; past due (and not done) it says so in words as well as colour. */
export function dueDate(due, overdue) {
  const time = h('time', { datetime: due, text: formatDate(due, lang()) });
  return overdue ? h('span', { class: 'overdue' }, time, h('span', { class: 'badge danger', text: t('overdue') })) : time;
}

export function badge(text, kind) {
  return h('span', { class: 'badge' + (kind ? ' ' + kind : ''), text });
}

export function section(title, ...children) {
  return h('section', { class: 'block' }, h('h3', { text: title }), ...children);
}

/** A button that fetches an authenticated file and saves it; progress and errors go to onStatus/onError. */
export function downloadButton(text, path, fallbackName, ctx) {
  const button = h('button', { type: 'button', class: 'secondary' }, text);
  button.addEventListener('click', async () => {
    button.setAttribute('aria-disabled', 'true');
    ctx.status(t('downloading'));
    try {
      const name = await download(path, fallbackName);
      ctx.status(t('downloaded', { name }));
    } catch (e) {
      ctx.status('');
      ctx.fail(e);
    } finally {
      button.removeAttribute('aria-disabled');
    }
  });
  return button;
}
