/* The SKM publication report of one unit (web/laporan-skm.html, /laporan-skm/{unit_id}).
 * Public, no sign-in: GET /api/public/units/{id}/skm?period= laid out the way offices publish
 * it, printable on A4 (the print CSS hides everything but the report), with the PDF beside it.
 * Plain DOM code; bundled by esbuild to share format.js with the dashboard and public-page.js
 * with the results page.
 */
import { $, h } from './dom.js';
import { DASH, formatConverted, formatCount, formatDateTime, formatIkm, formatNrr, formatPercent, periodName } from './format.js';
import { startPublicPage } from './public-page.js';

const MUTU = { A: 'Sangat Baik', B: 'Baik', C: 'Kurang Baik', D: 'Tidak Baik' };
const GROUPS = [['sex', 'Jenis kelamin'], ['age', 'Usia (tahun)'], ['education', 'Pendidikan terakhir'], ['occupation', 'Pekerjaan utama']];

function cells(tag, values, numeric = []) {
  return values.map((v, i) => {
    const el = h(tag, { class: numeric.includes(i) ? 'num' : null });
    if (v instanceof Node) el.append(v);
    else el.textContent = v === null || v === undefined ? DASH : String(v);
    return el;
  });
}

function reportTable(id, caption, head, rows, numeric, foot) {
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', { id, 'data-testid': id },
      h('caption', { text: caption }),
      h('thead', {}, h('tr', {}, head.map((label, i) => h('th', { scope: 'col', class: numeric.includes(i) ? 'num' : null, text: label })))),
      h('tbody', {}, rows.map((row) => (row instanceof Node ? row : h('tr', {}, cells('td', row, numeric))))),
      foot || null));
}

function show(data, period, unitId) {
  const r = data.result;
  $('pdf-link').href = '/api/public/units/' + encodeURIComponent(unitId) + '/skm.pdf?period=' + encodeURIComponent(period);
  const label = periodName(data.period);
  document.title = 'Laporan SKM ' + label + ' – ' + data.unit_name;
  $('unit-name').textContent = data.unit_name;
  $('report-unit').textContent = data.unit_name;
  $('report-period').textContent = label + (data.months.length > 1 ? ' (' + periodName(data.months[0]) + ' – ' + periodName(data.months[data.months.length - 1]) + ')' : '');
  $('generated').textContent = formatDateTime(data.generated_at);
  $('ikm').textContent = formatIkm(r.ikm);
  $('mutu').textContent = r.mutu ? r.mutu + ' (' + (r.mutu_label || MUTU[r.mutu]) + ')' : 'Belum ada data';
  $('n').textContent = formatCount(r.n) + ' orang';
  const sample = r.sample || {};
  $('sample').textContent = sample.required ? formatCount(sample.required) + ' responden (populasi ' + formatCount(sample.population) + ' orang, tabel Krejcie-Morgan)' : 'belum dapat dihitung';

  // The sample warning is printed too: readers must know how far to trust the figures.
  const warning = $('sample-warning');
  warning.hidden = false;
  if (r.n === 0) warning.textContent = 'Belum ada responden pada periode ini, sehingga IKM belum dapat dihitung.';
  else if (!sample.required) warning.textContent = 'Jumlah sampel minimum belum dapat dihitung karena jumlah pengguna layanan (populasi) unit ini belum ditetapkan.';
  else if (sample.reached === false) {
    warning.textContent = 'Perhatian: jumlah responden (' + formatCount(r.n) + ' orang) masih di bawah sampel minimum (' + formatCount(sample.required) +
      ' responden untuk populasi ' + formatCount(sample.population) + ' orang). Hasil ini belum dapat dianggap mewakili seluruh pengguna layanan.';
  } else warning.hidden = true;

  const names = Object.fromEntries(data.unsur.map((u) => [u.code, u.name]));
  const weakest = r.weakest || [];
  $('weakest').textContent = weakest.length
    ? 'Unsur dengan nilai terendah: ' + weakest.map((c) => names[c] + ' (' + c + ')').join(', ') + '. Unsur ini menjadi prioritas rencana tindak lanjut.'
    : 'Belum ada unsur yang dapat dinilai.';

  // Respondents: one small table per question, with the share of all respondents.
  $('respondents').replaceChildren(...GROUPS.map(([key, title]) => {
    // A band with too few people is withheld (count null): shown as "< 5", never worked out.
    const rows = (data.respondents[key] || []).map((c) => c.count === null
      ? [c.label, '< ' + data.min_respondents, DASH]
      : [c.label, formatCount(c.count), r.n ? formatPercent(c.count / r.n) : DASH]);
    return reportTable('respondents-' + key, title, ['Kategori', 'Jumlah', '%'], rows.length ? rows : [['Belum ada data', DASH, DASH]], [1, 2]);
  }));

  const rows = data.unsur.map((u, i) => {
    const low = weakest.includes(u.code);
    return h('tr', { class: low ? 'weakest' : null, 'data-code': u.code },
      ...cells('td', [String(i + 1), u.code], [0]),
      h('th', { scope: 'row' }, u.name, low ? h('span', { class: 'tag', text: 'Terendah' }) : null),
      ...cells('td', [formatNrr(u.nrr), formatNrr(u.weighted), formatConverted(u.converted), u.mutu ? u.mutu + ' (' + MUTU[u.mutu] + ')' : DASH], [0, 1, 2]));
  });
  const foot = h('tfoot', {}, h('tr', {},
    h('th', { scope: 'row', colspan: '4', text: 'IKM unit pelayanan = Σ (NRR × 1/9) × 25' }),
    h('td', { class: 'num', colspan: '2', id: 'ikm-total', text: formatIkm(r.ikm) }),
    h('td', { text: r.mutu ? r.mutu + ' (' + (r.mutu_label || MUTU[r.mutu]) + ')' : DASH })));
  $('unsur').replaceChildren(reportTable('unsur-table', 'Nilai rata-rata (NRR) per unsur pelayanan', ['No', 'Kode', 'Unsur pelayanan', 'NRR', 'NRR × 1/9', 'Nilai konversi', 'Mutu'], rows, [0, 3, 4, 5], foot));

  const hidden = 'Tidak ditampilkan (kurang dari ' + data.min_respondents + ' responden)';
  const services = data.services.map((s) => [s.name, formatCount(s.result.n), formatIkm(s.result.ikm),
    s.result.mutu ? s.result.mutu + ' (' + s.result.mutu_label + ')' : s.result.withheld && s.result.withheld.responses ? hidden : 'Belum ada data']);
  $('services').replaceChildren(reportTable('services-table', 'IKM per jenis layanan', ['Jenis layanan', 'Responden', 'IKM', 'Mutu'],
    services.length ? services : [['Belum ada jenis layanan', DASH, DASH, DASH]], [1, 2]));

  const plan = data.plan.map((p, i) => [String(i + 1), p.code + ' ' + p.name, formatNrr(p.nrr), p.action, p.responsible, p.timeline]);
  $('plan').replaceChildren(reportTable('plan-table', 'Rencana tindak lanjut', ['No', 'Unsur', 'NRR', 'Kegiatan', 'Penanggung jawab', 'Waktu'],
    plan.length ? plan : [['–', 'Belum ada data survei pada periode ini', DASH, DASH, DASH, DASH]], [0, 2]));

  $('sign-unit').textContent = data.unit_name;
  $('place-date').textContent = 'Medan Belawan, ' + formatDateTime(data.generated_at).replace(/ \d{2}\.\d{2} WIB$/, '');
  $('report').removeAttribute('aria-busy');
  $('report').hidden = false;
}

startPublicPage({
  prefix: 'laporan-skm',
  noun: 'laporan',
  content: $('report'),
  url: (unitId, period) => '/api/public/units/' + encodeURIComponent(unitId) + '/skm?period=' + encodeURIComponent(period),
  show,
});
$('print').addEventListener('click', () => window.print());
