// The page's credential, and api(): fetch with it. Loaded before app.js, which shares these names.
'use strict';

const $ = (id) => document.getElementById(id);

// Credentials: none in Development. Elsewhere the API key (or bearer token) the user gives when a request is refused
// with 401, asked for once, kept for this tab only (sessionStorage) and sent with every request.
const credentialKey = 'workqueues-credential';
let credential = JSON.parse(sessionStorage.getItem(credentialKey) ?? 'null');
let asking = null;

function credentialHeaders() {
  if (!credential) return {};
  return credential.scheme === 'Bearer' ? { Authorization: `Bearer ${credential.value}` } : { 'X-Api-Key': credential.value };
}

function askForCredential(challenge, refused) {
  asking ??= new Promise((resolve) => {
    const scheme = /^Bearer/i.test(challenge ?? '') ? 'Bearer' : 'ApiKey';
    $('key-label').textContent = scheme === 'Bearer' ? 'Access token' : 'API key';
    $('key-hint').textContent = refused ? 'That one was refused; try again.' : 'This Producer asks for a key. It is kept for this tab only.';
    $('key-form').hidden = false;
    $('key').focus();
    $('key-form').addEventListener('submit', (event) => {
      event.preventDefault();
      credential = { scheme, value: $('key').value.trim() };
      sessionStorage.setItem(credentialKey, JSON.stringify(credential));
      $('key').value = '';
      $('key-form').hidden = true;
      asking = null;
      resolve();
    }, { once: true });
  });
  return asking;
}

// fetch, with the credentials; on a 401, asks for them and tries again.
async function api(path, options = {}) {
  for (;;) {
    const refused = credential !== null;
    const response = await fetch(path, { ...options, headers: { ...options.headers, ...credentialHeaders() } });
    if (response.status !== 401) return response;
    credential = null;
    sessionStorage.removeItem(credentialKey);
    await askForCredential(response.headers.get('WWW-Authenticate'), refused);
  }
}
