/* The public satisfaction survey (SKM) form. No framework, so a slow phone parses it fast.
 *
 * Flow: read the unit from the URL (/survei/{unit_id}) -> GET the questionnaire ->
 * build the nine questions -> check the answers -> POST /api/surveys.
 * Each filled form carries one client_key, kept on every retry (and in the saved
 * draft), so a resend after a lost reply returns the same receipt instead of a
 * second response. Answers are saved to localStorage as they are given, so a
 * failed send or a reload never loses them; the draft is removed after success.
 */
(() => {
  'use strict';

  const $ = (id) => document.getElementById(id);
  const form = $('survey');
  const params = new URLSearchParams(location.search);
  const path = location.pathname.match(/^\/survei\/([^/]+)/);
  const unitId = path ? decodeURIComponent(path[1]) : params.get('unit') || '';
  const kiosk = params.get('kiosk') === '1';
  const DRAFT = 'skm-draft:' + unitId;
  // A reload keeps the answers. At a kiosk the next person must not find a stranger's
  // half-filled answers, so there a draft lives only a few minutes.
  const DRAFT_MAX_AGE_MS = (kiosk ? 10 * 60 : 6 * 3600) * 1000;
  const KIOSK_RESET_MS = 90 * 1000;
  const TIMEOUT_MS = 30 * 1000;
  const LABELS = {
    service_id: 'Jenis layanan', service_date: 'Tanggal pelayanan', sex: 'Jenis kelamin', age: 'Usia',
    education: 'Pendidikan terakhir', occupation: 'Pekerjaan', kind: 'Jenis masukan',
    text: 'Saran atau pengaduan', served_by: 'Dilayani oleh',
  };

  let config = null;
  let clientKey = null;
  let sending = false;
  let kioskTimer = null;

  // -- small helpers --

  /** Creates an element; `text` sets textContent (never innerHTML: unit names come from the server). */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'text') el.textContent = v;
      else if (v != null) el.setAttribute(k, v);
    }
    for (const c of children) if (c) el.append(c);
    return el;
  }

  /** Today in WIB (UTC+7, no daylight saving), the calendar the server checks dates against. */
  function todayWib() {
    return new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);
  }

  function daysAgoWib(days) {
    return new Date(Date.now() + 7 * 3600 * 1000 - days * 86400 * 1000).toISOString().slice(0, 10);
  }

  /**
   * The human check, when production turns it on: the reCAPTCHA script is fetched only
   * when "Kirim" is pressed, so the form itself stays small and makes no outside request.
   */
  function humanCheckHeaders() {
    const check = (config && config.human_check) || { kind: 'off' };
    if (check.kind !== 'recaptcha' || !check.site_key) return Promise.resolve({});
    return new Promise((resolve) => {
      const run = () => window.grecaptcha.enterprise.ready(() =>
        window.grecaptcha.enterprise.execute(check.site_key, { action: check.action || 'survey_submit' })
          .then((token) => resolve({ 'X-Recaptcha-Token': token }), () => resolve({})));
      if (window.grecaptcha && window.grecaptcha.enterprise) return run();
      const script = document.createElement('script');
      script.src = 'https://www.google.com/recaptcha/enterprise.js?render=' + encodeURIComponent(check.site_key);
      script.onload = run;
      script.onerror = () => resolve({}); // the server then answers 403 and the page says so
      document.head.append(script);
    });
  }

  /** A key for this filled form: ^[A-Za-z0-9_-]{8,64}$. randomUUID needs a secure context. */
  function newClientKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(18));
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  /** fetch with a timeout; resolves to {status, body, headers}, throws on a network failure. */
  async function request(url, options) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
    try {
      const response = await fetch(url, Object.assign({ signal: abort.signal, headers: { Accept: 'application/json' } }, options));
      let body = null;
      try { body = await response.json(); } catch (e) { /* a proxy's HTML error page */ }
      return { status: response.status, body, headers: response.headers };
    } finally {
      clearTimeout(timer);
    }
  }

  function errorOf(reply) {
    return (reply.body && reply.body.error) || {};
  }

  // -- loading the questionnaire --

  function fatal(message, retry) {
    form.hidden = true;
    const box = $('page-alert');
    box.textContent = '';
    box.append(h('p', { text: message }));
    if (retry) {
      const again = h('button', { type: 'button', text: 'Coba lagi' });
      again.addEventListener('click', () => { box.textContent = ''; load(); });
      box.append(again);
    }
  }

  async function load() {
    if (!/^[a-z0-9][a-z0-9-]{1,39}$/.test(unitId)) {
      $('unit-name').textContent = 'Alamat survei tidak lengkap';
      fatal('Alamat survei ini tidak memuat kode unit layanan. Mohon pindai kembali kode QR yang ada di kantor layanan.');
      return;
    }
    let reply;
    try {
      reply = await request('/api/public/units/' + encodeURIComponent(unitId) + '/survey');
    } catch (e) {
      fatal('Formulir belum dapat dimuat karena koneksi internet terputus atau lambat. Periksa sinyal Saudara, lalu tekan "Coba lagi".', true);
      return;
    }
    if (reply.status === 404 && errorOf(reply).code === 'survey_not_available') {
      $('unit-name').textContent = 'Survei belum tersedia';
      fatal('Maaf, unit layanan ini belum membuka survei kepuasan. Mohon tanyakan kepada petugas.');
      return;
    }
    if (reply.status === 404) {
      $('unit-name').textContent = 'Unit layanan tidak ditemukan';
      fatal('Maaf, unit layanan dengan kode "' + unitId + '" tidak kami temukan. Mohon periksa kembali kode QR atau tautan yang Saudara gunakan, atau tanyakan kepada petugas.');
      return;
    }
    if (reply.status !== 200 || !reply.body) {
      fatal('Formulir belum dapat dimuat karena gangguan pada server. Mohon tunggu sebentar, lalu tekan "Coba lagi".', true);
      return;
    }
    config = reply.body;
    build(config);
  }

  function fillOptions(select, items) {
    for (const item of items || []) select.append(h('option', { value: item.value, text: item.label }));
  }

  function build(c) {
    $('unit-name').textContent = c.unit.name;
    document.title = 'Survei Kepuasan Masyarakat – ' + c.unit.name;
    $('results-link').href = '/hasil/' + encodeURIComponent(c.unit.id);

    const service = $('service_id');
    service.textContent = '';
    service.append(h('option', { value: '', text: 'Pilih jenis layanan' }));
    for (const s of c.services) service.append(h('option', { value: s.id, text: s.name }));
    if (c.services.length === 1) service.options[1].defaultSelected = true;

    const profile = c.profile || {};
    fillOptions($('sex'), profile.sex);
    fillOptions($('education'), profile.education);
    fillOptions($('occupation'), profile.occupation);
    if (profile.age) { $('age').min = profile.age.min; $('age').max = profile.age.max; }
    if (c.feedback_max_length) $('text').maxLength = c.feedback_max_length;
    if (c.served_by_max_length) $('served_by').maxLength = c.served_by_max_length;

    // One fieldset per unsur: the legend is the question, four real radios with labels.
    const box = $('questions');
    box.textContent = '';
    c.unsur.forEach((u, i) => {
      const choices = u.labels.map((label, j) =>
        h('label', { class: 'choice' }, h('input', { type: 'radio', name: u.code, value: String(j + 1) }), h('span', { text: label })));
      box.append(h('fieldset', { class: 'q', id: 'q-' + u.code, 'aria-describedby': 'e-' + u.code },
        h('legend', {},
          h('span', { class: 'num', text: 'Pertanyaan ' + (i + 1) + ' · ' + u.name }),
          h('span', { class: 'text', text: u.question })),
        h('p', { class: 'err', id: 'e-' + u.code }),
        ...choices));
    });
    box.removeAttribute('aria-busy');

    const date = $('service_date');
    date.max = todayWib();
    date.min = daysAgoWib(c.service_date_max_age_days || 90);
    date.defaultValue = todayWib();
    restoreDraft();
    updateCounter();
    $('submit').disabled = false;
  }

  // -- the draft in localStorage --

  function storage() {
    try { return window.localStorage; } catch (e) { return null; } // blocked in some private modes
  }

  function saveDraft() {
    const store = storage();
    if (!store || !config) return;
    const fields = {};
    for (const el of form.elements) {
      if (!el.name || (el.type === 'radio' && !el.checked)) continue;
      fields[el.name] = el.value;
    }
    try { store.setItem(DRAFT, JSON.stringify({ saved: Date.now(), client_key: clientKey, fields })); } catch (e) { /* full */ }
  }

  function clearDraft() {
    const store = storage();
    if (store) store.removeItem(DRAFT);
  }

  function restoreDraft() {
    const store = storage();
    let draft = null;
    try { draft = store && JSON.parse(store.getItem(DRAFT) || 'null'); } catch (e) { draft = null; }
    if (!draft || Date.now() - draft.saved > DRAFT_MAX_AGE_MS) {
      clearDraft();
      clientKey = newClientKey();
      $('service_date').value = todayWib();
      return;
    }
    clientKey = draft.client_key || newClientKey();
    for (const [name, value] of Object.entries(draft.fields || {})) {
      const el = form.elements[name];
      if (!el) continue;
      if (el instanceof RadioNodeList || el.type === 'radio') {
        for (const radio of form.querySelectorAll('input[type=radio][name="' + name + '"]')) radio.checked = radio.value === value;
      } else if (el.tagName !== 'SELECT' || [...el.options].some((o) => o.value === value)) {
        el.value = value; // a service removed from the catalogue since is not restored
      }
    }
    $('status').textContent = 'Isian Saudara sebelumnya sudah dipulihkan.';
  }

  form.addEventListener('input', saveDraft);
  form.addEventListener('change', saveDraft);

  // -- feedback counter and personal-data hint --

  const PERSONAL = /[\w.+-]+@[\w-]+\.[\w.]+|(\+62|\b0)8[\d\s-]{7,14}\d|\b\d{16}\b/;
  let lastAnnounced = null;

  function updateCounter() {
    const text = $('text');
    const max = text.maxLength;
    const used = text.value.length;
    $('counter').textContent = used + ' dari ' + max + ' karakter';
    // Screen readers hear the count only when it starts to matter.
    const left = max - used;
    const step = left <= 0 ? 0 : left <= 50 ? 50 : left <= 200 ? 200 : null;
    if (step !== lastAnnounced) {
      lastAnnounced = step;
      $('counter-live').textContent = step === null ? '' : left <= 0 ? 'Batas ' + max + ' karakter tercapai.' : 'Sisa ' + left + ' karakter.';
    }
    $('pii').hidden = !PERSONAL.test(text.value + ' ' + $('served_by').value);
  }
  $('text').addEventListener('input', updateCounter);
  $('served_by').addEventListener('input', updateCounter);

  // -- checking and showing problems --

  function unsurIndex(code) {
    return config.unsur.findIndex((u) => u.code === code);
  }

  function missingMessage(code) {
    const i = unsurIndex(code);
    return 'Mohon jawab pertanyaan ' + (i + 1) + ' (' + config.unsur[i].name + ').';
  }

  /** The box to mark, the element to focus and the message slot of a field name. */
  function target(name) {
    if (/^U\d$/.test(name) && $('q-' + name)) {
      const box = $('q-' + name);
      return { box, focus: box.querySelector('input:checked') || box.querySelector('input'), err: $('e-' + name) };
    }
    if (name === 'kind') return { box: $('kind'), focus: form.querySelector('input[name=kind]:checked') || form.querySelector('input[name=kind]'), err: $('e-kind') };
    const el = $(name);
    return el && $('e-' + name) ? { box: el, focus: el, err: $('e-' + name) } : null;
  }

  function clearProblems() {
    for (const el of form.querySelectorAll('.err')) el.textContent = '';
    for (const el of form.querySelectorAll('.invalid')) el.classList.remove('invalid');
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    $('summary').textContent = '';
    $('send-error').textContent = '';
  }

  /** problems: [{name, message}], name null for a problem of the whole form. */
  function showProblems(problems) {
    clearProblems();
    const placed = [];
    const list = h('ul');
    for (const p of problems) {
      const t = p.name && target(p.name);
      if (t) {
        t.err.textContent = t.err.textContent ? t.err.textContent + ' ' + p.message : p.message;
        t.box.classList.add('invalid');
        if (t.box.tagName !== 'FIELDSET') t.box.setAttribute('aria-invalid', 'true');
        placed.push(t);
        const link = h('a', { href: '#' + t.box.id, text: p.message });
        link.addEventListener('click', (event) => { event.preventDefault(); focusOn(t); });
        list.append(h('li', {}, link));
      } else {
        list.append(h('li', { text: p.message }));
      }
    }
    $('summary').append(h('h2', { text: 'Mohon periksa ' + problems.length + ' isian berikut:' }), list);
    // Focus the first problem in page order, so keyboard and screen-reader users land on it.
    placed.sort((a, b) => (a.box.compareDocumentPosition(b.box) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
    if (placed.length) focusOn(placed[0]);
    else $('summary').focus();
  }

  function focusOn(t) {
    (t.box.closest('.field') || t.box).scrollIntoView({ block: 'start' }); // label and message in view too
    t.focus.focus({ preventScroll: true });
  }

  function check() {
    const problems = [];
    const f = form.elements;
    if (!f.service_id.value) problems.push({ name: 'service_id', message: 'Mohon pilih jenis layanan yang Saudara terima.' });
    const date = f.service_date.value;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) problems.push({ name: 'service_date', message: 'Mohon isi tanggal pelayanan.' });
    else if (date > todayWib()) problems.push({ name: 'service_date', message: 'Tanggal pelayanan tidak boleh melewati hari ini.' });
    else if (f.service_date.min && date < f.service_date.min) {
      problems.push({ name: 'service_date', message: 'Survei hanya untuk pelayanan dalam ' + (config.service_date_max_age_days || 90) + ' hari terakhir.' });
    }
    for (const u of config.unsur) {
      if (!form.querySelector('input[name="' + u.code + '"]:checked')) problems.push({ name: u.code, message: missingMessage(u.code) });
    }
    const age = f.age.value.trim();
    if (age || (f.age.validity && f.age.validity.badInput)) {
      const n = Number(age);
      if (!Number.isInteger(n) || n < +f.age.min || n > +f.age.max) {
        problems.push({ name: 'age', message: 'Usia diisi angka ' + f.age.min + ' sampai ' + f.age.max + ' tahun, atau dikosongkan.' });
      }
    }
    if (f.text.value.length > f.text.maxLength) problems.push({ name: 'text', message: 'Saran atau pengaduan paling banyak ' + f.text.maxLength + ' karakter.' });
    return problems;
  }

  // -- sending --

  function payload() {
    const f = form.elements;
    const answers = {};
    for (const u of config.unsur) answers[u.code] = Number(form.querySelector('input[name="' + u.code + '"]:checked').value);
    const body = { unit_id: config.unit.id, service_id: f.service_id.value, service_date: f.service_date.value, answers };
    const profile = {};
    if (f.sex.value) profile.sex = f.sex.value;
    if (f.age.value.trim()) profile.age = Number(f.age.value);
    if (f.education.value) profile.education = f.education.value;
    if (f.occupation.value) profile.occupation = f.occupation.value;
    if (Object.keys(profile).length) body.profile = profile;
    const text = f.text.value.trim();
    if (text) body.feedback = { kind: f.kind.value || 'saran', text };
    const servedBy = f.served_by.value.trim();
    if (servedBy) body.served_by = servedBy;
    body.source = kiosk ? 'kiosk' : 'web';
    body.client_key = clientKey;
    return body;
  }

  /** A failed send: the answers stay, and the person is told what happened and what to do. */
  function sendFailed(message) {
    const box = $('send-error');
    box.textContent = '';
    box.append(h('p', { text: message }),
      h('p', { text: 'Jawaban Saudara tidak hilang: semuanya masih tersimpan di formulir ini. Silakan tekan "Kirim" lagi.' }));
  }

  function retryAfterSeconds(headers) {
    const value = headers.get('Retry-After');
    if (!value) return null;
    const seconds = /^\d+$/.test(value) ? Number(value) : Math.ceil((Date.parse(value) - Date.now()) / 1000);
    return seconds > 0 ? seconds : null;
  }

  function serverProblems(error) {
    const problems = [];
    for (const d of error.details || []) {
      const parts = String(d.field || '').split('.');
      let name = null;
      if (parts[0] === 'answers' && /^U\d$/.test(parts[1] || '')) name = parts[1];
      else if (parts[0] === 'profile' && LABELS[parts[1]]) name = parts[1];
      else if (parts[0] === 'feedback') name = parts[1] === 'kind' ? 'kind' : 'text';
      else if (LABELS[parts[0]]) name = parts[0];
      let message;
      if (name && /^U\d$/.test(name) && unsurIndex(name) >= 0) {
        const i = unsurIndex(name);
        message = d.code === 'missing' ? missingMessage(name) : 'Pertanyaan ' + (i + 1) + ' (' + config.unsur[i].name + '): ' + d.message;
      } else {
        message = (name ? LABELS[name] : d.field || 'Isian') + ': ' + d.message;
      }
      problems.push({ name: name && target(name) ? name : null, message });
    }
    if (!problems.length) problems.push({ name: null, message: error.message || 'Isian belum dapat diterima. Mohon periksa kembali.' });
    return problems;
  }

  async function submit(event) {
    event.preventDefault();
    if (sending || !config) return;
    const problems = check();
    if (problems.length) { showProblems(problems); return; }
    clearProblems();
    sending = true;
    // aria-disabled, not disabled: a disabled button would drop the keyboard focus.
    const button = $('submit');
    button.setAttribute('aria-disabled', 'true');
    button.textContent = 'Mengirim…';
    $('status').textContent = 'Mengirim jawaban Saudara…';
    saveDraft(); // the key and the answers survive even if the tab is closed mid-send
    let reply = null;
    try {
      const proof = await humanCheckHeaders();
      reply = await request('/api/surveys', { method: 'POST', headers: Object.assign({ 'Content-Type': 'application/json', Accept: 'application/json' }, proof), body: JSON.stringify(payload()) });
    } catch (e) {
      reply = null;
    }
    sending = false;
    button.removeAttribute('aria-disabled');
    button.textContent = 'Kirim';
    $('status').textContent = '';

    if (!reply) {
      sendFailed('Jawaban belum terkirim karena koneksi internet terputus atau terlalu lambat.');
    } else if ((reply.status === 200 || reply.status === 201) && reply.body && reply.body.receipt) {
      done(reply.body);
    } else if (reply.status === 422 || reply.status === 400) {
      showProblems(serverProblems(errorOf(reply)));
    } else if (reply.status === 429) {
      const wait = retryAfterSeconds(reply.headers);
      const how = !wait ? 'sebentar' : wait < 90 ? 'sekitar ' + wait + ' detik'
        : wait < 5400 ? 'sekitar ' + Math.ceil(wait / 60) + ' menit' : 'sekitar ' + Math.ceil(wait / 3600) + ' jam';
      sendFailed('Terlalu banyak kiriman dari perangkat ini. Mohon tunggu ' + how + '.');
    } else if (reply.status === 413) {
      sendFailed('Isian terlalu panjang untuk dikirim. Mohon persingkat saran atau pengaduan Saudara.');
    } else if (reply.status === 403) {
      // The anti-bot check (reCAPTCHA / App Check) refused or found no token.
      sendFailed('Pengiriman ditolak oleh pemeriksaan keamanan. Mohon muat ulang halaman ini; bila masih gagal, minta bantuan petugas.');
    } else if (reply.status === 404) {
      fatal('Maaf, unit layanan ini tidak lagi terdaftar. Mohon tanyakan kepada petugas.');
    } else if (reply.status >= 500) {
      sendFailed('Jawaban belum terkirim karena server sedang sibuk atau mengalami gangguan (kode ' + reply.status + ').');
    } else {
      sendFailed(errorOf(reply).message || 'Jawaban belum terkirim (kode ' + reply.status + ').');
    }
  }
  form.addEventListener('submit', submit);

  // -- the receipt and a fresh form --

  function done(receipt) {
    clearDraft();
    form.hidden = true;
    $('intro').hidden = true;
    $('receipt').textContent = receipt.receipt;
    $('done').hidden = false;
    $('done-title').focus();
    // At a kiosk the next visitor should find an empty form, not this receipt.
    if (kiosk) kioskTimer = setTimeout(fresh, KIOSK_RESET_MS);
  }

  function fresh() {
    clearTimeout(kioskTimer);
    $('receipt').textContent = '';
    clearDraft();
    form.reset();
    clearProblems();
    clientKey = newClientKey();
    $('service_date').max = todayWib();
    $('service_date').value = todayWib();
    $('status').textContent = '';
    updateCounter();
    $('done').hidden = true;
    $('intro').hidden = false;
    form.hidden = false;
    window.scrollTo(0, 0);
    $('service_id').focus({ preventScroll: true });
  }
  $('again').addEventListener('click', fresh);

  load();
})();
