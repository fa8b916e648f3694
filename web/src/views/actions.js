/* Acting where one looks: the forms that move things along, each through the existing API.
 *   a finding's owner       PATCH /api/findings/{id}          in progress; done with a note
 *   the inspectorate        PATCH /api/investigations/{id}    status, a note, the findings
 *   BKPSDM                  POST /api/admin/scoring-runs      then GET .../{run_id} until it ends
 * The API checks everything (who may, which move, what is required) and answers in the page's
 * language (Accept-Language): its message goes above the form, each field's problem under the
 * field, and the focus moves to the first one. Nothing is checked here that the API would not.
 */
import { ApiError, get, patch, post } from '../api.js';
import { h } from '../dom.js';
import { formatCount, formatDateTime, periodName } from '../format.js';
import { label, lang, t } from '../i18n.js';

let serial = 0;
export const uid = (prefix) => prefix + '-' + (++serial);

export function field(name, labelText, hint, { rows = 3, value = '', maxlength = name === 'findings' ? '20000' : '5000' } = {}) {
  const id = uid('f-' + name);
  const area = h('textarea', { id, name, rows: String(rows), maxlength,
    'aria-describedby': (hint ? id + '-hint ' : '') + id + '-err' });
  area.value = value;
  return h('div', { class: 'field' },
    h('label', { for: id, text: labelText }),
    hint ? h('p', { class: 'hint', id: id + '-hint', text: hint }) : null,
    area,
    h('p', { class: 'err', id: id + '-err' }));
}

export function clearErrors(form) {
  form.querySelector('.form-alert').replaceChildren();
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    el.classList.remove('invalid');
  }
  for (const el of form.querySelectorAll('.err')) el.textContent = '';
}

/** The API's answer to a refused action, shown in the form; a session or network problem goes to the page. */
export function showError(form, error, ctx) {
  clearErrors(form);
  if (!(error instanceof ApiError)) return ctx.fail(error);
  const box = form.querySelector('.form-alert');
  box.append(h('p', { text: error.message }));
  if (error.requestId) box.append(h('p', { class: 'hint', text: t('request_id') + ': ' + error.requestId }));
  let first = null;
  for (const detail of error.details) {
    const input = form.querySelector(`[name="${CSS.escape(detail.field || '')}"]`);
    if (!input) {
      box.append(h('p', { text: (detail.field ? detail.field + ': ' : '') + detail.message }));
      continue;
    }
    input.setAttribute('aria-invalid', 'true');
    input.classList.add('invalid');
    form.querySelector('#' + CSS.escape(input.id) + '-err').textContent = detail.message;
    first = first || input;
  }
  (first || box).focus();
}

export function busy(form, on) {
  for (const button of form.querySelectorAll('button')) {
    if (on) button.setAttribute('aria-disabled', 'true');
    else button.removeAttribute('aria-disabled');
  }
  form.setAttribute('aria-busy', String(on));
}

/** A form's submit: one at a time (aria-busy), errors cleared first and shown in the form after. */
export function onSubmit(form, ctx, work) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') return;
    busy(form, true);
    clearErrors(form);
    try {
      await work(event);
    } catch (error) {
      showError(form, error, ctx);
    } finally {
      busy(form, false);
    }
  });
}

export function alertBox() {
  return h('div', { class: 'alert form-alert', role: 'alert', tabindex: '-1' });
}

/** Whether the signed-in person is among a finding's owners (BKPSDM's findings: any admin). */
export function ownsFinding(finding, me) {
  return !!me && (finding.owners.includes(me.nip) || (me.role === 'admin' && finding.owners.includes('role:admin')));
}

/** A finding its owner may work: "start" (in progress) and "done" (resolved, with a note). */
export function findingActions(finding, ctx) {
  if (finding.status === 'resolved') return null;
  const note = field('note', t('act_note'), t('act_note_hint'));
  const form = h('form', { class: 'action-form', 'data-finding-form': finding.id, novalidate: true },
    h('fieldset', {},
      h('legend', { text: t('act_finding') }),
      alertBox(),
      note,
      h('div', { class: 'actions' },
        finding.status === 'open' ? h('button', { type: 'submit', class: 'secondary', value: 'in_progress', text: t('act_start') }) : null,
        h('button', { type: 'submit', value: 'resolved', text: t('act_resolve') }))));
  onSubmit(form, ctx, async (event) => {
    const status = (event.submitter && event.submitter.value) || 'resolved';
    const text = form.querySelector('textarea[name=note]').value.trim();
    const updated = await patch('/api/findings/' + encodeURIComponent(finding.id), { status, note: text || null });
    await ctx.reload(t('act_finding_saved', { title: finding.title, status: label('finding_status', updated.status) }));
  });
  return form;
}

const INV_NEXT = { open: ['open', 'in_progress', 'closed'], in_progress: ['in_progress', 'closed'], closed: [] };

/** The inspectorate's form on an investigation's card: the next status, a note, the findings. */
export function investigationActions(item, ctx) {
  const choices = INV_NEXT[item.status] || [];
  if (!choices.length) return null;
  const statusId = uid('inv-status');
  const form = h('form', { class: 'action-form', 'data-investigation-form': item.id, novalidate: true },
    h('fieldset', {},
      h('legend', { text: t('act_investigation') }),
      alertBox(),
      h('div', { class: 'field' },
        h('label', { for: statusId, text: t('status') }),
        h('select', { id: statusId, name: 'status', 'aria-describedby': statusId + '-err' },
          choices.map((s) => h('option', { value: s, text: s === item.status ? t('act_keep', { status: label('inv_status', s) }) : label('inv_status', s) }))),
        h('p', { class: 'err', id: statusId + '-err' })),
      field('note', t('act_inv_note'), t('act_inv_note_hint')),
      field('findings', t('act_inv_findings'), t('act_inv_findings_hint'), { rows: 4, value: item.findings || '' }),
      h('button', { type: 'submit', text: t('save') })));
  onSubmit(form, ctx, async () => {
    const value = (name) => form.querySelector(`[name=${name}]`).value.trim();
    const body = { status: value('status'), note: value('note') || null, findings: value('findings') || null };
    const updated = await patch('/api/investigations/' + encodeURIComponent(item.id), body);
    await ctx.reload(t('act_inv_saved', { id: item.id, status: label('inv_status', updated.status) }));
  });
  return form;
}

/** What happened to an investigation so far: each step with its time, who and the note. */
export function investigationHistory(item) {
  const l = lang();
  const steps = item.history || [];
  if (!steps.length && !item.findings) return null;
  return h('div', { class: 'history' },
    steps.length ? h('ol', { class: 'steps', 'aria-label': t('history') }, steps.map((s) => h('li', {},
      h('strong', { text: label('inv_status', s.status) }), ' · ' + formatDateTime(s.at, l) + ' · ' + s.by + (s.note ? ': ' + s.note : '')))) : null,
    item.findings ? h('p', {}, h('strong', { text: t('act_inv_findings') + ': ' }), item.findings) : null);
}

const POLL_MS = 1000;

/** BKPSDM starts the period's scoring run and watches it: a progress bar, in words too, until it ends. */
export function runStarter(period, ctx) {
  const l = lang();
  const progressId = uid('run-progress');
  const meter = h('progress', { id: progressId, max: '1', value: '0', hidden: true, 'aria-label': t('run_progress_label') });
  const words = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite', id: progressId + '-text' });
  const form = h('form', { class: 'card action-form', id: 'run-start', novalidate: true },
    h('h3', { text: t('run_start_title', { period: periodName(period, l) }) }),
    h('p', { class: 'hint', text: t('run_start_hint') }),
    alertBox(),
    h('button', { type: 'submit', id: 'run-start-button', text: t('run_start', { period: periodName(period, l) }) }),
    meter, words);
  onSubmit(form, ctx, async () => {
    let run = await post('/api/admin/scoring-runs', { period });
    meter.hidden = false;
    for (;;) {
      const total = run.units.length;
      meter.max = Math.max(total, 1);
      meter.value = run.done + run.failed;
      words.textContent = t('run_progress', { done: formatCount(run.done, l), failed: formatCount(run.failed, l), total: formatCount(total, l),
        status: label('run_status', run.status) });
      if (run.status !== 'running' || !form.isConnected) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      if (!form.isConnected) break; // the person went elsewhere: stop asking
      run = await get('/api/admin/scoring-runs/' + encodeURIComponent(run.id));
    }
    if (form.isConnected) {
      busy(form, false);
      await ctx.reload(t('run_finished', { id: run.id, status: label('run_status', run.status) }));
    }
  });
  return form;
}
