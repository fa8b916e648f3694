/* What the two public pages of one unit share (the IKM results at /hasil/{unit} and the SKM
 * report at /laporan-skm/{unit}): the unit from the address, the period picker, and a loader
 * that keeps the last choice on screen when answers arrive out of order on a weak signal.
 * Both pages have #unit-name, #picker (with #period), #status and #page-alert.
 */
import { $, h } from './dom.js';
import { lastMonths, periodName } from './format.js';

const params = new URLSearchParams(location.search);
const UNIT_ID = /^[a-z0-9][a-z0-9-]{1,39}$/;
const PERIOD = /^\d{4}(-(\d{2}|Q[1-4]|S[12]))?$/;

/** The unit id of /{prefix}/{unit_id} (or ?unit=), or null when the address has none that could be one. */
function unitFromAddress(prefix) {
  const match = location.pathname.match(new RegExp('^/' + prefix + '/([^/]+)'));
  const id = match ? decodeURIComponent(match[1]) : params.get('unit') || '';
  return UNIT_ID.test(id) ? id : null;
}

/** The picker: the last 12 months, then quarters, semesters and years of this year and last. */
function fillPeriodPicker(select) {
  const months = lastMonths(12);
  const year = Number(months[0].slice(0, 4));
  const month = Number(months[0].slice(5, 7));
  const groups = { Bulan: months, Triwulan: [], Semester: [], Tahun: [] };
  for (const y of [year, year - 1]) {
    for (let q = 4; q >= 1; q--) if (y < year || (q - 1) * 3 < month) groups.Triwulan.push(y + '-Q' + q);
    for (let s = 2; s >= 1; s--) if (y < year || (s - 1) * 6 < month) groups.Semester.push(y + '-S' + s);
    groups.Tahun.push(String(y));
  }
  for (const [label, codes] of Object.entries(groups)) {
    select.append(h('optgroup', { label }, codes.map((code) => h('option', { value: code, text: periodName(code) + (code === months[0] ? ' (bulan ini)' : '') }))));
  }
  // A shared link to an older period still opens on that period.
  const wanted = params.get('period');
  if (wanted && PERIOD.test(wanted) && ![...select.options].some((o) => o.value === wanted)) {
    select.append(h('option', { value: wanted, text: periodName(wanted) }));
  }
  select.value = wanted && [...select.options].some((o) => o.value === wanted) ? wanted : months[0];
}

/** The page cannot show anything: hide the picker and the content, say why. */
function fatal(content, message) {
  $('picker').hidden = true;
  content.hidden = true;
  $('page-alert').textContent = message;
}

/**
 * Start a page: an address without a unit gets a clear message; otherwise fill the picker and
 * load GET url(unitId, period) for the picked period, handing the body to show(body, period, unitId).
 * noun names what is loading in the messages ('hasil', 'laporan'); content is the element that
 * is busy meanwhile. A 404 means the unit does not exist; any other error keeps the page.
 */
export function startPublicPage({ prefix, noun, content, url, show }) {
  const unitId = unitFromAddress(prefix);
  if (!unitId) {
    $('unit-name').textContent = 'Alamat tidak lengkap';
    fatal(content, 'Alamat halaman ini tidak memuat kode unit layanan.');
    return null;
  }
  const Noun = noun[0].toUpperCase() + noun.slice(1);
  let latest = 0;
  async function load() {
    const period = $('period').value;
    const ticket = ++latest; // a slow earlier answer must not overwrite a later choice
    content.setAttribute('aria-busy', 'true');
    $('status').textContent = 'Memuat ' + noun + ' ' + periodName(period) + '…';
    $('page-alert').textContent = '';
    let response, body;
    try {
      response = await fetch(url(unitId, period), { headers: { Accept: 'application/json', 'Accept-Language': 'id' } });
      body = await response.json().catch(() => null);
    } catch {
      if (ticket === latest) {
        $('status').textContent = '';
        $('page-alert').textContent = Noun + ' belum dapat dimuat karena koneksi internet terputus. Periksa sinyal Saudara, lalu tekan "Tampilkan" lagi.';
      }
      return;
    }
    if (ticket !== latest) return;
    $('status').textContent = '';
    if (response.status === 404) {
      $('unit-name').textContent = 'Unit layanan tidak ditemukan';
      fatal(content, 'Maaf, unit layanan dengan kode "' + unitId + '" tidak kami temukan. Mohon periksa kembali tautan yang Saudara gunakan.');
      return;
    }
    if (!response.ok || !body) {
      const message = body && body.error && body.error.message;
      $('page-alert').textContent = (message || Noun + ' belum dapat dimuat karena gangguan pada server.') + ' Silakan tekan "Tampilkan" lagi.';
      return;
    }
    history.replaceState(null, '', location.pathname + '?period=' + encodeURIComponent(period));
    show(body, period, unitId);
  }
  fillPeriodPicker($('period'));
  $('picker').addEventListener('submit', (event) => { event.preventDefault(); load(); });
  load();
  return unitId;
}
