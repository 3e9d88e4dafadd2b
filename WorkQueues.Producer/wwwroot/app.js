// The live task page: sends tasks, then follows them through GET /tasks and the /tasks/events stream. Loaded after
// credentials.js, whose $ and api() it uses.
'use strict';

const rows = new Map();
let links = { dashboard: null, managementUi: null };

const say = (text) => { $('message').textContent = text; };

function cell(row, label, className) {
  const td = document.createElement('td');
  td.dataset.label = label;
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

// The Producer numbers each change of a task (revision); a row never goes back to an older one. An answer can arrive
// after the stream brought a later change (a 202 or GET slower than the task), and would show it queued again.
function render(task) {
  let row = rows.get(task.id);
  const revision = task.revision ?? 0;
  if (row && revision < Number(row.dataset.revision)) return;
  if (!row) {
    row = document.createElement('tr');
    row.dataset.id = task.id;
    for (const [label, cls] of [['Task', 'text'], ['State', 'state'], ['Progress'], ['Worker'], ['Attempts'], ['Trace'], ['Cancel']]) cell(row, label, cls);
    rows.set(task.id, row);
    $('tasks').prepend(row);
  }
  row.dataset.revision = revision;
  const [text, state, progress, worker, attempts, trace, cancel] = row.children;
  text.textContent = task.text ?? task.id;
  state.textContent = describeState(task);
  state.className = `state state-${task.state}`;
  const bar = progress.querySelector('progress') ?? progress.appendChild(document.createElement('progress'));
  bar.max = Math.max(task.dots, 1);
  bar.value = task.state === 'completed' ? bar.max : Math.min(task.progressSeconds, bar.max);
  bar.setAttribute('aria-label', `${task.progressSeconds.toFixed(0)} of ${task.dots} seconds`);
  bar.title = `${task.progressSeconds.toFixed(0)} s of ${task.dots} s`;
  worker.textContent = task.worker ?? '—';
  attempts.textContent = task.attempts || '—';
  trace.textContent = '';
  if (links.dashboard && task.traceId) {
    const a = document.createElement('a');
    a.href = `${links.dashboard}/traces/detail/${task.traceId}`;
    a.textContent = 'trace';
    a.setAttribute('aria-label', `Trace of ${task.text ?? task.id} in the dashboard`);
    trace.appendChild(a);
  }
  cancel.textContent = '';
  if (!finished.has(task.state)) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'cancel';
    button.dataset.id = task.id;
    button.textContent = task.cancelRequestedAt ? 'Cancelling…' : 'Cancel';
    button.disabled = Boolean(task.cancelRequestedAt);
    button.setAttribute('aria-label', `Cancel ${task.text ?? task.id}`);
    cancel.appendChild(button);
  }
}

const finished = new Set(['completed', 'dead_lettered', 'cancelled']);

// "scheduled (due 14:03:07)", "retrying: timed out", "running, cancel requested".
function describeState(task) {
  let text = task.state.replace('_', ' ');
  if (task.state === 'scheduled' && task.dueAt) text += ` (due ${new Date(task.dueAt).toLocaleTimeString()})`;
  if (task.error && task.state !== 'completed') text += `: ${task.error}`;
  if (task.cancelRequestedAt && !finished.has(task.state)) text += ', cancel requested';
  return text;
}

// One listener for every row's Cancel button: the page's CSP allows no inline handlers.
$('tasks').addEventListener('click', async (event) => {
  const button = event.target.closest('button.cancel');
  if (!button) return;
  button.disabled = true;
  const response = await api(`/tasks/${encodeURIComponent(button.dataset.id)}`, { method: 'DELETE' });
  const json = await response.json().catch(() => null);
  if (response.status === 202) {
    say('Cancel recorded.');
    button.textContent = 'Cancelling…';
  } else {
    say(`Not cancelled: ${json?.detail ?? response.statusText}`);
    button.disabled = false;
  }
});

async function post(path, body, type) {
  const response = await api(path, { method: 'POST', headers: { 'Content-Type': type }, body });
  const json = await response.json().catch(() => null);
  if (!response.ok) throw new Error(json?.detail ?? json?.title ?? `${response.status} ${response.statusText}`);
  return json;
}

// Shows the tasks as sent, then as the Producer has them.
async function track(accepted, texts) {
  accepted.forEach((t, i) => render({ id: t.id, text: texts[i], state: t.dueAt ? 'scheduled' : 'queued', dueAt: t.dueAt, dots: t.dots, progressSeconds: 0, attempts: 0 }));
  for (const t of accepted) {
    const response = await api(`/tasks/${t.id}`);
    if (response.ok) render(await response.json());
  }
}

// A task is reported once its row shows what GET /tasks/{id} says of it; a failed GET leaves the row as sent, and the
// task is queued all the same.
$('send-one').addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = $('task').value;
  const delay = $('delay').value;
  let accepted;
  try {
    accepted = await post(delay ? `/tasks?delay=${encodeURIComponent(delay)}` : '/tasks', text, 'text/plain');
  } catch (error) { say(`Not queued: ${error.message}`); return; }
  $('task').value = '';
  $('delay').value = '';
  await track([accepted], [text]).catch(() => {});
  say(accepted.dueAt
    ? `Scheduled "${text}" (${accepted.dots} s of work), due ${new Date(accepted.dueAt).toLocaleTimeString()}.`
    : `Queued "${text}" (${accepted.dots} s of work).`);
});

$('send-batch').addEventListener('submit', async (event) => {
  event.preventDefault();
  const texts = $('batch').value.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  if (texts.length === 0) { say('Write at least one task, one a line.'); return; }
  let accepted;
  try {
    accepted = await post('/tasks/batch', JSON.stringify(texts), 'application/json');
  } catch (error) { say(`Not queued: ${error.message}`); return; }
  $('batch').value = '';
  // Said once the rows are shown, not after a GET for each task.
  const tracking = track(accepted, texts);
  say(`Queued ${accepted.length} tasks.`);
  await tracking.catch(() => {});
});

async function refreshQueue() {
  try {
    const response = await api('/queue');
    if (!response.ok) throw new Error(response.statusText);
    const queue = await response.json();
    $('queue').textContent = `Queue: ${queue.ready} waiting, ${queue.consumers} workers`;
  } catch { $('queue').textContent = 'Queue: unknown'; }
}

async function loadRecent() {
  const response = await api('/tasks?limit=50');
  if (!response.ok) return; // a Producer restarting, or refusing: the stream's next reconnect asks again
  (await response.json()).reverse().forEach(render);
}

// A stream that closed is opened again after a pause that doubles up to a minute (an open stream resets it), so pages
// refused at the Producer's stream limit do not all ask again every few seconds.
let retryDelay = 3000;

// EventSource sends no headers, so the stream (and only it) takes the credential in its query string.
function follow() {
  const query = !credential ? '' : `?${credential.scheme === 'Bearer' ? 'access_token' : 'api_key'}=${encodeURIComponent(credential.value)}`;
  const events = new EventSource(`/tasks/events${query}`);
  // Each stream starts afresh: once it is open, catch up on what changed before (revisions make a repeat harmless).
  events.addEventListener('ready', () => { retryDelay = 3000; loadRecent().catch(() => {}); });
  events.addEventListener('task', (event) => render(JSON.parse(event.data)));
  events.addEventListener('error', async () => {
    if (events.readyState !== EventSource.CLOSED) return; // the browser reconnects by itself
    // Asks for the credential again if that is why the stream was refused; whatever it meets, the page follows on.
    try { await loadRecent(); } catch { /* the Producer cannot be reached yet */ } finally {
      setTimeout(follow, retryDelay * (0.8 + Math.random() * 0.4));
      retryDelay = Math.min(retryDelay * 2, 60000);
    }
  });
}

async function start() {
  try {
    links = await (await fetch('/links')).json();
    if (links.managementUi) {
      const a = $('management-link');
      a.href = links.managementUi;
      a.hidden = false;
    }
    await loadRecent(); // asks for the credential first, when the Producer wants one
  } catch { /* the Producer cannot be reached yet: the stream's catch-up fills the table once it can */ }
  follow();
  refreshQueue();
  setInterval(refreshQueue, 2000);
}

start();
