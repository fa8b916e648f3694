/* The inspectorate's view: investigations per unit by status, each with its due dates and
 * the complaints behind it (expandable). */
import { get } from '../api.js';
import { figure, render } from '../charts.js';
import { h, table } from '../dom.js';
import { DASH, formatCount, formatDateTime, formatPercent } from '../format.js';
import { label, lang, t } from '../i18n.js';
import { investigationActions, investigationHistory } from './actions.js';
import { badge, dueDate, section } from './common.js';
import { investigationDue, investigationTable } from './unit.js';

const STATUSES = [['open', '#b00020'], ['in_progress', '#b35900'], ['closed', '#1b7a3d']];

export function loadInvestigations() {
  return get('/api/dashboard/investigations');
}

export function renderInvestigations(panel, data, ctx) {
  const l = lang();
  const head = h('div', { class: 'view-head' }, h('h2', { text: t('inv_title') }));
  const overdue = new Set(data.overdue);
  const warning = overdue.size ? h('p', { class: 'warn', id: 'inv-overdue', text: t('overdue_count', { n: overdue.size }) }) : null;

  // One horizontal bar per unit, the chart as tall as its units need: one unit is one full bar
  // (not a thin column in an empty chart), fifty are fifty labelled rows (not fifty slivers).
  const chart = figure({
    id: 'inv-units',
    title: t('chart_inv'),
    description: t('chart_inv_desc'),
    height: 72 + Math.max(data.by_unit.length, 1) * 32,
    config: {
      type: 'bar',
      data: {
        labels: data.by_unit.map((u) => ctx.unitName(u.unit_id)),
        datasets: STATUSES.map(([status, colour]) => ({
          label: label('inv_status', status), data: data.by_unit.map((u) => u[status]), backgroundColor: colour, barThickness: 22, format: (v) => formatCount(v, l),
        })),
      },
      options: {
        indexAxis: 'y',
        scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true, ticks: { autoSkip: false } } },
        plugins: { legend: { position: 'bottom' } },
      },
    },
    table: {
      columns: [{ label: t('unit') }, ...STATUSES.map(([s]) => ({ label: label('inv_status', s), num: true }))],
      rows: data.by_unit.map((u) => ({ attrs: { 'data-unit': u.unit_id }, cells: [ctx.unitName(u.unit_id), ...STATUSES.map(([s]) => formatCount(u[s], l))] })),
    },
  });

  const summary = section(t('investigations') + ' (' + data.investigations.length + ')',
    investigationTable(data.investigations, 'inv-table', ctx, data.overdue));

  const cards = data.investigations.length
    ? h('div', { class: 'items', id: 'inv-list' }, data.investigations.map((item) => card(item, overdue.has(item.id), ctx)))
    : h('p', { class: 'hint', text: t('no_investigations') });

  render(panel, head, warning, chart, summary, cards);
}

function card(item, overdue, ctx) {
  const l = lang();
  const p = item.picture || {};
  const next = investigationDue(item);
  const due = (key) => h('div', {}, h('dt', { text: t(key) }), h('dd', {}, dueDate(item.due[key], overdue && item.due[key] === next)));
  const complaints = item.complaints || [];
  return h('article', { class: 'item card' + (overdue ? ' is-overdue' : ''), id: 'inv-' + item.id, 'data-id': item.id },
    h('h3', {}, item.id + ' · ' + ctx.unitName(item.unit_id) + ' ', badge(label('inv_status', item.status), item.status === 'closed' ? 'ok' : 'danger'),
      overdue ? badge(t('overdue'), 'danger') : null),
    h('p', { class: 'meta', text: t('reason') + ': ' + label('reason', item.reason) + ' · ' + t('opened_at') + ': ' + formatDateTime(item.opened_at, l) }),
    h('p', { text: t('picture', { complaints: formatCount(p.counted_complaints ?? p.complaints, l), responses: formatCount(p.counted_responses ?? p.responses, l),
      share: formatPercent(p.share, l), previous: formatCount(p.previous_complaints, l) }) }),
    h('dl', { class: 'dues' }, due('verify_by'), due('follow_up_by'), due('close_by')),
    investigationHistory(item),
    ctx.me && ctx.me() && ctx.me().role === 'inspektorat' ? investigationActions(item, ctx) : null,
    h('details', { class: 'complaints' },
      h('summary', { text: t('complaints_behind', { n: complaints.length }) }),
      table({
        id: 'complaints-' + item.id,
        caption: t('complaints') + ': ' + item.id + ', ' + ctx.unitName(item.unit_id),
        columns: [{ label: t('receipt') }, { label: t('submitted_at') }, { label: t('service') }, { label: t('lowest'), num: true }, { label: t('low_unsur') }, { label: t('text') }],
        rows: complaints.map((c) => [c.receipt, formatDateTime(c.submitted_at, l), c.service_id, String(c.lowest_score), c.low_unsur.join(', ') || DASH, c.text || DASH]),
        empty: t('none'),
      })));
}
