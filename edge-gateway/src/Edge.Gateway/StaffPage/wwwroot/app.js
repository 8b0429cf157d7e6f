// Staff page: sign in, then live open incidents (server-sent events), accept/resolve, sensors and channels.
// Data is always inserted as text (textContent), never as HTML.
'use strict';

const $ = (sel, root = document) => root.querySelector(sel);
let csrf = '';
let events = null;
let clockOffsetMs = 0;          // server time minus browser time
let lastIncidents = [];
const openResolveForms = new Set();

async function fetchCsrf() {
  const r = await fetch('/api/csrf', { credentials: 'same-origin', cache: 'no-store' });
  csrf = (await r.json()).token;
}

async function post(url, body) {
  const r = await fetch(url, {
    method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-TOKEN': csrf },
    body: JSON.stringify(body || {}),
  });
  let data = null;
  try { data = await r.json(); } catch { /* 204 */ }
  return { ok: r.ok, status: r.status, data };
}

async function start() {
  const me = await fetch('/api/me', { credentials: 'same-origin', cache: 'no-store' });
  if (me.status === 200) {
    const who = await me.json();
    await fetchCsrf();
    showApp(who);
  } else {
    await fetchCsrf();
    showSignIn();
  }
}

function showSignIn() {
  if (events) { events.close(); events = null; }
  $('#app').hidden = true;
  $('#signout').hidden = true;
  $('#who').textContent = '';
  $('#signin').hidden = false;
  setConnection(false);
}

function showApp(who) {
  $('#signin').hidden = true;
  $('#app').hidden = false;
  $('#signout').hidden = false;
  $('#who').textContent = who.name || who.user;
  connect();
  if (typeof loadResidents === 'function') loadResidents(); // residents.js
}

function setConnection(live) {
  const c = $('#connection');
  c.textContent = live ? 'live' : 'offline';
  c.classList.toggle('live', live);
}

function connect() {
  if (events) events.close();
  events = new EventSource('/api/events');
  events.addEventListener('open', () => setConnection(true));
  events.addEventListener('error', async () => {
    setConnection(false);
    // A lost session (signed out elsewhere, account disabled) shows the sign-in form again.
    const me = await fetch('/api/me', { credentials: 'same-origin', cache: 'no-store' }).catch(() => null);
    if (me && me.status === 401) showSignIn();
  });
  events.addEventListener('incidents', e => {
    const view = JSON.parse(e.data);
    clockOffsetMs = Date.parse(view.serverNow) - Date.now();
    lastIncidents = view.incidents;
    renderIncidents();
    setConnection(true);
  });
  events.addEventListener('board', e => renderBoard(JSON.parse(e.data)));
}

function age(raisedAt) {
  const s = Math.max(0, Math.round((Date.now() + clockOffsetMs - Date.parse(raisedAt)) / 1000));
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  return `${Math.floor(m / 60)} h ${m % 60} min ago`;
}

function renderIncidents() {
  const list = $('#incidents');
  $('#incident-count').textContent = String(lastIncidents.length);
  $('#no-incidents').hidden = lastIncidents.length > 0;
  const keep = new Map([...list.children].map(li => [li.dataset.id, li]));
  const ordered = [];
  for (const i of lastIncidents) {
    const id = String(i.id);
    let li = keep.get(id);
    if (!li) li = createIncident(i);
    keep.delete(id);
    updateIncident(li, i);
    ordered.push(li);
  }
  for (const [id, li] of keep) { openResolveForms.delete(id); li.remove(); }
  ordered.forEach(li => list.appendChild(li));
}

function createIncident(i) {
  const li = $('#incident-template').content.firstElementChild.cloneNode(true);
  li.dataset.id = String(i.id);
  $('.accept', li).addEventListener('click', () => act(li, `/api/incidents/${i.id}/accept`, {}));
  $('.resolve-open', li).addEventListener('click', () => {
    const form = $('form.resolve', li);
    form.hidden = !form.hidden;
    if (form.hidden) openResolveForms.delete(li.dataset.id); else openResolveForms.add(li.dataset.id);
  });
  $('form.resolve', li).addEventListener('submit', e => {
    e.preventDefault();
    act(li, `/api/incidents/${i.id}/resolve`, { outcome: $('.outcome', li).value, note: $('.note', li).value });
  });
  return li;
}

function updateIncident(li, i) {
  li.classList.toggle('urgent', i.urgent);
  li.classList.toggle('accepted', i.state === 'accepted');
  li.dataset.state = i.state;
  li.dataset.type = i.type;
  $('.type', li).textContent = i.typeLabel;
  $('.room', li).textContent = i.room || '';
  $('.resident', li).textContent = i.resident || '';
  $('.age', li).textContent = age(i.raisedAt);
  $('.age', li).dataset.raisedAt = i.raisedAt;
  $('.state', li).textContent = i.state === 'accepted' ? `accepted by ${i.acceptedBy}` : 'waiting for someone to accept';
  $('.tier', li).textContent = `alerts: ${i.escalation}`;
  $('.detail', li).textContent = i.detail || '';
  $('.accept', li).hidden = i.state !== 'raised';
}

async function act(li, url, body) {
  $('#action-error').textContent = '';
  li.querySelectorAll('button').forEach(b => { b.disabled = true; });
  const r = await post(url, body);
  li.querySelectorAll('button').forEach(b => { b.disabled = false; });
  if (r.status === 401) { showSignIn(); return; }
  if (!r.ok) {
    $('#action-error').textContent = (r.data && r.data.error) || `Failed (${r.status})`;
    if (r.status === 400) await fetchCsrf();
  }
}

function renderBoard(board) {
  const channels = $('#channels');
  channels.replaceChildren(...board.channels.map(c => {
    const li = document.createElement('li');
    const bad = c.faulted || c.state === 'down' || c.state === 'failed';
    li.className = bad ? 'bad' : '';
    li.textContent = `${c.name} (${c.kind}): ${c.state}${bad ? ' – ' + c.detail : ''}`;
    return li;
  }));
  if (board.channels.length === 0) {
    const li = document.createElement('li');
    li.className = 'bad';
    li.textContent = 'No alert channel configured: nobody is paged';
    channels.appendChild(li);
  }

  const uplink = $('#uplink');
  if (board.uplink && board.uplink.enabled && board.uplink.degraded) {
    uplink.hidden = false;
    const since = board.uplink.unreachableSince ? new Date(board.uplink.unreachableSince).toLocaleTimeString() : '?';
    uplink.textContent = `Cloud unreachable since ${since}; ${board.uplink.backlog} event(s) waiting (${board.uplink.alertBacklog} alerts). Alerts here are not affected.`;
  } else {
    uplink.hidden = true;
  }

  const body = $('#devices tbody');
  body.replaceChildren(...board.devices.map(d => {
    const tr = document.createElement('tr');
    const cells = [
      d.resident, d.room || '', d.state + (d.charging ? ' (charging)' : ''),
      d.batteryPercent == null ? '?' : `${d.batteryPercent} %`,
      d.worn == null ? '?' : (d.worn ? 'yes' : 'no'),
      d.lastSeen ? age(d.lastSeen) : 'never',
      `${Math.round(d.unprotectedMinutes24h)} min`,
      d.fault || '',
    ];
    cells.forEach((text, n) => {
      const td = document.createElement('td');
      td.textContent = text;
      if ((n === 2 && d.state === 'offline') || (n === 3 && d.batteryPercent != null && d.batteryPercent < 20) || (n === 4 && d.worn === false) || (n === 7 && d.faultActive)) td.className = 'bad';
      tr.appendChild(td);
    });
    return tr;
  }));
}

document.addEventListener('DOMContentLoaded', () => {
  $('#signin-form').addEventListener('submit', async e => {
    e.preventDefault();
    $('#signin-error').textContent = '';
    $('#signin-button').disabled = true;
    const r = await post('/api/signin', { username: $('#username').value.trim(), password: $('#password').value });
    $('#signin-button').disabled = false;
    $('#password').value = '';
    if (!r.ok) {
      $('#signin-error').textContent = (r.data && r.data.error) || `Sign-in failed (${r.status})`;
      await fetchCsrf();
      return;
    }
    await fetchCsrf(); // the token is bound to the signed-in user
    const me = await fetch('/api/me', { credentials: 'same-origin', cache: 'no-store' });
    showApp(await me.json());
  });
  $('#signout').addEventListener('click', async () => {
    await post('/api/signout');
    await fetchCsrf();
    showSignIn();
  });
  setInterval(() => document.querySelectorAll('.incident .age').forEach(a => { a.textContent = age(a.dataset.raisedAt); }), 1000);
  start();
});
