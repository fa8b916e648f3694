/* BKPSDM's view of the period's scoring runs: progress, and what each run's notifications did
 * per channel (sent, failed, skipped, pending) with the reasons, from GET /api/admin/scoring-runs. */
import { get } from '../api.js';
import { h, table } from '../dom.js';
import { formatCount, formatDateTime, periodName } from '../format.js';
import { label, lang, t } from '../i18n.js';
import { runStarter } from './actions.js';
import { badge } from './common.js';

const CHANNELS = ['inbox', 'push', 'email'];
const COLUMNS = ['sent', 'failed', 'skipped', 'pending'];

export function loadRuns(period) {
  return get('/api/admin/scoring-runs?period=' + encodeURIComponent(period));
}

function reasons(id, caption, items) {
  const l = lang();
  return table({
    id, caption,
    columns: [{ label: t('reason') }, { label: t('channel') }, { label: t('count'), num: true }],
    rows: items.map((r) => ({ attrs: { 'data-reason': r.reason },
      cells: [label('delivery_reason', r.reason), r.channel ? t('channel_' + r.channel) : t('all_channels'), formatCount(r.count, l)] })),
    empty: t('none'),
  });
}

function run(item) {
  const l = lang();
  const d = item.deliveries;
  const status = badge(label('run_status', item.status), item.status === 'completed' ? 'ok' : item.status === 'running' ? null : 'danger');
  return h('article', { class: 'card run', id: 'run-' + item.id, 'data-run': item.id },
    h('h3', {}, item.id + ' ', status),
    h('p', { class: 'meta', text: t('run_meta', { at: formatDateTime(item.requested_at, l), by: item.requested_by,
      done: formatCount(item.done, l), failed: formatCount(item.failed, l), total: formatCount(item.units.length, l) }) }),
    table({
      id: 'run-' + item.id + '-channels',
      caption: t('deliveries_caption'),
      columns: [{ label: t('channel') }, ...COLUMNS.map((c) => ({ label: t('delivery_' + c), num: true }))],
      rows: CHANNELS.map((c) => ({ attrs: { 'data-channel': c }, cells: [t('channel_' + c), ...COLUMNS.map((k) => formatCount(d.channels[c][k], l))] })),
    }),
    h('div', { class: 'grid' },
      reasons('run-' + item.id + '-failed', t('failed_why'), d.failed),
      reasons('run-' + item.id + '-skipped', t('skipped_why'), d.skipped)));
}

export function renderRuns(panel, data, period, ctx) {
  const head = h('div', { class: 'view-head' }, h('h2', { id: 'runs-title', text: t('runs_title', { period: periodName(period, lang()) }) }));
  const body = data.runs.length ? h('div', { id: 'runs-list' }, data.runs.map(run)) : h('p', { class: 'hint', id: 'runs-empty', text: t('no_runs') });
  panel.replaceChildren(head, runStarter(period, ctx), h('p', { class: 'hint', text: t('runs_hint') }), body);
}
