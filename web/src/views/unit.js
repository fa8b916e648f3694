/* A unit's view, for its head, BKPSDM and the inspectorate: IKM per month against the
 * mutu thresholds, NRR per unsur, the predikat distribution against the curve, late and
 * missing reports, findings and investigations with their due dates, the open objections
 * (keberatan, overdue first), and the documents. */
import { get } from '../api.js';
import { figure, render } from '../charts.js';
import { h, table } from '../dom.js';
import { DASH, formatCount, formatDateTime, formatIkm, formatNrr, formatPercent, monthShort, percentValue, periodName } from '../format.js';
import { label, lang, t } from '../i18n.js';
import { ownsFinding } from './actions.js';
import { badge, downloadButton, dueDate, isOverdue, kpis, section } from './common.js';
import { findingList } from './team.js';

const PREDIKAT = ['sangat_baik', 'baik', 'butuh_perbaikan', 'kurang_misconduct', 'sangat_kurang'];
const MUTU_COLOURS = { A: '#1b7a3d', B: '#0b4f8a', C: '#b35900', D: '#b00020' };
// The mutu thresholds of PermenPANRB 14/2017 on the two-decimal IKM.
const BANDS = [['C', 65], ['B', 76.61], ['A', 88.31]];
const BAND_COLOURS = { C: '#b35900', B: '#0b4f8a', A: '#1b7a3d' };

export const UNIT_ID = /^[a-z0-9][a-z0-9-]{1,39}$/;

export function loadUnit(unitId, period) {
  return get('/api/dashboard/units/' + encodeURIComponent(unitId) + '?period=' + encodeURIComponent(period));
}

/** The next due date of an investigation, as the inspectorate's view counts it. */
export function investigationDue(item) {
  return item.status === 'open' ? item.due.verify_by : item.due.follow_up_by;
}

export function renderUnit(panel, data, ctx) {
  const l = lang();
  const period = periodName(data.period, l);
  const year = data.period.slice(0, 4);
  const unitPath = encodeURIComponent(data.unit_id);
  const q = '?period=' + encodeURIComponent(data.period);

  const head = h('div', { class: 'view-head' }, h('h2', { id: 'unit-title', text: data.unit_name + ': ' + period }));
  const ikmYear = data.ikm_year;
  const figures = kpis([
    [t('ikm_year', { year }), formatIkm(ikmYear && ikmYear.ikm, l), 'ikm'],
    [t('mutu'), ikmYear && ikmYear.mutu ? label('mutu', ikmYear.mutu) : DASH, 'mutu'],
    [t('respondents'), formatCount(ikmYear ? ikmYear.n : 0, l), 'n'],
    [t('unit_predikat'), data.unit_predikat ? label('unit_predikat', data.unit_predikat) : DASH, 'predikat'],
    [t('on_time'), formatPercent(data.on_time_share, l), 'on_time'],
  ], 'unit-kpis');

  // XLSX first: Excel opens it as it is; the CSV is for other tools (id-ID: ; and decimal commas).
  const documents = section(t('documents'), h('div', { class: 'actions' },
    downloadButton(t('results_xlsx'), '/api/units/' + unitPath + '/results.xlsx' + q, 'hasil-' + data.unit_id + '-' + data.period + '.xlsx', ctx),
    h('a', { class: 'button secondary', href: '/laporan-skm/' + unitPath + q, id: 'skm-page-link' }, t('skm_page')),
    h('a', { class: 'button secondary', href: '/api/public/units/' + unitPath + '/skm.pdf' + q, id: 'skm-pdf-link', target: '_blank', rel: 'noopener' }, t('skm_pdf')),
    downloadButton(t('results_csv'), '/api/units/' + unitPath + '/results.csv' + q, 'hasil-' + data.unit_id + '-' + data.period + '.csv', ctx)));

  // The QR poster for the counter (public, printable): the form on a phone, or at the office's kiosk.
  const poster = '/api/public/units/' + unitPath + '/poster';
  const posters = section(t('posters'), h('p', { class: 'hint', text: t('posters_hint') }), h('div', { class: 'actions', id: 'unit-posters' },
    h('a', { class: 'button secondary', href: poster + '.pdf', id: 'poster-pdf-link', target: '_blank', rel: 'noopener' }, t('poster_pdf')),
    h('a', { class: 'button secondary', href: poster + '.pdf?kiosk=1', id: 'poster-kiosk-link', target: '_blank', rel: 'noopener' }, t('poster_kiosk')),
    h('a', { class: 'button secondary', href: poster + '.svg', id: 'poster-svg-link', download: 'poster-survei-' + data.unit_id + '.svg' }, t('poster_svg'))));

  // IKM per month: from the first month with responses (the months before say nothing).
  const first = Math.max(0, data.ikm_by_month.findIndex((m) => m.n > 0));
  const months = data.ikm_by_month.slice(first);
  const ikm = figure({
    id: 'unit-ikm',
    title: t('chart_ikm', { year }),
    description: t('chart_ikm_desc'),
    config: {
      type: 'line',
      data: {
        labels: months.map((m) => monthShort(m.period, l)),
        datasets: [
          { label: 'IKM', data: months.map((m) => m.ikm), borderColor: '#1a1a1a', backgroundColor: months.map((m) => MUTU_COLOURS[m.mutu] || '#5f6670'),
            pointBackgroundColor: months.map((m) => MUTU_COLOURS[m.mutu] || '#5f6670'), pointRadius: 6, pointHoverRadius: 8, borderWidth: 2,
            format: (v, i) => formatIkm(v, l) + (months[i].mutu ? ' (' + label('mutu', months[i].mutu) + ')' : '') },
          ...BANDS.map(([mutu, value]) => ({
            label: t('band', { mutu, value: formatIkm(value, l) }), data: months.map(() => value), borderColor: BAND_COLOURS[mutu],
            backgroundColor: BAND_COLOURS[mutu], borderDash: [6, 4], borderWidth: 2, pointRadius: 0, pointHitRadius: 0, pointStyle: 'line',
            format: (v) => formatIkm(v, l),
          })),
        ],
      },
      options: { scales: { y: { suggestedMin: 50, suggestedMax: 100, max: 100 } }, plugins: { legend: { position: 'bottom' } } },
    },
    table: {
      columns: [{ label: t('month') }, { label: t('respondents'), num: true }, { label: 'IKM', num: true }, { label: t('mutu') }],
      rows: months.map((m) => ({ attrs: { 'data-period': m.period },
        cells: [periodName(m.period, l), formatCount(m.n, l), formatIkm(m.ikm, l), m.mutu ? label('mutu', m.mutu) : DASH] })),
    },
  });

  // NRR per unsur over the year so far; the weakest in another colour and in words.
  const weakest = new Set((ikmYear && ikmYear.weakest) || []);
  const nrr = figure({
    id: 'unit-nrr',
    tall: true,
    title: t('chart_nrr', { year }),
    description: t('chart_nrr_desc'),
    config: {
      type: 'bar',
      data: {
        labels: data.unsur.map((u) => wrap(u.code + ' ' + u.name, window.innerWidth < 600 ? 15 : 24)),
        datasets: [{ label: 'NRR', data: data.unsur.map((u) => u.nrr), backgroundColor: data.unsur.map((u) => (weakest.has(u.code) ? '#b00020' : '#0b4f8a')),
          format: (v) => formatNrr(v, l) }],
      },
      options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { min: 1, max: 4 }, y: { ticks: { autoSkip: false } } } },
    },
    table: {
      columns: [{ label: t('code') }, { label: t('unsur') }, { label: 'NRR', num: true }],
      rows: data.unsur.map((u) => ({ attrs: { 'data-code': u.code, class: weakest.has(u.code) ? 'weakest' : null },
        cells: [u.code, weakest.has(u.code) ? h('span', {}, u.name + ' ', badge(t('weakest'), 'warn')) : u.name, formatNrr(u.nrr, l)] })),
    },
  });

  // The predikat distribution against the curve of the unit's predikat.
  let curve;
  if (!data.curve.length) {
    curve = h('figure', { class: 'chart card' }, h('h3', { text: t('chart_curve', { period }) }), h('p', { class: 'note', id: 'unit-curve-empty', text: t('no_curve') }));
  } else {
    const bars = PREDIKAT.map((p) => data.curve.find((c) => c.predikat === p) || { predikat: p, count: 0, share: 0, min_share: null, max_share: null });
    const marker = (colour) => ({ type: 'line', showLine: false, pointStyle: 'line', pointRadius: 22, pointHoverRadius: 24, pointBorderWidth: 4,
      borderColor: colour, backgroundColor: colour, order: 1 });
    curve = figure({
      id: 'unit-curve',
      title: t('chart_curve', { period }) + (data.unit_predikat ? ' (' + t('unit_predikat') + ': ' + label('unit_predikat', data.unit_predikat) + ')' : ''),
      description: t('chart_curve_desc'),
      config: {
        type: 'bar',
        data: {
          labels: bars.map((b) => label('predikat', b.predikat)),
          datasets: [
            { type: 'bar', label: t('actual'), data: bars.map((b) => percentValue(b.share)), backgroundColor: '#0b4f8a', order: 2,
              format: (_, i) => formatPercent(bars[i].share, l) + ' (' + formatCount(bars[i].count, l) + ')' },
            { ...marker('#1b7a3d'), label: t('min_share'), data: bars.map((b) => percentValue(b.min_share)), format: (_, i) => formatPercent(bars[i].min_share, l) },
            { ...marker('#b00020'), label: t('max_share'), data: bars.map((b) => percentValue(b.max_share)), format: (_, i) => formatPercent(bars[i].max_share, l) },
          ],
        },
        options: { scales: { y: { min: 0, max: 100, ticks: { callback: (v) => v + '%' } } }, plugins: { legend: { position: 'bottom' } } },
      },
      table: {
        columns: [{ label: t('predikat') }, { label: t('count'), num: true }, { label: t('share'), num: true }, { label: t('min_share'), num: true }, { label: t('max_share'), num: true }],
        rows: bars.map((b) => ({ attrs: { 'data-predikat': b.predikat },
          cells: [label('predikat', b.predikat), formatCount(b.count, l), formatPercent(b.share, l), formatPercent(b.min_share, l), formatPercent(b.max_share, l)] })),
      },
    });
    curve.append(data.curve_violations.length
      ? h('div', { class: 'warn', id: 'unit-curve-violations' }, h('strong', { text: t('curve_violations') + ': ' }), data.curve_violations.join('; '))
      : h('p', { class: 'hint', text: t('curve_ok') }));
  }

  const person = (p) => ({ attrs: { 'data-nip': p.nip }, cells: [p.name, p.nip, label('outcome', p.outcome), p.predikat ? label('predikat', p.predikat) : DASH] });
  const peopleColumns = [{ label: t('name') }, { label: 'NIP' }, { label: t('outcome') }, { label: t('predikat') }];
  const lists = h('div', { class: 'grid' },
    section(t('late_list') + ' (' + data.late.length + ')', table({ id: 'unit-late-table', caption: t('late_list') + ', ' + period, columns: peopleColumns, rows: data.late.map(person), empty: t('none') })),
    section(t('missing_list') + ' (' + data.missing.length + ')', table({ id: 'unit-missing-table', caption: t('missing_list') + ', ' + period, columns: peopleColumns, rows: data.missing.map(person), empty: t('none') })));

  const mine = data.findings.filter((f) => ownsFinding(f, ctx.me && ctx.me()));
  const findings = section(t('findings') + ' (' + data.findings.length + ')', findingSummary(data.findings),
    mine.length ? h('div', { class: 'block' }, h('h4', { text: t('my_findings', { n: mine.length }) }), findingList(mine, 'unit-my-findings', ctx)) : null);
  const investigations = section(t('investigations') + ' (' + data.investigations.length + ')', investigationTable(data.investigations, 'unit-investigations-table', ctx));
  const pending = data.objections || [];
  const objections = section(t('obj_unit_title') + ' (' + pending.length + ')', table({
    id: 'unit-objections-table',
    caption: t('obj_unit_caption'),
    columns: [{ label: t('obj_employee') }, { label: t('period') }, { label: t('status') }, { label: t('due') }],
    rows: pending.map((o) => ({ attrs: { 'data-objection': o.id },
      cells: [o.name, o.period.length === 4 ? t('obj_year', { year: o.period }) : periodName(o.period, l), t('obj_status_' + o.status), dueDate(o.due, o.overdue)] })),
    empty: t('none'),
  }));

  render(panel, head, figures, documents, posters, h('div', { class: 'grid' }, ikm, nrr), curve, lists, findings, investigations, objections);
}

/** Investigations with their three due dates; the next one past due is flagged. */
export function investigationTable(items, id, ctx, overdueIds) {
  const l = lang();
  return table({
    id,
    caption: t('investigations'),
    columns: [{ label: 'ID' }, { label: t('unit') }, { label: t('status') }, { label: t('opened_at') }, { label: t('verify_by') }, { label: t('follow_up_by') }, { label: t('close_by') }],
    rows: items.map((item) => {
      const closed = item.status === 'closed';
      const next = investigationDue(item);
      const overdue = overdueIds ? overdueIds.includes(item.id) : isOverdue(next, closed);
      const due = (date) => dueDate(date, overdue && date === next);
      return {
        attrs: { 'data-id': item.id, class: overdue ? 'is-overdue' : null },
        cells: [item.id, ctx.unitName(item.unit_id), label('inv_status', item.status), formatDateTime(item.opened_at, l), due(item.due.verify_by), due(item.due.follow_up_by), due(item.due.close_by)],
      };
    }),
    empty: t('none'),
  });
}

/** Split a long axis label into lines (Chart.js draws an array as several lines). */
function wrap(text, width) {
  const lines = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && (line + ' ' + word).length > width) {
      lines.push(line);
      line = word;
    } else line = line ? line + ' ' + word : word;
  }
  if (line) lines.push(line);
  return lines.length > 1 ? lines : text;
}

/** A unit can have dozens of findings: a count per kind first, every finding one click away. */
function findingSummary(findings) {
  const l = lang();
  if (!findings.length) return h('p', { id: 'unit-findings', class: 'hint', text: t('none') });
  const kinds = new Map();
  for (const f of findings) {
    const k = kinds.get(f.kind) || { kind: f.kind, count: 0, due: null, overdue: 0 };
    k.count += 1;
    if (!k.due || f.due < k.due) k.due = f.due;
    if (isOverdue(f.due, f.status === 'resolved')) k.overdue += 1;
    kinds.set(f.kind, k);
  }
  const summary = table({
    id: 'unit-findings-summary',
    caption: t('findings_by_kind'),
    columns: [{ label: t('finding') }, { label: t('count'), num: true }, { label: t('next_due') }, { label: t('overdue'), num: true }],
    rows: [...kinds.values()].map((k) => ({ attrs: { 'data-kind': k.kind, class: k.overdue ? 'is-overdue' : null },
      cells: [label('finding_kind', k.kind), formatCount(k.count, l), dueDate(k.due, false), formatCount(k.overdue, l)] })),
  });
  const all = table({
    id: 'unit-findings-table',
    caption: t('findings'),
    columns: [{ label: t('finding') }, { label: t('recommendation') }, { label: t('due') }, { label: t('status') }],
    rows: findings.map((f) => {
      const overdue = isOverdue(f.due, f.status === 'resolved');
      return { attrs: { 'data-finding': f.id, class: overdue ? 'is-overdue' : null },
        cells: [f.title, f.recommendation, dueDate(f.due, overdue), label('finding_status', f.status)] };
    }),
  });
  return h('div', { id: 'unit-findings' }, summary,
    h('details', { class: 'data-table' }, h('summary', { text: t('all_findings', { n: findings.length }) }), all));
}
