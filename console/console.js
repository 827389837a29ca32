// The policysync console: read-only views over the task API, and dry-run plans. Everything the API returns is
// put on the page as text (textContent), never as markup; the token lives in sessionStorage only.
const api = new URL('../v1/', location.href);
const TOKEN_KEY = 'policysync.token';
const TERMINAL = new Set(['SUCCESS', 'FAILED', 'SKIPPED']);
const $ = (id) => document.getElementById(id);
let refresh;

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function showError(message) {
  $('error').textContent = message;
  $('error').hidden = !message;
}

async function call(path, init = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) throw new Error('paste a token first');
  const response = await fetch(new URL(path, api), {
    ...init,
    headers: { Accept: 'application/json', Authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${response.status} ${body.title ?? ''}: ${body.detail ?? ''}`.trim());
  return body;
}

function tokenState() {
  $('token-state').textContent = sessionStorage.getItem(TOKEN_KEY) ? 'token set for this tab' : 'no token';
}

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const value = $('token').value.trim().replace(/^Bearer\s+/i, '');
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  $('token').value = '';
  tokenState();
  route();
});
$('forget').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  tokenState();
});

function view(name) {
  for (const id of ['tasks-view', 'task-view', 'plan-view']) $(id).hidden = id !== name;
}

function schedule(fn, ms) {
  clearTimeout(refresh);
  refresh = setTimeout(fn, ms);
}

// Tasks -----------------------------------------------------------------------------------------------------------

async function showTasks() {
  view('tasks-view');
  const query = new URLSearchParams({ limit: '50' });
  if ($('status-filter').value) query.set('status', $('status-filter').value);
  if ($('source-filter').value) query.set('source', $('source-filter').value);
  const page = await call(`tasks?${query}`);
  const body = $('tasks').querySelector('tbody');
  body.replaceChildren();
  for (const t of page.tasks) {
    const row = el('tr');
    const link = el('a', t.taskId);
    link.href = `#/tasks/${encodeURIComponent(t.taskId)}`;
    const id = el('td');
    id.append(link);
    row.append(id, el('td', t.status, `status-${t.status}`), el('td', t.source), el('td', t.createdAt), el('td', t.message));
    body.append(row);
  }
  $('tasks-empty').hidden = page.tasks.length > 0;
  if (page.tasks.some((t) => !TERMINAL.has(t.status))) schedule(route, 3000);
}
$('filters').addEventListener('change', () => route());

// One task --------------------------------------------------------------------------------------------------------

function header(task) {
  const dl = $('task-header');
  dl.replaceChildren();
  const add = (k, v) => v !== undefined && v !== '' && dl.append(el('dt', k), el('dd', v));
  add('Status', task.status);
  dl.lastChild?.classList.add(`status-${task.status}`);
  add('Message', task.message);
  add('Source', task.source);
  add('Dry run', task.dryRun ? 'yes' : undefined);
  add('Created', task.createdAt);
  add('Finished', task.finishedAt);
  add('Policy version', task.policyVersion);
  if (task.units) add('Units', `${task.units.done} of ${task.units.total} done`);
  add('Resources', `${task.counts.succeeded} succeeded, ${task.counts.failed} failed, ${task.counts.skipped} skipped of ${task.counts.resources}`);
}

function listSection(title, items, render) {
  if (!items || items.length === 0) return undefined;
  const box = el('div');
  box.append(el('h4', title));
  const list = el('ul');
  for (const item of items) list.append(render(item));
  box.append(list);
  return box;
}

function resourceBlock(r) {
  const box = el('div', undefined, 'resource');
  box.append(el('h3', `${r.type} ${Object.values(r.values).join('.')}`));
  box.append(el('p', `${r.status}: ${r.message}`, `status-${r.status}`));
  const c = r.changes;
  if (c) {
    if (c.plan && c.plan.length > 0) {
      const table = el('table', undefined, 'plan');
      const head = el('tr');
      for (const h of ['Op', 'Object', 'Principal', 'Privileges', 'Reason']) head.append(el('th', h));
      table.append(head);
      for (const p of c.plan) {
        const row = el('tr');
        row.append(el('td', p.op), el('td', p.object), el('td', p.principal), el('td', p.privileges.join(', ')), el('td', p.reason));
        table.append(row);
      }
      box.append(el('h4', 'Plan'), table);
    } else box.append(el('p', `nothing to change (${c.unchanged ?? 0} grants already in place)`));
    for (const part of [
      listSection('Warnings', c.warnings, (w) => el('li', w)),
      listSection('Masking', c.masking, (m) => el('li', m)),
      listSection('Statements', c.statements, (s) => el('li', `${s.ok ? 'ok' : 'failed'}: ${s.sql}${s.error ? ` — ${s.error}` : ''}`, 'sql')),
    ])
      if (part) box.append(part);
  }
  return box;
}

async function showTask(taskId) {
  view('task-view');
  $('task-id').textContent = taskId;
  const task = await call(`tasks/${encodeURIComponent(taskId)}`);
  header(task);
  $('task-resources').replaceChildren(...(task.resources ?? []).map(resourceBlock));
  if (!TERMINAL.has(task.status)) schedule(route, 2000);
}

// Plan ------------------------------------------------------------------------------------------------------------

let resourceTypes;

async function showPlan() {
  view('plan-view');
  if (resourceTypes) return;
  const health = await fetch(new URL('health', api)).then((r) => r.json());
  resourceTypes = health.resourceTypes ?? {};
  $('plan-type').replaceChildren(...Object.keys(resourceTypes).map((t) => el('option', t)));
}

/** A dotted name into its parts, keeping a quoted part (with its quotes) whole, as the API reads them. */
function parts(name) {
  const out = [];
  let current = '';
  let quote;
  for (const ch of name) {
    if (quote) {
      current += ch;
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === '`') {
      quote = ch;
      current += ch;
    } else if (ch === '.') {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out;
}

$('plan-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  showError('');
  const type = $('plan-type').value;
  const keys = resourceTypes[type] ?? [];
  const given = parts($('plan-name').value.trim());
  if (given.length !== keys.length) {
    showError(`a ${type} is named by ${keys.join('.')}`);
    return;
  }
  const values = Object.fromEntries(keys.map((k, i) => [k, given[i]]));
  const result = $('plan-result');
  result.replaceChildren(el('p', 'planning ...'));
  try {
    let task = await call('task?dryRun=true', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Prefer: 'wait=30', 'Idempotency-Key': crypto.randomUUID() },
      body: JSON.stringify({ type: 'RESOURCE_SYNC', requestInfo: { resources: [{ type, values }] } }),
    });
    while (!TERMINAL.has(task.status)) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      task = await call(`tasks/${encodeURIComponent(task.taskId)}`);
    }
    const link = el('a', `task ${task.taskId}`);
    link.href = `#/tasks/${encodeURIComponent(task.taskId)}`;
    const about = el('p', `${task.status}: ${task.message} — `, `status-${task.status}`);
    about.append(link);
    result.replaceChildren(about, ...(task.resources ?? []).map(resourceBlock));
  } catch (err) {
    result.replaceChildren();
    showError(err.message);
  }
});

// Routing ---------------------------------------------------------------------------------------------------------

async function route() {
  clearTimeout(refresh);
  showError('');
  const hash = location.hash || '#/tasks';
  try {
    const task = hash.match(/^#\/tasks\/(.+)$/);
    if (task) await showTask(decodeURIComponent(task[1]));
    else if (hash === '#/plan') await showPlan();
    else await showTasks();
  } catch (err) {
    showError(err.message);
  }
}

window.addEventListener('hashchange', route);
tokenState();
route();
