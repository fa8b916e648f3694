/* Charts (Chart.js, tree-shaken to what we draw) each with its data as an HTML table.
 *
 * figure() builds one <figure>: a heading, the canvas (role="img", described in words) and a
 * "Tabel data" <details> holding a captioned <table> built from the same arrays as the chart,
 * so a screen reader, a copy into a spreadsheet and the picture all say the same numbers.
 */
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { h, table } from './dom.js';
import { t } from './i18n.js';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, ArcElement, CategoryScale, LinearScale, Tooltip, Legend);

// Colours with at least 4.5:1 contrast on white, told apart by lightness as well as hue.
export const COLOURS = ['#0b4f8a', '#b35900', '#1b7a3d', '#7a2e8e', '#b00020', '#00677a', '#5f6670', '#8a6100', '#2d3a8c', '#9c2f62'];
export const STATE_COLOURS = { waiting_review: '#b35900', returned: '#7a2e8e', accepted: '#1b7a3d', missing: '#b00020', not_yet: '#5f6670' };
const POINTS = ['circle', 'rect', 'triangle', 'rectRot', 'crossRot', 'star', 'rectRounded', 'cross', 'circle', 'rect'];

const reduced = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.font.size = 13;
Chart.defaults.color = '#1a1a1a';
Chart.defaults.borderColor = '#d0d4da';
if (reduced) Chart.defaults.animation = false;
else Chart.defaults.animation.duration = 350; // keep the other defaults (easing): replacing the object breaks them
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.responsive = true;
Chart.defaults.plugins.legend.labels.usePointStyle = true;

export function pointStyle(i) {
  return POINTS[i % POINTS.length];
}

const pending = [];

/**
 * spec: {id, title, description, config: Chart.js config, table: {columns, rows, caption?}, tall?, height? (px, for a chart
 * whose rows grow with its data)}
 * Each dataset may carry `format(value, index)`, used by the tooltip (the table formats its own cells).
 */
export function figure(spec) {
  const titleId = spec.id + '-title';
  const canvas = h('canvas', { role: 'img', 'aria-label': spec.title + '. ' + spec.description, 'data-chart': spec.id },
    h('p', { text: spec.description }));
  const node = h('figure', { class: 'chart card', 'aria-labelledby': titleId },
    h('h3', { id: titleId, text: spec.title }),
    h('p', { class: 'hint', text: spec.description }),
    h('div', { class: 'chart-box' + (spec.tall ? ' tall' : ''), style: spec.height ? 'height:' + spec.height + 'px' : null }, canvas),
    h('details', { class: 'data-table' },
      h('summary', { text: t('data_table') }),
      table({ id: spec.id + '-table', caption: spec.table.caption || spec.title, columns: spec.table.columns, rows: spec.table.rows, empty: t('none') })));
  const config = spec.config;
  config.options = config.options || {};
  config.options.plugins = config.options.plugins || {};
  config.options.plugins.tooltip = {
    ...(config.options.plugins.tooltip || {}),
    callbacks: {
      label(ctx) {
        const format = ctx.dataset.format;
        const value = ctx.raw;
        if (value === null || value === undefined) return null;
        return (ctx.dataset.label ? ctx.dataset.label + ': ' : '') + (format ? format(value, ctx.dataIndex) : String(value));
      },
    },
  };
  pending.push(() => new Chart(canvas, config));
  return node;
}

/** Replace a container's content and draw the charts that were waiting for their canvas. */
export function render(container, ...nodes) {
  for (const canvas of container.querySelectorAll('canvas')) Chart.getChart(canvas)?.destroy();
  container.replaceChildren(...nodes.flat().filter(Boolean));
  while (pending.length) pending.shift()();
}
