/* Deep links, as e-mails write them (common/domain/notifications.py, dashboard_link):
 *   /dashboard?finding=ID&unit=U&period=P      a finding: my team's recommendations, else the unit's findings
 *   /dashboard?investigation=ID&unit=U         an investigation: the inspectorate's view, else the unit's
 *   /dashboard?view=team&period=P&report=ID    a report: my team, with the report itself on top
 *   /dashboard?objection=ID                    a keberatan: its card, with both sides (views/objections.js)
 * The dashboard opens the first view (of those the person may open) that shows the item,
 * brings the item into view, marks it in words and colour, and moves the focus to it. */
import { get } from '../api.js';
import { h } from '../dom.js';
import { DASH, formatDateTime, periodName } from '../format.js';
import { lang, t } from '../i18n.js';
import { badge } from './common.js';

const ORDER = { finding: ['team', 'unit'], investigation: ['investigations', 'unit'], report: ['team'], objection: ['objections'] };

/** The item a link points at, or null: {type, id, unit, period, tried: []}. */
export function readTarget(query) {
  for (const type of Object.keys(ORDER)) {
    const id = query.get(type);
    if (id) return { type, id, unit: query.get('unit'), period: query.get('period'), tried: [], done: false };
  }
  return null;
}

/** The views that may show the item, in the order they are tried. */
export function viewsFor(target, views) {
  return ORDER[target.type].filter((v) => views.includes(v) && !target.tried.includes(v));
}

function element(panel, target) {
  const id = CSS.escape(target.id);
  if (target.type === 'finding') return panel.querySelector(`[data-finding="${id}"]`);
  if (target.type === 'objection') return panel.querySelector(`#objection-card[data-objection="${id}"]`);
  if (target.type === 'investigation') return panel.querySelector(`article[data-id="${id}"]`) || panel.querySelector(`tr[data-id="${id}"]`);
  const nip = CSS.escape(target.id.split('_')[0]);
  return panel.querySelector(`#team-members-table tr[data-nip="${nip}"]`);
}

/** Mark the item in the drawn panel; false when this view does not show it. */
export function reveal(panel, target) {
  const found = element(panel, target);
  if (!found) return false;
  for (let open = found.closest('details'); open; open = open.parentElement && open.parentElement.closest('details')) open.open = true;
  found.classList.add('is-focus');
  const label = badge(t('from_link'), 'warn');
  label.classList.add('focus-badge');
  (found.querySelector('th, .item-title, h3') || found).append(label);
  found.setAttribute('tabindex', '-1');
  found.scrollIntoView({ block: 'center' });
  found.focus({ preventScroll: true });
  return found;
}

/** The report a link points at, on top of the team view: what was reported, to read before reviewing in the app. */
export async function showReport(panel, target, ctx) {
  const report = await get('/api/reports/' + encodeURIComponent(target.id));
  const l = lang();
  const row = panel.querySelector(`#team-members-table tr[data-nip="${CSS.escape(report.nip)}"]`);
  const name = row ? row.querySelector('th').firstChild.textContent : report.nip;
  const card = h('article', { class: 'item card is-focus', id: 'report-focus', 'data-report': report.id, tabindex: '-1', 'aria-labelledby': 'report-focus-title' },
    h('h3', { id: 'report-focus-title' }, t('report_of', { name, period: periodName(report.period, l) }), badge(t('from_link'), 'warn')),
    h('p', { class: 'meta', text: [t('report_status_' + report.status), t('submitted_at') + ': ' + formatDateTime(report.submitted_at, l),
      t('revision', { n: report.revision }), report.late ? t('late') : null].filter(Boolean).join(' · ') }),
    h('p', { class: 'narrative', text: report.content.narrative }),
    h('ul', { class: 'realisasi' }, report.content.realisasi.map((r) => h('li', { 'data-indicator': r.indicator_id },
      h('strong', { text: r.indicator_id + ': ' }), String(r.value) + (r.note ? ' (' + r.note + ')' : '')))),
    report.content.evidence.length
      ? h('p', {}, t('evidence') + ': ', ...report.content.evidence.map((url, i) => h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', class: 'evidence' }, t('evidence_n', { n: i + 1 }))))
      : h('p', { class: 'meta', text: t('evidence') + ': ' + DASH }),
    h('p', { class: 'hint', text: t('review_in_app') }));
  panel.querySelector('.view-head').after(card);
  card.scrollIntoView({ block: 'start' });
  card.focus({ preventScroll: true });
  ctx.status(t('report_shown'));
  return card;
}
