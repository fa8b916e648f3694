/* The public results page of the satisfaction survey (IKM) of one unit.
 * Reads the unit from /hasil/{unit_id}, offers a period (month, quarter, semester,
 * year; default this month in WIB) and shows GET /api/public/units/{id}/ikm as
 * plain tables. Numbers are written the Indonesian way (82,45).
 */
(() => {
  'use strict';

  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const path = location.pathname.match(/^\/hasil\/([^/]+)/);
  const unitId = path ? decodeURIComponent(path[1]) : params.get('unit') || '';
  const MONTHS = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'];
  const ROMAN = ['I', 'II', 'III', 'IV'];
  // IKM has two decimals, NRR three (as the API gives them); a null is shown as a dash.
  const number = (digits) => new Intl.NumberFormat('id-ID', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const two = number(2);
  const three = number(3);
  const fmt = (x, format) => (x === null || x === undefined ? '–' : (format || two).format(x));
  let loading = 0;

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'text') el.textContent = v;
      else if (v != null) el.setAttribute(k, v);
    }
    for (const c of children) if (c) el.append(c);
    return el;
  }

  /** The human name of a period code: 2026-11, 2026-Q3, 2026-S2, 2026. */
  function periodName(code) {
    let m;
    if ((m = /^(\d{4})-(\d{2})$/.exec(code))) return MONTHS[Number(m[2]) - 1] + ' ' + m[1];
    if ((m = /^(\d{4})-Q([1-4])$/.exec(code))) return 'Triwulan ' + ROMAN[m[2] - 1] + ' ' + m[1];
    if ((m = /^(\d{4})-S([12])$/.exec(code))) return 'Semester ' + ROMAN[m[2] - 1] + ' ' + m[1];
    if (/^\d{4}$/.test(code)) return 'Tahun ' + code;
    return code;
  }

  /** The picker: the last 12 months, then quarters, semesters and years of this year and last. */
  function fillPicker() {
    const now = new Date(Date.now() + 7 * 3600 * 1000); // WIB, the calendar periods are counted in
    const year = now.getUTCFullYear();
    const month = now.getUTCMonth() + 1;
    const groups = { Bulan: [], Triwulan: [], Semester: [], Tahun: [] };
    for (let i = 0; i < 12; i++) {
      const d = new Date(Date.UTC(year, month - 1 - i, 1));
      groups.Bulan.push(d.getUTCFullYear() + '-' + String(d.getUTCMonth() + 1).padStart(2, '0'));
    }
    for (const y of [year, year - 1]) {
      for (let q = 4; q >= 1; q--) if (y < year || (q - 1) * 3 < month) groups.Triwulan.push(y + '-Q' + q);
      for (let s = 2; s >= 1; s--) if (y < year || (s - 1) * 6 < month) groups.Semester.push(y + '-S' + s);
      groups.Tahun.push(String(y));
    }
    const select = $('period');
    for (const [label, codes] of Object.entries(groups)) {
      const group = h('optgroup', { label });
      for (const code of codes) group.append(h('option', { value: code, text: periodName(code) + (code === groups.Bulan[0] ? ' (bulan ini)' : '') }));
      select.append(group);
    }
    const wanted = params.get('period');
    select.value = wanted && [...select.options].some((o) => o.value === wanted) ? wanted : groups.Bulan[0];
  }

  function fatal(message) {
    $('picker').hidden = true;
    $('result').hidden = true;
    $('page-alert').textContent = message;
  }

  async function load() {
    const period = $('period').value;
    const ticket = ++loading; // a slow earlier answer must not overwrite a later choice
    $('result').setAttribute('aria-busy', 'true');
    $('status').textContent = 'Memuat hasil ' + periodName(period) + '…';
    $('page-alert').textContent = '';
    let response, body;
    try {
      response = await fetch('/api/public/units/' + encodeURIComponent(unitId) + '/ikm?period=' + encodeURIComponent(period), { headers: { Accept: 'application/json' } });
      body = await response.json().catch(() => null);
    } catch (e) {
      if (ticket === loading) {
        $('status').textContent = '';
        $('page-alert').textContent = 'Hasil belum dapat dimuat karena koneksi internet terputus. Periksa sinyal Saudara, lalu tekan "Tampilkan" lagi.';
      }
      return;
    }
    if (ticket !== loading) return;
    $('status').textContent = '';
    if (response.status === 404) {
      $('unit-name').textContent = 'Unit layanan tidak ditemukan';
      fatal('Maaf, unit layanan dengan kode "' + unitId + '" tidak kami temukan. Mohon periksa kembali tautan yang Saudara gunakan.');
      return;
    }
    if (!response.ok || !body) {
      const message = body && body.error && body.error.message;
      $('page-alert').textContent = (message || 'Hasil belum dapat dimuat karena gangguan pada server.') + ' Silakan tekan "Tampilkan" lagi.';
      return;
    }
    history.replaceState(null, '', location.pathname + '?period=' + encodeURIComponent(period));
    show(body);
  }

  function show(data) {
    const result = data.result;
    const names = {};
    for (const u of data.unsur) names[u.code] = u.name;
    $('unit-name').textContent = data.unit.name;
    document.title = 'Hasil SKM ' + periodName(data.period.label) + ' – ' + data.unit.name;
    $('result-title').textContent = 'Hasil periode ' + periodName(data.period.label);
    $('ikm').textContent = fmt(result.ikm);
    $('mutu').textContent = result.mutu ? result.mutu + ' (' + result.mutu_label + ')' : 'Belum ada data';
    $('n').textContent = result.n + ' orang';

    // The sample warning is shown, never hidden: readers must know how far to trust the figures.
    const warning = $('sample-warning');
    const sample = result.sample;
    warning.hidden = false;
    if (result.n === 0) {
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
        h('td', { class: 'num', text: fmt(value, three) }),
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
        h('td', { class: 'num', text: fmt(r.ikm) }),
        h('td', { text: r.mutu ? r.mutu + ' (' + r.mutu_label + ')' + (below ? ', di bawah sampel minimum' : '') : 'Belum ada data' }),
        h('td', { text: low || '–' }));
    });
    if (!services.length) services.push(h('tr', {}, h('td', { colspan: '5', text: 'Belum ada jenis layanan.' })));
    $('service-table').tBodies[0].replaceChildren(...services);

    if (data.weights && data.weights !== 'exact') {
      $('method').textContent = $('method').textContent.replace('÷ 9', '× 0,111');
    }
    $('result').removeAttribute('aria-busy');
  }

  if (!/^[a-z0-9][a-z0-9-]{1,39}$/.test(unitId)) {
    $('unit-name').textContent = 'Alamat tidak lengkap';
    fatal('Alamat halaman ini tidak memuat kode unit layanan.');
    return;
  }
  $('survey-link').href = '/survei/' + encodeURIComponent(unitId);
  fillPicker();
  $('picker').addEventListener('submit', (event) => { event.preventDefault(); load(); });
  load();
})();
