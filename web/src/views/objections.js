/* Keberatan (objections) in the dashboard, through the API of issue 17:
 *   the ASN, "Kinerja saya"   GET /api/me/performance: each month's (and the year's) predikat; while
 *                             the API gives objection_until, "Ajukan keberatan" and its form
 *                             (POST /api/objections); once filed, the objection's status and outcome
 *   the decider, "Keberatan"  GET /api/objections?scope=to_decide, each with both sides
 *                             (GET /api/objections/{id}) and the decision form (.../decision)
 *   the rater                 the same card, from the e-mail's link (?objection=ID), with the
 *                             response form (.../response)
 * The window, who may decide and what a decision needs are the API's to say: the page offers what
 * the API's answers allow and shows what it refuses, next to the field it is about.
 */
import { get, post } from '../api.js';
import { h, table } from '../dom.js';
import { DASH, formatDate, formatDateTime, periodName } from '../format.js';
import { label, lang, t } from '../i18n.js';
import { alertBox, field, onSubmit, uid } from './actions.js';
import { badge, dueDate, section } from './common.js';

const RATINGS = ['di_atas_ekspektasi', 'sesuai_ekspektasi', 'di_bawah_ekspektasi'];
const VERDICTS = ['upheld', 'partly_upheld', 'rejected'];

const periodText = (period, l) => (period.length === 4 ? t('obj_year', { year: period }) : periodName(period, l));

// -- the ASN's own view --------------------------------------------------------------------

export function loadMine(year) {
  return get('/api/me/performance?year=' + encodeURIComponent(year));
}

/** An objection's state in words: filed, answered by the rater, or decided and how. */
export function outcome(summary) {
  const l = lang();
  const parts = [h('span', { class: 'obj-status', 'data-status': summary.status }, badge(t('obj_status_' + summary.status), summary.status === 'decided' ? null : 'warn'))];
  const d = summary.decision;
  if (d) {
    parts.push(h('span', { class: 'obj-outcome', text: ' ' + t('obj_outcome', {
      decision: label('verdict', d.decision), predikat: label('predikat', d.predikat),
      original: label('predikat', summary.original.predikat), date: formatDate(d.at, l) }) }));
    parts.push(h('span', { class: 'obj-reason' }, ' ' + t('obj_decision_reason') + ': ' + d.reason));
  } else {
    parts.push(' ', h('span', { class: 'hint' }, t('obj_due') + ': ', dueDate(summary.due, false)));
  }
  return h('div', { class: 'obj-summary' }, ...parts);
}

function objectCell(period, summary, until, open) {
  if (summary) return outcome(summary);
  if (!until) return DASH;
  const button = h('button', { type: 'button', class: 'secondary', 'data-object': period, 'aria-expanded': 'false', 'aria-controls': 'mine-objection' },
    t('obj_file_button'));
  button.addEventListener('click', () => open(period, button));
  return h('div', {}, button, h('p', { class: 'hint', text: t('obj_until', { date: formatDate(until, lang()) }) }));
}

/** years: the ones to choose from, newest first; onYear(year) shows another. */
export function renderMine(panel, data, ctx, years, onYear) {
  const l = lang();
  const yearId = uid('mine-year');
  const picker = h('select', { id: yearId }, years.map((y) => h('option', { value: String(y), text: String(y) })));
  picker.value = String(data.year);
  picker.addEventListener('change', () => onYear(Number(picker.value)));
  const holder = h('div', { id: 'mine-objection' });
  let opener = null;
  const open = (period, button) => {
    if (opener) opener.setAttribute('aria-expanded', 'false');
    opener = button;
    button.setAttribute('aria-expanded', 'true');
    holder.replaceChildren(objectionForm(period, ctx, () => {
      holder.replaceChildren();
      button.setAttribute('aria-expanded', 'false');
      button.focus();
    }));
    holder.querySelector('textarea').focus();
  };
  const scored = data.months.filter((m) => m.predikat || m.objection);
  const months = table({
    id: 'mine-months',
    caption: t('mine_months', { year: data.year }),
    columns: [{ label: t('period') }, { label: t('state') }, { label: t('predikat') }, { label: t('obj_title') }],
    rows: [...data.months].reverse().map((m) => ({ attrs: { 'data-period': m.period },
      cells: [periodName(m.period, l), t('month_state_' + m.state), m.predikat ? label('predikat', m.predikat) : label('outcome', m.outcome),
        objectCell(m.period, m.objection, m.objection_until, open)] })),
    empty: t('none'),
  });
  const annual = data.annual;
  const year = annual && (annual.predikat || annual.objection)
    ? section(t('obj_year', { year: data.year }),
      h('div', { id: 'mine-annual', 'data-period': String(data.year) },
        h('p', { text: t('predikat') + ': ' + label('predikat', annual.predikat) }),
        objectCell(String(data.year), annual.objection, data.annual_objection_until, open)))
    : null;
  panel.replaceChildren(
    h('div', { class: 'view-head' }, h('h2', { id: 'mine-title', text: t('mine_title', { name: data.name, year: data.year }) }),
      h('div', { class: 'field' }, h('label', { for: yearId, text: t('year') }), picker)),
    h('p', { class: 'hint', text: scored.length ? t('obj_intro') : t('mine_none_scored') }),
    months, year, holder);
}

function linksOf(text) {
  return text.split(/\s+/).map((s) => s.trim()).filter(Boolean);
}

function objectionForm(period, ctx, close) {
  const l = lang();
  const form = h('form', { class: 'card action-form', id: 'objection-form', 'data-period': period, novalidate: true },
    h('fieldset', {},
      h('legend', { text: t('obj_form_title', { period: periodText(period, l) }) }),
      alertBox(),
      field('reason', t('obj_reason'), t('obj_reason_hint'), { rows: 5, maxlength: '2000' }),
      field('evidence', t('obj_evidence'), t('obj_evidence_hint'), { rows: 3, maxlength: '40000' }),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', text: t('obj_send') }),
        h('button', { type: 'button', class: 'secondary', 'data-cancel': '', text: t('cancel') }))));
  form.querySelector('[data-cancel]').addEventListener('click', close);
  onSubmit(form, ctx, async () => {
    const value = (name) => form.querySelector(`[name=${name}]`).value.trim();
    const filed = await post('/api/objections', { period, reason: value('reason'), evidence: linksOf(value('evidence')) });
    await ctx.reload(t('obj_filed', { period: periodText(period, l), date: formatDate(filed.due, l) }));
  });
  return form;
}

// -- the decider's list, both sides, the response and the decision ---------------------------

export function loadObjections() {
  return get('/api/objections?scope=to_decide&limit=100');
}

/** Whether the page offers the decision form (the API decides: 403 for anyone else). */
function mayDecide(item, me) {
  if (!me || [item.nip, item.rater_nip].includes(me.nip)) return false;
  return item.decider === 'role:admin' ? me.role === 'admin' : me.nip === item.decider_nip;
}

export function renderObjections(panel, data, ctx, target) {
  const l = lang();
  const detail = h('div', { id: 'objection-detail' });
  const show = async (id, button) => {
    ctx.status(t('loading'));
    try {
      const view = await get('/api/objections/' + encodeURIComponent(id));
      detail.replaceChildren(objectionCard(view, ctx, button));
      ctx.status(t('obj_shown', { name: view.objection.name, period: periodText(view.objection.period, l) }));
      const card = detail.firstChild;
      card.scrollIntoView({ block: 'start' });
      card.focus({ preventScroll: true });
    } catch (error) {
      ctx.status('');
      ctx.fail(error);
    }
  };
  const list = data.objections;
  panel.replaceChildren(
    h('div', { class: 'view-head' }, h('h2', { text: t('obj_list_title') })),
    h('p', { class: 'hint', text: t('obj_list_hint') }),
    table({
      id: 'objections-table',
      caption: t('obj_list_caption'),
      columns: [{ label: t('obj_employee') }, { label: t('period') }, { label: t('status') }, { label: t('due') }, { label: t('obj_open_col') }],
      rows: list.map((o) => {
        const button = h('button', { type: 'button', class: 'secondary', 'data-open': o.id, 'aria-controls': 'objection-detail',
          'aria-label': t('obj_open_named', { name: o.name, period: periodText(o.period, l) }) }, t('obj_open'));
        button.addEventListener('click', () => show(o.id, button));
        return { attrs: { 'data-objection': o.id },
          cells: [o.name, periodText(o.period, l), t('obj_status_' + o.status), o.open ? dueDate(o.due, o.overdue) : DASH, button] };
      }),
      empty: t('obj_list_empty'),
    }),
    detail);
  if (target && !target.done) {
    target.done = true;
    show(target.id, null);
  }
}

function ratingsText(r) {
  return t('obj_ratings', { hk: label('rating', r.hasil_kerja), pk: label('rating', r.perilaku_kerja), predikat: label('predikat', r.predikat) });
}

function objectionCard(view, ctx, opener) {
  const l = lang();
  const o = view.objection;
  const me = ctx.me();
  const titleId = uid('obj-title');
  const side = (title, ...children) => h('section', { class: 'block' }, h('h4', { text: title }), ...children);
  const evidence = o.evidence.length
    ? h('ul', {}, o.evidence.map((url, i) => h('li', {}, h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', class: 'evidence' }, t('evidence_n', { n: i + 1 }) + ': ' + url))))
    : h('p', { class: 'meta', text: t('evidence') + ': ' + DASH });
  const report = view.report;
  const review = view.review;
  const card = h('article', { class: 'item card', id: 'objection-card', 'data-objection': o.id, tabindex: '-1', 'aria-labelledby': titleId },
    h('h3', { id: titleId, text: t('obj_card_title', { name: o.name, period: periodText(o.period, l) }) }),
    h('p', { class: 'meta', text: [t('obj_status_' + o.status), t('obj_filed_at') + ': ' + formatDateTime(o.filed_at, l),
      o.open ? t('obj_due') + ': ' + formatDate(o.due, l) + (o.overdue ? ' (' + t('overdue') + ')' : '') : null].filter(Boolean).join(' · ') }),
    h('p', {}, h('strong', { text: t('obj_original') + ': ' }), ratingsText(o.original)),
    side(t('obj_side_asn'), h('p', { class: 'narrative obj-asn-reason', text: o.reason }), evidence),
    side(t('obj_side_rater'),
      report ? h('p', { class: 'narrative' }, h('strong', { text: t('obj_report') + ': ' }), report.content.narrative) : null,
      review && review.feedback ? h('p', {}, h('strong', { text: t('obj_feedback') + ': ' }), review.feedback) : null,
      h('p', { class: 'obj-response' }, h('strong', { text: t('obj_response') + ': ' }), o.response ? o.response.text : t('obj_no_response'))),
    o.decision ? side(t('obj_decision'), outcome(o)) : null);
  if (o.open && me && me.nip && me.nip === o.rater_nip && !o.response) card.append(responseForm(o, ctx));
  if (o.open && mayDecide(o, me)) card.append(decisionForm(o, ctx));
  if (opener) {
    const back = h('button', { type: 'button', class: 'secondary', text: t('obj_close') });
    back.addEventListener('click', () => {
      card.remove();
      if (opener.isConnected) opener.focus();
    });
    card.append(h('div', { class: 'actions' }, back));
  }
  return card;
}

function responseForm(o, ctx) {
  const form = h('form', { class: 'action-form', id: 'objection-response-form', novalidate: true },
    h('fieldset', {},
      h('legend', { text: t('obj_respond_title') }),
      alertBox(),
      field('response', t('obj_response_label'), t('obj_response_hint'), { rows: 4, maxlength: '2000' }),
      h('button', { type: 'submit', text: t('obj_respond') })));
  onSubmit(form, ctx, async () => {
    await post('/api/objections/' + encodeURIComponent(o.id) + '/response', { response: form.querySelector('[name=response]').value.trim() });
    await ctx.reload(t('obj_responded', { name: o.name }));
  });
  return form;
}

function ratingSelect(name, text) {
  const id = uid('obj-' + name);
  return h('div', { class: 'field' },
    h('label', { for: id, text }),
    h('select', { id, name, 'aria-describedby': id + '-hint ' + id + '-err' },
      h('option', { value: '', text: t('obj_unchanged') }),
      RATINGS.map((r) => h('option', { value: r, text: label('rating', r) }))),
    h('p', { class: 'hint', id: id + '-hint', text: t('obj_rating_hint') }),
    h('p', { class: 'err', id: id + '-err' }));
}

function decisionForm(o, ctx) {
  const l = lang();
  const group = uid('obj-decision');
  const radios = VERDICTS.map((v, i) => {
    const id = i === 0 ? group : group + '-' + v;
    return h('label', { class: 'choice', for: id },
      h('input', { type: 'radio', id, name: 'decision', value: v, 'aria-describedby': group + '-err' }),
      h('span', { text: label('verdict', v) }));
  });
  const form = h('form', { class: 'action-form', id: 'objection-decision-form', novalidate: true },
    h('fieldset', {},
      h('legend', { text: t('obj_decide_title') }),
      alertBox(),
      h('fieldset', { class: 'verdicts' }, h('legend', { text: t('obj_decision') }), ...radios, h('p', { class: 'err', id: group + '-err' })),
      ratingSelect('hasil_kerja', t('obj_new_hk')),
      ratingSelect('perilaku_kerja', t('obj_new_pk')),
      field('reason', t('obj_decision_reason'), t('obj_decision_reason_hint'), { rows: 4, maxlength: '2000' }),
      h('button', { type: 'submit', text: t('obj_decide') })));
  onSubmit(form, ctx, async () => {
    const chosen = form.querySelector('[name=decision]:checked');
    const body = { decision: chosen ? chosen.value : '', reason: form.querySelector('[name=reason]').value.trim() };
    for (const name of ['hasil_kerja', 'perilaku_kerja']) {
      const value = form.querySelector(`[name=${name}]`).value;
      if (value) body[name] = value;
    }
    const decided = await post('/api/objections/' + encodeURIComponent(o.id) + '/decision', body);
    await ctx.reload(t('obj_decided', { name: o.name, period: periodText(o.period, l), decision: label('verdict', decided.decision.decision),
      predikat: label('predikat', decided.decision.predikat) }));
  });
  return form;
}
