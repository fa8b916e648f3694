/* The public results page of the satisfaction survey (IKM) of one unit (web/hasil.html,
 * /hasil/{unit_id}). It offers a period (month, quarter, semester, year; default this month in
 * WIB) and shows GET /api/public/units/{id}/ikm as plain tables, numbers written the Indonesian
 * way (82,45). Bundled by esbuild to share public-page.js with the SKM report.
 */
import { $, h } from './dom.js';
import { DASH, formatIkm, formatNrr, periodName } from './format.js';
import { startPublicPage } from './public-page.js';

function show(data) {
  const result = data.result;
  const names = {};
  for (const u of data.unsur) names[u.code] = u.name;
  $('unit-name').textContent = data.unit.name;
  document.title = 'Hasil SKM ' + periodName(data.period.label) + ' – ' + data.unit.name;
  $('result-title').textContent = 'Hasil periode ' + periodName(data.period.label);
  $('ikm').textContent = formatIkm(result.ikm);
  $('mutu').textContent = result.mutu ? result.mutu + ' (' + result.mutu_label + ')' : 'Belum ada data';
  $('n').textContent = result.n + ' orang';

  // The sample warning is shown, never hidden: readers must know how far to trust the figures.
  const warning = $('sample-warning');
  const sample = result.sample;
  warning.hidden = false;
  const withheld = (result.withheld && result.withheld.responses) || 0;
  if (result.n === 0 && withheld) {
    warning.textContent = 'Hasil belum ditampilkan: baru ' + withheld + ' responden, padahal hasil baru ditampilkan mulai ' +
      data.min_respondents + ' responden per bulan, agar jawaban seseorang tidak dapat diketahui.';
  } else if (result.n === 0) {
    warning.textContent = 'Belum ada responden pada periode ini, sehingga IKM belum dapat dihitung.';
  } else if (!sample || !sample.required) {
    warning.textContent = 'Jumlah sampel minimum belum dapat dihitung karena jumlah pengguna layanan (populasi) unit ini belum ditetapkan.';
  } else if (!sample.reached) {
    warning.textContent = 'Perhatian: jumlah responden (' + result.n + ' orang) masih di bawah sampel minimum menurut tabel Krejcie-Morgan (' +
      sample.required + ' responden untuk populasi ' + sample.population + ' orang). Hasil ini belum dapat dianggap mewakili seluruh pengguna layanan.';
  } else {
    warning.hidden = true;
  }

  const weakest = result.weakest || [];
  const note = $('weakest-note');
  note.hidden = !weakest.length;
  note.textContent = weakest.length ? 'Unsur dengan nilai terendah: ' + weakest.map((c) => names[c] + ' (' + c + ')').join(', ') + '.' : '';

  const rows = data.unsur.map((u) => {
    const value = result.nrr ? result.nrr[u.code] : null;
    const low = weakest.includes(u.code);
    const bar = h('span', { class: 'bar', 'aria-hidden': 'true' }, h('span', { style: 'width:' + (value ? (value / 4) * 100 : 0) + '%' }));
    return h('tr', { class: low ? 'weakest' : null, id: 'nrr-' + u.code },
      h('td', { text: u.code }),
      h('th', { scope: 'row' }, u.name, low ? h('span', { class: 'tag', text: 'Terendah' }) : null),
      h('td', { class: 'num', text: formatNrr(value) }),
      h('td', {}, bar));
  });
  $('nrr-table').tBodies[0].replaceChildren(...rows);

  const services = (data.services || []).map((s) => {
    const r = s.result;
    const low = (r.weakest || []).map((c) => names[c] || c).join(', ');
    const below = r.n > 0 && r.sample && r.sample.reached === false;
    return h('tr', {},
      h('th', { scope: 'row', text: s.name }),
      h('td', { class: 'num', text: String(r.n) }),
      h('td', { class: 'num', text: formatIkm(r.ikm) }),
      h('td', { text: r.mutu ? r.mutu + ' (' + r.mutu_label + ')' + (below ? ', di bawah sampel minimum' : '')
        : r.withheld && r.withheld.responses ? 'Tidak ditampilkan (kurang dari ' + data.min_respondents + ' responden)' : 'Belum ada data' }),
      h('td', { text: low || DASH }));
  });
  if (!services.length) services.push(h('tr', {}, h('td', { colspan: '5', text: 'Belum ada jenis layanan.' })));
  $('service-table').tBodies[0].replaceChildren(...services);

  if (data.weights && data.weights !== 'exact') {
    $('method').textContent = $('method').textContent.replace('÷ 9', '× 0,111');
  }
  $('result').removeAttribute('aria-busy');
}

const unitId = startPublicPage({
  prefix: 'hasil',
  noun: 'hasil',
  content: $('result'),
  url: (unitId, period) => '/api/public/units/' + encodeURIComponent(unitId) + '/ikm?period=' + encodeURIComponent(period),
  show,
});
if (unitId) $('survey-link').href = '/survei/' + encodeURIComponent(unitId);
