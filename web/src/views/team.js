/* The supervisor's view: this period's reports, each person's capaian over the year,
 * the open recommendations, and the team's results as a spreadsheet. */
import { get } from '../api.js';
import { COLOURS, STATE_COLOURS, figure, pointStyle, render } from '../charts.js';
import { h, table } from '../dom.js';
import { DASH, formatCount, formatDateTime, formatPercent, monthShort, percentValue, periodName } from '../format.js';
import { label, lang, t } from '../i18n.js';
import { findingActions, ownsFinding } from './actions.js';
import { badge, downloadButton, dueDate, isOverdue, kpis, section } from './common.js';

const STATES = ['waiting_review', 'returned', 'accepted', 'missing', 'not_yet'];

export function loadTeam(period) {
  return get('/api/dashboard/team?period=' + encodeURIComponent(period));
}

export function renderTeam(panel, data, ctx) {
  const l = lang();
  const reports = data.reports;
  const members = reports.members;
  const period = periodName(data.period, l);

  const head = h('div', { class: 'view-head' },
    h('h2', { text: t('team_title', { period }) }),
    h('div', { class: 'actions', role: 'group', 'aria-label': t('downloads_team') },
      downloadButton(t('download_xlsx'), '/api/team/results.xlsx?period=' + data.period, 'hasil-tim-' + data.period + '.xlsx', ctx),
      downloadButton(t('download_csv'), '/api/team/results.csv?period=' + data.period, 'hasil-tim-' + data.period + '.csv', ctx)));

  const figures = kpis([
    [t('members'), formatCount(members.length, l), 'members'],
    [t('waiting'), formatCount(reports.counts.waiting_review, l), 'waiting'],
    [t('late_reports'), formatCount(data.late, l), 'late'],
    [t('deadline'), formatDateTime(reports.deadline, l), 'deadline'],
  ], 'team-kpis');

  // The states chart and its table: one row per state, the count from reports.counts.
  const counts = STATES.map((s) => reports.counts[s] ?? 0);
  const states = figure({
    id: 'team-states',
    title: t('chart_states', { period }),
    description: t('chart_states_desc'),
    config: {
      type: 'bar',
      data: {
        labels: STATES.map((s) => label('state', s)),
        datasets: [{ label: t('people'), data: counts, backgroundColor: STATES.map((s) => STATE_COLOURS[s]), format: (v) => formatCount(v, l) }],
      },
      options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
    },
    table: {
      columns: [{ label: t('state') }, { label: t('count'), num: true }],
      rows: STATES.map((s, i) => ({ cells: [label('state', s), formatCount(counts[i], l)], attrs: { 'data-state': s } })),
    },
  });

  // The trend: from the first month anyone reported up to the period; capaian as % (one decimal).
  const months = data.trends.length ? data.trends[0].points.map((p) => p.period) : [];
  const first = months.findIndex((_, i) => data.trends.some((m) => m.points[i].capaian !== null));
  let trend;
  if (first < 0) {
    trend = h('p', { class: 'note', text: t('no_trend') });
  } else {
    const shown = months.slice(first);
    trend = figure({
      id: 'team-trend',
      tall: true,
      title: t('chart_trend', { year: data.period.slice(0, 4) }),
      description: t('chart_trend_desc'),
      config: {
        type: 'line',
        data: {
          labels: shown.map((m) => monthShort(m, l)),
          datasets: data.trends.map((m, i) => {
            const points = m.points.slice(first);
            return {
              label: m.name,
              data: points.map((p) => percentValue(p.capaian)),
              borderColor: COLOURS[i % COLOURS.length],
              backgroundColor: COLOURS[i % COLOURS.length],
              pointStyle: pointStyle(i),
              pointRadius: 4,
              borderWidth: 2,
              format: (_, index) => formatPercent(points[index].capaian, l),
            };
          }),
        },
        options: {
          interaction: { mode: 'nearest', intersect: false },
          scales: { y: { suggestedMin: 0, suggestedMax: 120, ticks: { callback: (v) => v + '%' } } },
          plugins: { legend: { position: 'bottom' } },
        },
      },
      table: {
        columns: [{ label: t('name') }, ...shown.map((m) => ({ label: monthShort(m, l), num: true }))],
        rows: data.trends.map((m) => ({ cells: [m.name, ...m.points.slice(first).map((p) => formatPercent(p.capaian, l))], attrs: { 'data-nip': m.nip } })),
      },
    });
  }

  const list = section(t('team_list'), table({
    id: 'team-members-table',
    caption: t('team_list') + ', ' + period,
    columns: [{ label: t('name') }, { label: t('jabatan') }, { label: t('state') }, { label: t('submitted_at') }, { label: t('late') }, { label: t('realisasi'), num: true }],
    rows: members.map((m) => ({
      attrs: { 'data-nip': m.nip, 'data-state': m.state },
      cells: [m.name, m.jabatan, label('state', m.state), m.submitted_at ? formatDateTime(m.submitted_at, l) : DASH,
        m.late === null || m.late === undefined ? DASH : m.late ? t('yes') : t('no'), m.realisasi_count ?? DASH],
    })),
    empty: t('none'),
  }));

  const recommendations = section(t('recommendations'), findingList(data.recommendations, 'team-recommendations', ctx));
  render(panel, head, figures, h('div', { class: 'grid' }, states, trend), list, recommendations);
}

/** Findings as a list: what, what to do, by when (overdue said in words), and where it stands. */
export function findingList(findings, id, ctx) {
  if (!findings.length) return h('p', { id, class: 'hint', text: t('none') });
  return h('ul', { id, class: 'items' }, findings.map((f) => {
    const overdue = isOverdue(f.due, f.status === 'resolved');
    const owner = ctx && ownsFinding(f, ctx.me());
    return h('li', { class: 'item' + (overdue ? ' is-overdue' : ''), 'data-finding': f.id },
      h('p', { class: 'item-title', text: f.title }),
      h('p', { text: f.recommendation }),
      h('p', { class: 'meta' }, t('due') + ': ', dueDate(f.due, overdue), ' · ', badge(label('finding_status', f.status))),
      owner ? h('details', { class: 'act' }, h('summary', { text: t('act_work_finding') }), findingActions(f, ctx)) : null);
  }));
}
