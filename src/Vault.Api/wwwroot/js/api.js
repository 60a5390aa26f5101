// The one door to Vault's REST API (ARCHITECTURE.md "HTTP contract"): adds the key, turns problem details into ApiError.
const storageKey = 'vault.apiKey';

export const session = {
  get key() { return sessionStorage.getItem(storageKey); },
  signIn(key) { sessionStorage.setItem(storageKey, key); },
  signOut() { sessionStorage.removeItem(storageKey); },
};

/** An API failure in plain words; fieldErrors maps camelCase request fields to their messages. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(plainMessage(status, problem));
    this.status = status;
    this.problem = problem ?? {};
    this.fieldErrors = normaliseFieldErrors(this.problem.errors);
    this.position = Number.isInteger(this.problem.position) ? this.problem.position : null;
  }
}

function plainMessage(status, problem) {
  if (status === 0) return 'Vault could not be reached. Check that it is running and that this computer can reach it.';
  if (status === 401) return 'Vault did not accept the API key. Sign in again with the key Vault printed at its first start.';
  if (problem?.detail) return problem.detail;
  if (problem?.errors) return 'Some fields need attention.';
  if (status === 404) return 'Vault does not know this item (it may have been deleted).';
  if (status >= 500) return `Vault hit an internal error (HTTP ${status}). Its log has the details.`;
  if (problem?.title) return problem.title;
  return `Vault answered HTTP ${status}.`;
}

function normaliseFieldErrors(errors) {
  const result = {};
  for (const [field, messages] of Object.entries(errors ?? {})) {
    // ASP.NET sometimes names fields "Host" or "$.host"; the form uses camelCase request names.
    const name = field.replace(/^\$\./, '');
    const camel = name.charAt(0).toLowerCase() + name.slice(1);
    result[camel] = Array.isArray(messages) ? messages : [String(messages)];
  }
  return result;
}

/** Listeners told when the API answers 401, so the app can show the sign-in view. */
const unauthorizedListeners = new Set();
export function onUnauthorized(listener) { unauthorizedListeners.add(listener); }

/** A body is sent as JSON, unless a contentType is given: then it is sent as it is (a CSV text, say). */
async function send(method, path, body, key = session.key, contentType = null) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers['Content-Type'] = contentType ?? 'application/json';
  const payload = body === undefined ? undefined : contentType ? body : JSON.stringify(body);
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload, cache: 'no-store' });
  } catch {
    throw new ApiError(0, null);
  }
  if (response.ok) return response;
  let problem = null;
  try { problem = await response.json(); } catch { /* not JSON: the status alone explains it */ }
  const error = new ApiError(response.status, problem);
  if (response.status === 401) unauthorizedListeners.forEach(listener => listener(error));
  throw error;
}

export async function api(method, path, body, { contentType = null } = {}) {
  const response = await send(method, path, body, session.key, contentType);
  if (response.status === 204) return null;
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/** True when the key opens /api; used by the sign-in form before the key is kept. */
export async function checkKey(key) {
  try {
    await send('GET', '/api/', undefined, key);
    return true;
  } catch (error) {
    if (error.status === 401) return false;
    throw error;
  }
}

/**
 * Downloads need the Authorization header, which a plain link cannot send: fetch the bytes as a blob and save it
 * through a temporary object URL.
 */
export async function download(path, fileName) {
  const response = await send('GET', path);
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Exports can be gigabytes: the page asks for a single-use download link (with the key in the Authorization header)
 * and lets the browser download it natively, streaming to disk with its own progress. The key never goes into a URL.
 */
export async function downloadExport(linkPath) {
  const { url } = await api('POST', linkPath);
  const link = document.createElement('a');
  link.href = url;
  link.download = '';
  document.body.append(link);
  link.click();
  link.remove();
}

/** multipart upload with progress (fetch has no upload progress); resolves with the parsed answer or rejects with ApiError. */
export function upload(path, form, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', path);
    request.setRequestHeader('Authorization', `Bearer ${session.key}`);
    request.setRequestHeader('Accept', 'application/json, application/problem+json');
    request.upload.addEventListener('progress', event => { if (event.lengthComputable) onProgress(event.loaded, event.total); });
    request.addEventListener('load', () => {
      let body = null;
      try { body = JSON.parse(request.responseText); } catch { /* not JSON: the status explains it */ }
      if (request.status >= 200 && request.status < 300) resolve(body);
      else {
        const error = new ApiError(request.status, body);
        if (request.status === 401) unauthorizedListeners.forEach(listener => listener(error));
        reject(error);
      }
    });
    request.addEventListener('error', () => reject(new ApiError(0, null)));
    request.send(form);
  });
}
