/* Calls to the API with the signed-in person's ID token.
 *
 * Errors come back as {"error": {code, message, details, request_id}}; the message is already
 * in the language asked for (Accept-Language). A 401 gets one retry with a freshly minted
 * token; a second 401, or a token that cannot be refreshed, means the session has ended.
 */
import { lang } from './i18n.js';

export class ApiError extends Error {
  constructor(status, error) {
    super((error && error.message) || 'HTTP ' + status);
    this.status = status;
    this.code = error && error.code;
    this.requestId = error && error.request_id;
    this.details = (error && error.details) || [];
  }
}

export class SessionEnded extends Error {
  constructor(message) {
    super(message || 'session ended');
  }
}

export class NetworkError extends Error {}

let tokenSource = null;

/** tokenFor(forceRefresh) -> Promise<string>; it throws SessionEnded when there is no session. */
export function useTokens(tokenFor) {
  tokenSource = tokenFor;
}

async function send(path, token, accept, method = 'GET', body = undefined) {
  const headers = { Authorization: 'Bearer ' + token, Accept: accept, 'Accept-Language': lang() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    return await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new NetworkError(String(e));
  }
}

async function errorOf(response) {
  const body = await response.json().catch(() => null);
  return new ApiError(response.status, body && body.error);
}

/** GET a path; JSON back, or the Response itself with {raw: true} (downloads). */
export function get(path, { raw = false } = {}) {
  return call('GET', path, undefined, raw);
}

/** PUT a JSON body; the JSON answer back. */
export function put(path, body) {
  return call('PUT', path, body, false);
}

/** PATCH a JSON body (move a finding or an investigation along); the JSON answer back. */
export function patch(path, body) {
  return call('PATCH', path, body, false);
}

/** POST a JSON body (start a scoring run); the JSON answer back. */
export function post(path, body) {
  return call('POST', path, body, false);
}

async function call(method, path, body, raw) {
  if (!tokenSource) throw new SessionEnded();
  const accept = raw ? '*/*' : 'application/json';
  let response = await send(path, await tokenSource(false), accept, method, body);
  if (response.status === 401) {
    const first = await errorOf(response);
    let token;
    try {
      token = await tokenSource(true);
    } catch (e) {
      throw e instanceof NetworkError ? e : new SessionEnded(first.message);
    }
    response = await send(path, token, accept, method, body);
    if (response.status === 401) throw new SessionEnded((await errorOf(response)).message);
  }
  if (!response.ok) throw await errorOf(response);
  return raw ? response : response.json();
}

/** Fetch a file with the token and hand it to the browser as a download; returns its name. */
export async function download(path, fallbackName) {
  const response = await get(path, { raw: true });
  const blob = await response.blob();
  const disposition = response.headers.get('Content-Disposition') || '';
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  const name = match ? decodeURIComponent(match[1]) : fallbackName;
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
  return name;
}
