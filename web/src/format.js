/* How numbers, dates and periods are written, for the dashboard and the SKM report.
 *
 * One format per kind of figure, the same in a chart's tooltip and in its data table:
 *   IKM             two decimals             75,65      (25..100, as the API rounds it)
 *   NRR             three decimals           3,233      (1..4, as the API rounds it)
 *   NRR x 1/9       three decimals           0,359
 *   capaian         percent, one decimal     111,1%     (the API's 0..1.2 ratio x 100)
 *   shares          percent, one decimal     24,2%      (curve shares, on-time share)
 *   counts          whole numbers            1.204
 * Rounding is half up on the decimal the API wrote (the value is handed to Intl as a
 * string, so 0.0605 is 6,1% and never 6,0% from a binary approximation). Indonesian
 * writes a decimal comma, English a decimal point. A missing value is an en dash.
 */

export const DASH = '\u2013';

const cache = new Map();
function nf(locale, options) {
  const key = locale + JSON.stringify(options);
  if (!cache.has(key)) cache.set(key, new Intl.NumberFormat(locale, options));
  return cache.get(key);
}

export function localeOf(lang) {
  return lang === 'en' ? 'en-GB' : 'id-ID';
}

const fixed = (digits) => (value, lang = 'id') =>
  value === null || value === undefined || Number.isNaN(value)
    ? DASH
    : nf(localeOf(lang), { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(String(value));

export const formatIkm = fixed(2);
export const formatNrr = fixed(3);
export const formatConverted = fixed(2);

/** A 0..1 (or 0..1.2) ratio as a percent with one decimal. */
export function formatPercent(value, lang = 'id') {
  if (value === null || value === undefined || Number.isNaN(value)) return DASH;
  return nf(localeOf(lang), { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(String(value));
}

export function formatCount(value, lang = 'id') {
  if (value === null || value === undefined) return DASH;
  return nf(localeOf(lang), { maximumFractionDigits: 0 }).format(value);
}

/** The ratio x 100, for a chart's axis (the tooltip and table use formatPercent on the ratio). */
export function percentValue(value) {
  return value === null || value === undefined ? null : Math.round(value * 1000) / 10;
}

const MONTHS = {
  id: ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
};
const SHORT = {
  id: ['Jan', 'Feb', 'Mar', 'Apr', 'Mei', 'Jun', 'Jul', 'Agu', 'Sep', 'Okt', 'Nov', 'Des'],
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
};
const ROMAN = ['I', 'II', 'III', 'IV'];

/** The human name of a period code: 2026-11, 2026-Q3, 2026-S2, 2026. */
export function periodName(code, lang = 'id') {
  const words = lang === 'en' ? { q: 'Quarter', s: 'Semester', y: 'Year' } : { q: 'Triwulan', s: 'Semester', y: 'Tahun' };
  let m;
  if ((m = /^(\d{4})-(\d{2})$/.exec(code))) return MONTHS[lang === 'en' ? 'en' : 'id'][Number(m[2]) - 1] + ' ' + m[1];
  if ((m = /^(\d{4})-Q([1-4])$/.exec(code))) return words.q + ' ' + ROMAN[m[2] - 1] + ' ' + m[1];
  if ((m = /^(\d{4})-S([12])$/.exec(code))) return words.s + ' ' + ROMAN[m[2] - 1] + ' ' + m[1];
  if (/^\d{4}$/.test(code)) return words.y + ' ' + code;
  return code;
}

/** 2026-07 -> "Jul 2026", for chart axes. */
export function monthShort(code, lang = 'id') {
  const m = /^(\d{4})-(\d{2})$/.exec(code);
  return m ? SHORT[lang === 'en' ? 'en' : 'id'][Number(m[2]) - 1] + ' ' + m[1] : code;
}

/** Today in WIB (UTC+7, no daylight saving), the calendar every period is counted in. */
export function todayWib() {
  const now = new Date(Date.now() + 7 * 3600 * 1000);
  return now.toISOString().slice(0, 10);
}

export function thisMonth() {
  return todayWib().slice(0, 7);
}

/** The last `count` months, newest first: ["2026-11", "2026-10", ...]. */
export function lastMonths(count, from = thisMonth()) {
  const [year, month] = from.split('-').map(Number);
  const out = [];
  for (let i = 0; i < count; i++) {
    const d = new Date(Date.UTC(year, month - 1 - i, 1));
    out.push(d.getUTCFullYear() + '-' + String(d.getUTCMonth() + 1).padStart(2, '0'));
  }
  return out;
}

/** A calendar date (YYYY-MM-DD) as people write it: 28 Des 2026 / 28 Dec 2026. */
export function formatDate(iso, lang = 'id') {
  if (!iso) return DASH;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  return Number(m[3]) + ' ' + SHORT[lang === 'en' ? 'en' : 'id'][Number(m[2]) - 1] + ' ' + m[1];
}

/** A moment (ISO with zone) in WIB: 27 Nov 2026 14.41 WIB. */
export function formatDateTime(iso, lang = 'id') {
  if (!iso) return DASH;
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const wib = new Date(at.getTime() + 7 * 3600 * 1000).toISOString();
  const time = wib.slice(11, 16).replace(':', lang === 'en' ? ':' : '.');
  return formatDate(wib.slice(0, 10), lang) + ' ' + time + ' WIB';
}

/** The calendar date (WIB) of a moment, YYYY-MM-DD. */
export function dateWib(iso) {
  return new Date(new Date(iso).getTime() + 7 * 3600 * 1000).toISOString().slice(0, 10);
}
