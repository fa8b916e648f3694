/* Setting a password from an invitation: the link carries Firebase's one-time code (oobCode).
 * The code is checked first (it names the account's e-mail), then the new password is set with
 * it; nothing else is sent anywhere. The page's words are Bahasa Indonesia, or English with
 * ?lang=en, as the invitation was written. */
import { initializeApp } from 'firebase/app';
import { confirmPasswordReset, connectAuthEmulator, getAuth, verifyPasswordResetCode } from 'firebase/auth';
import { $ } from './dom.js';

const WORDS = {
  id: {
    expired: 'Tautan undangan ini sudah dipakai atau kedaluwarsa. Minta BKPSDM mengirim undangan baru.',
    short: 'Kata sandi minimal 8 karakter.',
    different: 'Kedua kata sandi tidak sama.',
    weak: 'Kata sandi terlalu lemah. Pakai yang lebih panjang.',
    failed: 'Kata sandi belum tersimpan. Periksa sambungan lalu coba lagi.',
  },
  en: {
    title: 'Set your password', checking: 'Checking the invitation…', for: 'Account for', new: 'New password',
    hint: 'At least 8 characters. Do not reuse a password from another account.', again: 'Repeat the password',
    save: 'Save the password', done: 'Password saved',
    done_text: 'Sign in to the Pantau Kinerja Belawan app with this e-mail address and password. Supervisors, unit heads, BKPSDM and the inspectorate can also sign in on the dashboard.',
    expired: 'This invitation link has been used or has expired. Ask BKPSDM to send a new invitation.',
    short: 'The password needs at least 8 characters.',
    different: 'The two passwords differ.',
    weak: 'The password is too weak. Use a longer one.',
    failed: 'The password was not saved. Check the connection and try again.',
  },
};

const query = new URLSearchParams(location.search);
const lang = query.get('lang') === 'en' ? 'en' : 'id';
const say = (key) => WORDS[lang][key] || WORDS.id[key];

function alertWith(text) {
  const box = $('alert');
  box.textContent = text;
  box.hidden = !text;
}

function inEnglish() {
  if (lang !== 'en') return;
  document.documentElement.lang = 'en';
  document.title = say('title') + ' – Pantau Kinerja Belawan';
  $('title').textContent = say('title');
  $('boot').textContent = say('checking');
  $('for').firstChild.textContent = say('for') + ' ';
  document.querySelector('label[for=password]').textContent = say('new');
  $('password-hint').textContent = say('hint');
  document.querySelector('label[for=again]').textContent = say('again');
  $('save').textContent = say('save');
  $('done').querySelector('h2').textContent = say('done');
  $('done').querySelector('p').textContent = say('done_text');
}

async function boot() {
  inEnglish();
  alertWith('');
  const code = query.get('oobCode');
  const config = await fetch('/__/firebase/init.json').then((r) => r.json()).catch(() => null);
  if (!code || !config) {
    $('boot').hidden = true;
    alertWith(say('expired'));
    return;
  }
  const { authEmulatorHost, ...options } = config;
  const auth = getAuth(initializeApp(options));
  if (authEmulatorHost) connectAuthEmulator(auth, authEmulatorHost, { disableWarnings: true });
  let email;
  try {
    email = await verifyPasswordResetCode(auth, code);
  } catch {
    $('boot').hidden = true;
    alertWith(say('expired'));
    return;
  }
  $('boot').hidden = true;
  $('email').textContent = email;
  $('form').hidden = false;
  $('password').focus();
  $('form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const password = $('password').value;
    if (password.length < 8) return alertWith(say('short'));
    if (password !== $('again').value) return alertWith(say('different'));
    $('save').disabled = true;
    try {
      await confirmPasswordReset(auth, code, password);
      alertWith('');
      $('form').hidden = true;
      $('done').hidden = false;
      $('done').querySelector('h2').focus?.();
    } catch (error) {
      const reason = error && error.code;
      alertWith(reason === 'auth/weak-password' ? say('weak') : reason === 'auth/invalid-action-code' || reason === 'auth/expired-action-code' ? say('expired') : say('failed'));
    } finally {
      $('save').disabled = false;
    }
  });
}

boot();
