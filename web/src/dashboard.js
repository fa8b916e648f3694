/* The dashboard of Pantau Kinerja Belawan: supervisors, unit heads, BKPSDM and the
 * inspectorate sign in (Firebase Auth, e-mail and password) and see, as charts with their
 * data tables beside them, what GET /api/dashboard/... says about their team, their unit or
 * the complaint investigations; BKPSDM also sees the period's scoring runs and what their
 * notifications did. Links in e-mails open it on one finding, investigation or report
 * (views/focus.js); everyone signed in sets their notification preferences here
 * (?view=preferences). An ASN sees their own months and year and objects to a predikat there
 * (?view=mine); whoever decides objections gets the "Keberatan" view (views/objections.js).
 * Built by esbuild into web/dist/dashboard.js.
 */
import { initializeApp } from 'firebase/app';
import {
  browserSessionPersistence,
  connectAuthEmulator,
  getIdToken,
  initializeAuth,
  onAuthStateChanged,
  signInWithEmailAndPassword,
  signOut,
} from 'firebase/auth';
import { ApiError, NetworkError, SessionEnded, get, useTokens } from './api.js';
import { render } from './charts.js';
import { $, h } from './dom.js';
import { lastMonths, periodName, thisMonth } from './format.js';
import { label, lang, setLanguage, t, translatePage } from './i18n.js';
import { readTarget, reveal, showReport, viewsFor } from './views/focus.js';
import { loadInvestigations, renderInvestigations } from './views/investigations.js';
import { loadMine, loadObjections, renderMine, renderObjections } from './views/objections.js';
import { loadPreferences, renderPreferences } from './views/preferences.js';
import { loadRuns, renderRuns } from './views/runs.js';
import { loadTeam, renderTeam } from './views/team.js';
import { UNIT_ID, loadUnit, renderUnit } from './views/unit.js';

const VIEWS = ['team', 'unit', 'objections', 'investigations', 'runs'];
const PERIODLESS = ['investigations', 'objections'];
const query = () => new URLSearchParams(location.search); // read when needed: sign-out clears it

const state = {
  auth: null,
  uid: null, // the signed-in account, once its dashboard is open
  leaving: false, // we are signing out on purpose: no "session ended" message
  me: null,
  view: null,
  period: thisMonth(),
  unitId: null,
  unitOptions: [], // [{id, name}]
  unitFree: false, // the inspectorate may type any unit id
  unitNames: {},
  shownUnit: null, // the unit whose dashboard is on screen, to fall back to after a bad pick
  cache: {}, // view -> {key, data}
  ticket: 0,
  views: [], // the data views this person may open
  target: null, // the finding, investigation or report a link pointed at (views/focus.js)
  prefsOpen: false,
  mineOpen: false, // the ASN's own view (?view=mine)
  mine: null, // what GET /api/me/performance said, to redraw in another language
  mineYear: null, // the year shown there (default this year, WIB)
};

const ctx = {
  status: (text) => { $('status').textContent = text; },
  fail,
  unitName: (id) => state.unitNames[id] || id,
  me: () => state.me,
  /** After an action: the view again from the API, then what was done, in words. */
  reload: async (message) => {
    if (state.mineOpen) await drawMine(true);
    else await load(true);
    if (message) ctx.status(message);
  },
};

// -- messages -----------------------------------------------------------------------------

function showAlert(message, requestId) {
  const box = $('alert');
  box.replaceChildren();
  if (!message) return;
  box.append(h('p', { text: message }));
  if (requestId) box.append(h('p', { class: 'hint', text: t('request_id') + ': ' + requestId }));
}

function fail(error) {
  if (error instanceof SessionEnded) return endSession(error.message);
  if (error instanceof ApiError) return showAlert(error.message, error.requestId);
  if (error instanceof NetworkError) return showAlert(t('network'));
  console.error(error);
  showAlert(t('network'));
}

// -- signing in and out -------------------------------------------------------------------

function showSignIn(message) {
  $('boot').hidden = true;
  $('app').hidden = true;
  $('who').hidden = true;
  $('signin').hidden = false;
  $('signin-alert').textContent = message || '';
  $('signin-button').removeAttribute('aria-disabled');
  $('signin-button').textContent = t('signin');
  document.title = t('signin_title') + ' – ' + t('title');
}

function signInError(error) {
  const code = (error && error.code) || '';
  if (['auth/invalid-credential', 'auth/wrong-password', 'auth/user-not-found', 'auth/invalid-email', 'auth/invalid-login-credentials'].includes(code)) return t('wrong_credentials');
  if (code === 'auth/too-many-requests') return t('too_many');
  if (code === 'auth/user-disabled') return t('account_disabled');
  if (code === 'auth/network-request-failed') return t('network');
  return t('signin_failed', { code: code || String(error) });
}

async function onSignIn(event) {
  event.preventDefault();
  const button = $('signin-button');
  if (button.getAttribute('aria-disabled') === 'true') return;
  const email = $('email').value.trim();
  const password = $('password').value;
  if (!email || !password) {
    $('signin-alert').textContent = t('fill_both');
    (email ? $('password') : $('email')).focus();
    return;
  }
  $('signin-alert').textContent = '';
  button.setAttribute('aria-disabled', 'true');
  button.textContent = t('signing_in');
  try {
    await signInWithEmailAndPassword(state.auth, email, password);
    $('password').value = '';
  } catch (error) {
    button.removeAttribute('aria-disabled');
    button.textContent = t('signin');
    $('signin-alert').textContent = signInError(error);
    $('password').focus();
  }
}

function reset() {
  state.uid = null;
  state.me = null;
  state.view = null;
  state.cache = {};
  state.unitId = null;
  state.unitOptions = [];
  state.unitFree = false;
  state.shownUnit = null;
  for (const view of VIEWS) {
    const panel = $('panel-' + view);
    panel.hidden = true;
    render(view === 'unit' ? $('unit-content') : panel);
  }
  $('tabs').replaceChildren();
  $('status').textContent = '';
  state.views = [];
  state.prefsOpen = false;
  $('prefs').hidden = true;
  $('prefs-content').replaceChildren();
  state.mineOpen = false;
  state.mine = null;
  state.mineYear = null;
  $('mine').hidden = true;
  $('mine-open').hidden = true;
  $('mine-content').replaceChildren();
  showAlert('');
}

async function endSession(message) {
  reset();
  state.leaving = true;
  try {
    await signOut(state.auth);
  } catch {
    /* already signed out */
  }
  state.leaving = false;
  showSignIn(t('session_ended') + (message && message !== 'session ended' ? ' (' + message + ')' : ''));
  $('email').focus();
}

async function onSignOut() {
  state.leaving = true;
  reset();
  await signOut(state.auth).catch(() => {});
  state.leaving = false;
  history.replaceState(null, '', location.pathname); // the next person starts from their own defaults
  showSignIn('');
}

function onAuthChange(user) {
  if (user) {
    if (state.uid !== user.uid) enter(user);
    return;
  }
  const wasIn = state.uid !== null;
  reset();
  if (!state.leaving) showSignIn(wasIn ? t('session_ended') : '');
}

// -- the dashboard ------------------------------------------------------------------------

async function enter(user) {
  state.uid = user.uid;
  $('signin').hidden = true;
  $('boot').hidden = false;
  $('who').hidden = false; // signing out stays possible whatever happens next
  $('who-name').textContent = user.email || '';
  showAlert('');
  let me;
  try {
    me = await get('/api/dashboard/me');
  } catch (error) {
    $('boot').hidden = true;
    if (!(error instanceof SessionEnded)) {
      $('app').hidden = false;
    }
    return fail(error);
  }
  if (state.uid !== user.uid) return;
  state.me = me;
  $('boot').hidden = true;
  $('who').hidden = false;
  $('who-name').textContent = who(me, user.email);
  $('app').hidden = false;
  $('mine-open').hidden = !me.nip;
  document.title = t('title') + ' – ' + t('app');
  const objections = await offersObjections(me);
  if (state.uid !== user.uid) return;
  const views = VIEWS.filter((v) => me.views.includes(v) || (v === 'objections' && objections));
  state.views = views;
  buildTabs(views);
  const wanted = query().get('view');
  showViews();
  if (wanted === 'preferences') return openPreferences();
  if (wanted === 'mine' && me.nip) return openMine();
  if (!views.length) return;
  if (state.target) {
    const first = viewsFor(state.target, views)[0];
    if (first) return select(first, false);
    state.target.done = true;
    showAlert(t('target_missing_' + state.target.type));
  }
  const preferred = me.role === 'inspektorat' ? 'investigations' : views.includes('unit') ? 'unit' : views[0];
  select(views.includes(wanted) ? wanted : views.includes(preferred) ? preferred : views[0], false);
}

/** The "Keberatan" view: for BKPSDM, for a link to an objection, and for a supervisor or unit
 * head with objections to decide (the API's list says; one short read at sign-in). */
async function offersObjections(me) {
  if (me.role === 'admin' || (state.target && state.target.type === 'objection')) return true;
  if (!me.nip || !(me.supervises || me.heads.length)) return false;
  try {
    return (await get('/api/objections?scope=to_decide&limit=1')).objections.length > 0;
  } catch {
    return false; // the dashboard opens without it
  }
}

/** The data views (and their controls) on screen, the preferences and the ASN's own view off. */
function showViews() {
  const views = state.views;
  state.prefsOpen = false;
  $('prefs').hidden = true;
  $('prefs-open').setAttribute('aria-expanded', 'false');
  state.mineOpen = false;
  $('mine').hidden = true;
  $('mine-open').setAttribute('aria-expanded', 'false');
  $('nothing').hidden = views.length > 0;
  $('controls').hidden = views.length === 0;
  $('tabs').hidden = views.length < 2;
  for (const v of VIEWS) $('panel-' + v).hidden = v !== state.view;
}

/** Everything else off, for the preferences or the ASN's own view. */
function hideViews() {
  for (const v of VIEWS) $('panel-' + v).hidden = true;
  for (const id of ['nothing', 'controls', 'tabs', 'prefs', 'mine']) $(id).hidden = true;
  state.prefsOpen = false;
  state.mineOpen = false;
  $('prefs-open').setAttribute('aria-expanded', 'false');
  $('mine-open').setAttribute('aria-expanded', 'false');
}

async function openMine() {
  hideViews();
  state.mineOpen = true;
  $('mine').hidden = false;
  $('mine-open').setAttribute('aria-expanded', 'true');
  history.replaceState(null, '', location.pathname + '?view=mine');
  showAlert('');
  await drawMine(true);
}

/** The ASN's months and year from the API (fresh), or as last read (another language); the focus
 * goes to the heading, or stays on the year picker when another year was chosen. */
async function drawMine(fresh, fromPicker = false) {
  const thisYear = Number(thisMonth().slice(0, 4));
  const years = [thisYear, thisYear - 1];
  const show = (data) => renderMine($('mine-content'), data, ctx, years, (year) => {
    state.mineYear = year;
    drawMine(true, true);
  });
  if (!fresh && state.mine) return show(state.mine);
  ctx.status(t('loading'));
  $('mine').setAttribute('aria-busy', 'true');
  try {
    const data = await loadMine(state.mineYear || thisYear);
    if (!state.mineOpen) return;
    state.mine = data;
    show(data);
    ctx.status(t('loaded'));
    $('mine-title').setAttribute('tabindex', '-1');
    (fromPicker ? $('mine-content').querySelector('select') : $('mine-title')).focus();
  } catch (error) {
    ctx.status('');
    fail(error);
  } finally {
    $('mine').removeAttribute('aria-busy');
  }
}

async function openPreferences() {
  hideViews();
  state.prefsOpen = true;
  $('prefs').hidden = false;
  $('prefs-open').setAttribute('aria-expanded', 'true');
  history.replaceState(null, '', location.pathname + '?view=preferences');
  showAlert('');
  ctx.status(t('loading'));
  try {
    const data = await loadPreferences();
    if (!state.prefsOpen) return;
    renderPreferences($('prefs-content'), data, ctx, { supervises: state.me.supervises > 0 });
    ctx.status('');
    $('prefs-title').setAttribute('tabindex', '-1');
    $('prefs-title').focus();
  } catch (error) {
    ctx.status('');
    fail(error);
  }
}

function closePreferences() {
  showViews();
  if (state.view) select(state.view, true);
  else if (state.views.length) select(state.views.includes('unit') ? 'unit' : state.views[0], true);
  else history.replaceState(null, '', location.pathname);
}

/** "Name (role)": the account's role, or what the person does (heads a unit, supervises). */
function who(me, email) {
  const role = me.role !== 'asn' ? me.role : me.heads.length ? 'kepala_unit' : me.supervises ? 'atasan' : 'asn';
  return (me.name || email) + ' (' + label('role', role) + ')';
}

function buildTabs(views) {
  const tabs = $('tabs');
  tabs.replaceChildren(...views.map((view) => h('button', {
    type: 'button', role: 'tab', id: 'tab-' + view, 'aria-controls': 'panel-' + view, 'aria-selected': 'false', tabindex: '-1', 'data-view': view,
    text: t('view_' + view),
  })));
}

function onTabKey(event) {
  const tabs = [...$('tabs').querySelectorAll('[role=tab]')];
  const i = tabs.indexOf(document.activeElement);
  if (i < 0) return;
  const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
  if (next === undefined) return;
  event.preventDefault();
  const tab = tabs[(next + tabs.length) % tabs.length];
  tab.focus();
  select(tab.dataset.view, false);
}

function select(view, focus) {
  state.view = view;
  for (const v of VIEWS) {
    const tab = $('tab-' + v);
    if (tab) {
      tab.setAttribute('aria-selected', String(v === view));
      tab.tabIndex = v === view ? 0 : -1;
    }
    $('panel-' + v).hidden = v !== view;
  }
  if (focus) $('tab-' + view)?.focus();
  $('period').disabled = PERIODLESS.includes(view);
  load(false);
}

function remember() {
  const query = new URLSearchParams({ view: state.view, period: state.period });
  if (state.view === 'unit' && state.unitId) query.set('unit', state.unitId);
  history.replaceState(null, '', location.pathname + '?' + query);
}

async function load(force) {
  const view = state.view;
  if (!view) return;
  const ticket = ++state.ticket;
  const panel = $('panel-' + view);
  showAlert('');
  try {
    if (view === 'unit') await ensureUnits();
    if (ticket !== state.ticket) return;
    const key = view === 'unit' ? state.unitId + '|' + state.period : PERIODLESS.includes(view) ? 'all' : state.period;
    remember();
    const cached = state.cache[view];
    if (!force && cached && cached.key === key) return draw(view, cached.data);
    if (view === 'unit' && !state.unitId) return;
    panel.setAttribute('aria-busy', 'true');
    ctx.status(t('loading'));
    const data = view === 'team' ? await loadTeam(state.period)
      : view === 'unit' ? await loadUnit(state.unitId, state.period)
        : view === 'runs' ? await loadRuns(state.period)
          : view === 'objections' ? await loadObjections()
            : await loadInvestigations();
    if (ticket !== state.ticket) return;
    state.cache[view] = { key, data };
    if (view === 'unit') {
      state.unitNames[data.unit_id] = data.unit_name;
      state.shownUnit = data.unit_id;
    }
    if (view === 'investigations') Object.assign(state.unitNames, data.unit_names || {});
    draw(view, data);
    ctx.status(t('loaded'));
  } catch (error) {
    if (ticket === state.ticket) {
      ctx.status('');
      fail(error);
      if (view === 'unit' && error instanceof ApiError && error.status === 404 && state.shownUnit && state.shownUnit !== state.unitId) {
        state.unitId = state.shownUnit; // the message stays; the picker goes back to what is on screen
        fillUnitPicker();
        remember();
      }
    }
  } finally {
    if (ticket === state.ticket) panel.removeAttribute('aria-busy');
  }
}

function draw(view, data) {
  if (view === 'team') renderTeam($('panel-team'), data, ctx);
  else if (view === 'unit') renderUnit($('unit-content'), data, ctx);
  else if (view === 'runs') renderRuns($('panel-runs'), data, state.period, ctx);
  else if (view === 'objections') renderObjections($('panel-objections'), data, ctx, state.target && state.target.type === 'objection' ? state.target : null);
  else renderInvestigations($('panel-investigations'), data, ctx);
  if (state.target && !state.target.done) follow(view);
}

/** A link pointed at an item: show it in this view, or try the next view that may show it. */
async function follow(view) {
  const target = state.target;
  const panel = $('panel-' + view);
  if (reveal(panel, target)) {
    target.done = true;
    if (target.type === 'report') await showReport(panel, target, ctx).catch(fail);
    return;
  }
  target.tried.push(view);
  const next = viewsFor(target, state.views)[0];
  if (!next) {
    target.done = true;
    showAlert(t('target_missing_' + target.type));
    return;
  }
  if (next === 'unit' && target.unit) useUnit(target.unit);
  select(next, false);
}

function useUnit(id) {
  if (!state.unitOptions.length && !state.unitFree) return; // not loaded yet: ensureUnits reads the link's unit
  if (state.unitFree ? UNIT_ID.test(id) : state.unitOptions.some((o) => o.id === id)) {
    state.unitId = id;
    fillUnitPicker();
  }
}

/** Which units the person may pick: BKPSDM all of them, the inspectorate any (typed, or from
 * its investigations), a unit head the units they head. */
async function ensureUnits() {
  if (state.unitOptions.length || state.unitFree) return;
  const me = state.me;
  // /api/dashboard/me lists the units this person may open, with their names.
  const options = (me.units || me.heads.map((id) => ({ id, name: id }))).map((u) => ({ id: u.id, name: u.name }));
  for (const u of options) state.unitNames[u.id] = u.name;
  state.unitFree = me.role === 'inspektorat';
  state.unitOptions = options;
  const wanted = query().get('unit') || (state.target && state.target.unit);
  state.unitId = options.some((o) => o.id === wanted) || (state.unitFree && wanted && UNIT_ID.test(wanted)) ? wanted
    : (me.heads[0] && options.some((o) => o.id === me.heads[0]) ? me.heads[0] : options[0] && options[0].id) || null;
  fillUnitPicker();
}

function fillUnitPicker() {
  const select = $('unit-select');
  select.replaceChildren(...state.unitOptions.map((o) => h('option', { value: o.id, text: state.unitNames[o.id] || o.name })));
  if (state.unitId && !state.unitOptions.some((o) => o.id === state.unitId)) select.append(h('option', { value: state.unitId, text: state.unitId }));
  select.value = state.unitId || '';
  $('unit-select-field').hidden = !state.unitOptions.length;
  $('unit-other-field').hidden = !state.unitFree;
  $('unit-picker').hidden = state.unitOptions.length < 2 && !state.unitFree;
}

function onUnitPicked(event) {
  event.preventDefault();
  const other = $('unit-other').value.trim().toLowerCase();
  if (event.type === 'submit' && other) {
    if (!UNIT_ID.test(other)) {
      showAlert(t('unit_unknown'));
      $('unit-other').focus();
      return;
    }
    state.unitId = other;
    $('unit-other').value = '';
    fillUnitPicker();
  } else {
    state.unitId = $('unit-select').value;
  }
  load(false);
}

// -- period and language ------------------------------------------------------------------

function fillPeriods() {
  const select = $('period');
  const months = lastMonths(13);
  const wanted = query().get('period');
  if (wanted && /^\d{4}-\d{2}$/.test(wanted) && !months.includes(wanted) && wanted < months[0]) months.push(wanted);
  select.replaceChildren(...months.map((m, i) => h('option', { value: m, text: periodName(m, lang()) + (i === 0 ? ' (' + t('this_month') + ')' : '') })));
  if (wanted && months.includes(wanted)) state.period = wanted;
  select.value = state.period;
}

function applyLanguage(value) {
  setLanguage(value);
  try {
    localStorage.setItem('pantau.lang', lang());
  } catch {
    /* private mode */
  }
  translatePage();
  $('lang').value = lang();
  fillPeriods();
  for (const view of VIEWS) {
    const tab = $('tab-' + view);
    if (tab) tab.textContent = t('view_' + view);
  }
  if (state.me) {
    $('who-name').textContent = who(state.me, '');
    document.title = t('title') + ' – ' + t('app');
  }
  fillUnitPicker();
  const cached = state.view && state.cache[state.view];
  if (cached) draw(state.view, cached.data);
  if (state.prefsOpen && state.me) openPreferences();
  if (state.mineOpen && state.me) drawMine(false);
}

// -- start --------------------------------------------------------------------------------

async function boot() {
  let saved = null;
  try {
    saved = localStorage.getItem('pantau.lang');
  } catch {
    /* private mode */
  }
  applyLanguage(query().get('lang') || saved || 'id');
  state.target = readTarget(query()); // read before the dashboard rewrites the address
  $('lang').addEventListener('change', (e) => applyLanguage(e.target.value));
  $('signin-form').addEventListener('submit', onSignIn);
  $('signout').addEventListener('click', onSignOut);
  $('prefs-open').addEventListener('click', () => (state.prefsOpen ? closePreferences() : openPreferences()));
  $('prefs-close').addEventListener('click', closePreferences);
  $('mine-open').addEventListener('click', () => (state.mineOpen ? closePreferences() : openMine()));
  $('mine-close').addEventListener('click', closePreferences);
  $('tabs').addEventListener('click', (e) => {
    const tab = e.target.closest('[role=tab]');
    if (tab) select(tab.dataset.view, true);
  });
  $('tabs').addEventListener('keydown', onTabKey);
  $('controls').addEventListener('submit', (e) => {
    e.preventDefault();
    if (!state.me && state.auth.currentUser) {
      state.uid = null; // /api/dashboard/me failed before: start again
      onAuthChange(state.auth.currentUser);
    } else load(true);
  });
  $('period').addEventListener('change', (e) => { state.period = e.target.value; load(false); });
  $('unit-picker').addEventListener('submit', onUnitPicked);
  $('unit-select').addEventListener('change', onUnitPicked);

  let config;
  try {
    const response = await fetch('/__/firebase/init.json');
    if (!response.ok) throw new Error('HTTP ' + response.status);
    config = await response.json();
  } catch {
    $('boot').hidden = true;
    showAlert(t('config_failed'));
    return;
  }
  const { authEmulatorHost, ...options } = config;
  const app = initializeApp(options);
  state.auth = initializeAuth(app, { persistence: browserSessionPersistence });
  if (authEmulatorHost) connectAuthEmulator(state.auth, authEmulatorHost, { disableWarnings: true });
  useTokens(async (force) => {
    const user = state.auth.currentUser;
    if (!user) throw new SessionEnded();
    try {
      return await getIdToken(user, force);
    } catch (error) {
      if (error && error.code === 'auth/network-request-failed') throw new NetworkError(error.code);
      throw new SessionEnded();
    }
  });
  onAuthStateChanged(state.auth, onAuthChange);
}

boot();
