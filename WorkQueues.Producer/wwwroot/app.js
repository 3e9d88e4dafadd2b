// The live task page: sends tasks, then follows them through GET /tasks and the /tasks/events stream.
'use strict';

const rows = new Map();
let links = { dashboard: null, managementUi: null };

const $ = (id) => document.getElementById(id);
const say = (text) => { $('message').textContent = text; };

function cell(row, label, className) {
  const td = document.createElement('td');
  td.dataset.label = label;
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

function render(task) {
  let row = rows.get(task.id);
  if (!row) {
    row = document.createElement('tr');
    row.dataset.id = task.id;
    for (const [label, cls] of [['Task', 'text'], ['State', 'state'], ['Progress'], ['Worker'], ['Attempts'], ['Trace']]) cell(row, label, cls);
    rows.set(task.id, row);
    $('tasks').prepend(row);
  }
  const [text, state, progress, worker, attempts, trace] = row.children;
  text.textContent = task.text ?? task.id;
  state.textContent = task.state.replace('_', ' ');
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
}

async function post(path, body, type) {
  const response = await fetch(path, { method: 'POST', headers: { 'Content-Type': type }, body });
  const json = await response.json().catch(() => null);
  if (!response.ok) throw new Error(json?.detail ?? json?.title ?? `${response.status} ${response.statusText}`);
  return json;
}

async function track(accepted, texts) {
  accepted.forEach((t, i) => render({ id: t.id, text: texts[i], state: 'queued', dots: t.dots, progressSeconds: 0, attempts: 0 }));
  for (const t of accepted) {
    const response = await fetch(`/tasks/${t.id}`);
    if (response.ok) render(await response.json());
  }
}

$('send-one').addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = $('task').value;
  try {
    const accepted = await post('/tasks', text, 'text/plain');
    say(`Queued "${text}" (${accepted.dots} s of work).`);
    $('task').value = '';
    await track([accepted], [text]);
  } catch (error) { say(`Not queued: ${error.message}`); }
});

$('send-batch').addEventListener('submit', async (event) => {
  event.preventDefault();
  const texts = $('batch').value.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  if (texts.length === 0) { say('Write at least one task, one a line.'); return; }
  try {
    const accepted = await post('/tasks/batch', JSON.stringify(texts), 'application/json');
    say(`Queued ${accepted.length} tasks.`);
    $('batch').value = '';
    await track(accepted, texts);
  } catch (error) { say(`Not queued: ${error.message}`); }
});

async function refreshQueue() {
  try {
    const queue = await (await fetch('/queue')).json();
    $('queue').textContent = `Queue: ${queue.ready} waiting, ${queue.consumers} workers`;
  } catch { $('queue').textContent = 'Queue: unknown'; }
}

async function start() {
  links = await (await fetch('/links')).json();
  if (links.managementUi) {
    const a = $('management-link');
    a.href = links.managementUi;
    a.hidden = false;
  }
  const recent = await (await fetch('/tasks?limit=50')).json();
  recent.reverse().forEach(render);
  const events = new EventSource('/tasks/events');
  events.addEventListener('task', (event) => render(JSON.parse(event.data)));
  refreshQueue();
  setInterval(refreshQueue, 2000);
}

start();
