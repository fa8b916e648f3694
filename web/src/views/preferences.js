/* My notification preferences (GET/PUT /api/me/preferences), the page every e-mail's
 * List-Unsubscribe and footer link to (/dashboard?view=preferences): per kind, push and
 * e-mail at once or in one daily digest; push and e-mail on or off; the language. */
import { get, put } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';

const KINDS = ['report_submitted', 'report_reviewed', 'finding_opened'];
const MODES = ['immediate', 'daily'];

export function loadPreferences() {
  return get('/api/me/preferences');
}

function choice(kind, data) {
  const name = 'mode-' + kind;
  return h('fieldset', { class: 'choice', id: 'pref-' + kind },
    h('legend', { text: t('pref_' + kind) }),
    h('p', { class: 'hint', text: t('pref_' + kind + '_hint') }),
    MODES.map((mode) => h('label', { class: 'radio' },
      h('input', { type: 'radio', name, value: mode, checked: data.modes[kind] === mode }),
      ' ' + t('mode_' + mode) + (data.defaults[kind] === mode ? ' (' + t('default') + ')' : ''))));
}

export function renderPreferences(panel, data, ctx, { supervises }) {
  const kinds = KINDS.filter((k) => k !== 'report_submitted' || supervises || data.modes[k] !== data.defaults[k]);
  const form = h('form', { class: 'card prefs', id: 'prefs-form', novalidate: true },
    h('p', { text: t('prefs_intro') }),
    kinds.map((k) => choice(k, data)),
    h('fieldset', { class: 'choice', id: 'pref-channels' },
      h('legend', { text: t('pref_channels') }),
      h('p', { class: 'hint', text: t('pref_channels_hint') }),
      ['push', 'email'].map((c) => h('label', { class: 'radio' },
        h('input', { type: 'checkbox', name: 'channel', value: c, checked: !data.opt_out.includes(c) }), ' ' + t('channel_' + c)))),
    h('div', { class: 'field' },
      h('label', { for: 'pref-language', text: t('pref_language') }),
      h('select', { id: 'pref-language' },
        h('option', { value: '', text: t('pref_language_record'), selected: !data.language }),
        h('option', { value: 'id', lang: 'id', text: 'Bahasa Indonesia', selected: data.language === 'id' }),
        h('option', { value: 'en', lang: 'en', text: 'English', selected: data.language === 'en' }))),
    h('button', { type: 'submit', class: 'submit', id: 'prefs-save', text: t('save') }),
    h('p', { id: 'prefs-saved', class: 'hint', role: 'status', 'aria-live': 'polite' }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const modes = {};
    for (const kind of KINDS) {
      const picked = form.querySelector(`input[name="mode-${kind}"]:checked`);
      const value = picked ? picked.value : data.modes[kind];
      modes[kind] = value === data.defaults[kind] ? null : value; // the role's default stays a default
    }
    const on = [...form.querySelectorAll('input[name=channel]:checked')].map((i) => i.value);
    const body = { language: form.querySelector('#pref-language').value || null, opt_out: ['push', 'email'].filter((c) => !on.includes(c)), modes };
    const button = form.querySelector('#prefs-save');
    button.setAttribute('aria-disabled', 'true');
    try {
      Object.assign(data, await put('/api/me/preferences', body));
      form.querySelector('#prefs-saved').textContent = t('prefs_saved');
    } catch (error) {
      ctx.fail(error);
    } finally {
      button.removeAttribute('aria-disabled');
    }
  });
  panel.replaceChildren(h('div', { class: 'view-head' }, h('h2', { id: 'prefs-title', text: t('prefs_title') })), form);
}
